/// Performs a list of operations in order: file-system ones through `FolderWriter`, agent ones
/// through `AgentSupervisor`, pauses as sleeps. A burst is written with the agent stopped
/// (SIGSTOP), so its events pile up in the kernel queue past `max_queued_events` whatever the
/// machine's speed, the way a stalled or swapped-out agent would meet them.
struct RoundExecutor: Sendable {
    let agent: AgentSupervisor
    let writer: FolderWriter

    /// Counts of what was done, by kind.
    func perform(_ operations: [TortureOperation]) async throws -> [OperationKind: Int] {
        var done: [OperationKind: Int] = [:]
        for operation in operations {
            switch operation {
            case .killAgent: await agent.kill()
            case .startAgent: try await agent.ensureRunning()
            case .pause(let milliseconds): try await Task.sleep(for: .milliseconds(milliseconds))
            case .burst:
                let stopped = await agent.suspend()
                let written = Result { try writer.apply(operation) }
                if stopped { await agent.resume() }
                try written.get()
            default: try writer.apply(operation)
            }
            done[operation.kind, default: 0] += 1
        }
        return done
    }
}

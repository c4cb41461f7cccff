import Agent
import Foundation
import LinuxSystem

/// `watch`: builds the agent's configuration from the command line, environment and config file,
/// hands SIGINT, SIGTERM and SIGHUP to it, and runs it (`Agent` does the rest).
enum WatchCommand {
    static func run(_ context: CommandContext, dependencies: CommandDependencies) async throws {
        let forcedPolling = try context.arguments.duration("--poll")
        if let forcedPolling, forcedPolling < .milliseconds(100) { throw UsageError("--poll: scan at most every 100ms (got \(forcedPolling))") }
        let prepared = try await SyncSessions.prepare(context, dependencies: dependencies)
        let emulator = prepared.emulator
        let logger = prepared.logger
        let configuration = AgentConfiguration(syncs: prepared.syncs, listen: prepared.settings.listen.value,
                                               forcedPolling: forcedPolling, logger: logger)
        let control = AgentControl()
        context.signals.takeOver { signal in
            switch signal {
            case .hangup:
                control.requestReload()
            case .interrupt, .terminate:
                if control.isStopping {
                    logger.warning(.agentStopping, "\(signal) again: stopping at once")
                } else {
                    logger.notice(.agentStopping, "\(signal): finishing the requests in flight, then stopping (send it again to stop at once)")
                }
                control.requestStop()
            }
        }
        defer { context.signals.release() }
        let agent = Agent(configuration: configuration, control: control) {
            let reloaded = try await SyncSessions.prepare(context, dependencies: dependencies, reusing: emulator)
            return AgentConfiguration(syncs: reloaded.syncs, listen: configuration.listen, forcedPolling: forcedPolling, logger: logger)
        }
        do {
            try await agent.run()
        } catch {
            await emulator?.stop()
            throw error
        }
        await emulator?.stop()
    }
}

extension AgentError: UserFacingError {
    public var exitCode: ExitCode {
        switch kind {
        case .usage: .usage
        case .configuration: .configuration
        case .localState: .localIO
        case .remote: .failure
        }
    }
}

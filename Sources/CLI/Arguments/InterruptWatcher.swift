#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Turns SIGINT and SIGTERM into task cancellation while a command runs, so commands stop through
/// ordinary task cancellation (their `defer`s and state saves run) instead of dying mid-write.
///
/// While active, the signals' default actions are replaced (the previous dispositions are put
/// back by `stop()`). The first signal cancels the task; a second SIGINT ends the process at once
/// with exit code 130, for a command that does not stop.
final class InterruptWatcher: Sendable {
    private struct State {
        var sources: [any DispatchSourceSignal] = []
        var previous: [(Int32, sighandler_t?)] = []
        var interrupts = 0
        var signalled = false
        var task: Task<Void, any Error>?
    }

    private let state = Mutex(State())

    /// Starts watching. Start it before the command's task, so no signal slips in between; a
    /// signal that arrives before `attach(_:)` cancels the task as soon as it is attached.
    init() {
        state.withLock { state in
            for signalNumber in [SIGINT, SIGTERM] {
                state.previous.append((signalNumber, signal(signalNumber, SIG_IGN)))
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [weak self] in
                    guard let self else { return }
                    let (isSecondInterrupt, task) = self.state.withLock { current in
                        if signalNumber == SIGINT { current.interrupts += 1 }
                        current.signalled = true
                        return (current.interrupts > 1, current.task)
                    }
                    if isSecondInterrupt { _exit(ExitCode.interrupted.rawValue) }
                    task?.cancel()
                }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// The command's task, cancelled on the first signal.
    func attach(_ task: Task<Void, any Error>) {
        let signalled = state.withLock { state in
            state.task = task
            return state.signalled
        }
        if signalled { task.cancel() }
    }

    /// Whether SIGINT arrived (the exit code is then 130 whatever the command did).
    var wasInterrupted: Bool { state.withLock { $0.interrupts > 0 } }

    /// Stops watching and restores the previous signal dispositions.
    func stop() {
        state.withLock { state in
            for source in state.sources { source.cancel() }
            for (signalNumber, handler) in state.previous { _ = signal(signalNumber, handler) }
            state.sources = []
            state.previous = []
            state.task = nil
        }
    }
}

import LinuxSystem
import Synchronization

/// Turns SIGINT, SIGTERM and SIGHUP into task cancellation while a command runs, so commands
/// stop through ordinary task cancellation (their `defer`s and state saves run) instead of dying
/// mid-write. A command that handles signals itself (`watch`) takes them over through
/// `CommandSignals.takeOver(_:)`; then they are handed to it and nothing is cancelled here.
///
/// The first signal cancels the task; a second SIGINT ends the process at once with exit code
/// 130, for a command that does not stop.
final class InterruptWatcher: Sendable {
    private struct State {
        var interrupts = 0
        var signalled = false
        var task: Task<Void, any Error>?
    }

    private let state = Mutex(State())
    private let catcher = Mutex<SignalCatcher?>(nil)
    let signals = CommandSignals()

    /// Starts watching. Start it before the command's task, so no signal slips in between; a
    /// signal that arrives before `attach(_:)` cancels the task as soon as it is attached.
    init() {
        let catcher = SignalCatcher([.interrupt, .terminate, .hangup]) { [weak self] signal in
            self?.received(signal)
        }
        self.catcher.withLock { $0 = catcher }
    }

    private func received(_ signal: ProcessSignal) {
        if signals.deliver(signal) { return }
        let (isSecondInterrupt, task) = state.withLock { current in
            if signal == .interrupt { current.interrupts += 1 }
            current.signalled = true
            return (current.interrupts > 1, current.task)
        }
        if isSecondInterrupt { SignalCatcher.exitImmediately(ExitCode.interrupted.rawValue) }
        task?.cancel()
    }

    /// The command's task, cancelled on the first signal.
    func attach(_ task: Task<Void, any Error>) {
        let signalled = state.withLock { state in
            state.task = task
            return state.signalled
        }
        if signalled { task.cancel() }
    }

    /// Whether SIGINT arrived while the command had not taken signals over (the exit code is then
    /// 130 whatever the command did).
    var wasInterrupted: Bool { state.withLock { $0.interrupts > 0 } }

    /// Stops watching and restores the previous signal dispositions.
    func stop() {
        catcher.withLock { catcher in
            catcher?.stop()
            catcher = nil
        }
        state.withLock { $0.task = nil }
    }
}

/// The signals a running command may take over from `runCLI`'s default (cancel the command).
/// Without `runCLI`'s watcher (tests), taking over does nothing and no signal arrives.
public final class CommandSignals: Sendable {
    private let handler = Mutex<(@Sendable (ProcessSignal) -> Void)?>(nil)

    public init() {}

    /// From now on, every SIGINT, SIGTERM and SIGHUP goes to `handler` instead.
    public func takeOver(_ handler: @escaping @Sendable (ProcessSignal) -> Void) {
        self.handler.withLock { $0 = handler }
    }

    /// Gives up the signals again (back to cancelling the command).
    public func release() {
        handler.withLock { $0 = nil }
    }

    /// Hands `signal` to the command's handler; false when none was installed.
    func deliver(_ signal: ProcessSignal) -> Bool {
        guard let handler = handler.withLock({ $0 }) else { return false }
        handler(signal)
        return true
    }
}

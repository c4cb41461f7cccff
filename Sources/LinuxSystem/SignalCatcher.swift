#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// A process signal a long-running command handles itself instead of dying of it.
public enum ProcessSignal: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hangup, interrupt, terminate

    public var number: Int32 {
        switch self {
        case .hangup: SIGHUP
        case .interrupt: SIGINT
        case .terminate: SIGTERM
        }
    }

    public var description: String {
        switch self {
        case .hangup: "SIGHUP"
        case .interrupt: "SIGINT"
        case .terminate: "SIGTERM"
        }
    }
}

/// Catches signals and hands them to a handler on a Dispatch queue, in place of their default
/// action (termination). The previous dispositions are put back by `stop()`.
///
/// Catching starts in `init`: create it before the work a signal should reach, so none slips
/// through. Thread-safe.
public final class SignalCatcher: Sendable {
    private struct State {
        var sources: [any DispatchSourceSignal] = []
        var previous: [(Int32, sighandler_t?)] = []
    }

    private let state = Mutex(State())

    /// A serial queue, which Dispatch serves from its overcommit pool: a handler run on a global
    /// queue would start Dispatch's worker-pool monitor, a 1 Hz wake for the rest of the process
    /// (see `JobPool`), at the first SIGHUP.
    private static let queue = DispatchQueue(label: "aisearch-sync.signals")

    public init(_ signals: [ProcessSignal], handler: @escaping @Sendable (ProcessSignal) -> Void) {
        state.withLock { state in
            for caught in signals {
                // Ignored at the C level so the default action never runs; Dispatch still sees it.
                state.previous.append((caught.number, signal(caught.number, SIG_IGN)))
                let source = DispatchSource.makeSignalSource(signal: caught.number, queue: Self.queue)
                source.setEventHandler { handler(caught) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// Stops catching and restores the previous dispositions.
    public func stop() {
        state.withLock { state in
            for source in state.sources { source.cancel() }
            for (number, handler) in state.previous { _ = signal(number, handler) }
            state.sources = []
            state.previous = []
        }
    }

    /// Ends the process at once with `status`, without running atexit handlers or flushing
    /// buffers: for a command that does not stop when asked twice.
    public static func exitImmediately(_ status: Int32) -> Never { _exit(status) }
}

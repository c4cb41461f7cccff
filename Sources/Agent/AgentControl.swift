import Synchronization

/// How the outside world steers a running agent: the CLI turns signals into these calls.
///
/// - `requestStop()`: the first call is graceful (no new work, requests in flight finish up to
///   the agent's stop deadline, the state is saved); a second call stops at once (cancels).
/// - `requestReload()`: re-read the configuration and the ignore rules (SIGHUP).
///
/// Thread-safe; callable from a signal handler's queue. Listeners are woken on every call.
public final class AgentControl: Sendable {
    public enum Request: Sendable, Equatable {
        case none, reload, gracefulStop, immediateStop
    }

    private struct State {
        var stops = 0
        var reloadPending = false
        var listeners: [Int: @Sendable () -> Void] = [:]
        var nextListener = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func requestStop() { change { $0.stops += 1 } }

    public func requestReload() { change { $0.reloadPending = true } }

    /// The most pressing request: an immediate stop, then a graceful one, then a reload.
    public var request: Request {
        state.withLock { state in
            if state.stops >= 2 { return .immediateStop }
            if state.stops == 1 { return .gracefulStop }
            return state.reloadPending ? .reload : .none
        }
    }

    /// Marks a pending reload as taken.
    public func takeReload() -> Bool {
        state.withLock { state in
            defer { state.reloadPending = false }
            return state.reloadPending
        }
    }

    public var isStopping: Bool { state.withLock { $0.stops > 0 } }

    /// Calls `listener` on every request until the returned token is passed to `removeListener`.
    public func addListener(_ listener: @escaping @Sendable () -> Void) -> Int {
        state.withLock { state in
            state.nextListener += 1
            state.listeners[state.nextListener] = listener
            return state.nextListener
        }
    }

    public func removeListener(_ token: Int) {
        _ = state.withLock { $0.listeners.removeValue(forKey: token) }
    }

    private func change(_ body: (inout State) -> Void) {
        let listeners = state.withLock { state in
            body(&state)
            return Array(state.listeners.values)
        }
        for listener in listeners { listener() }
    }
}

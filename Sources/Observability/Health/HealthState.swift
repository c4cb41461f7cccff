import Synchronization

/// What `/healthz` and `/readyz` answer: whether the check passes, and if not, why, one
/// sentence per problem (written into the response body for whoever is debugging the probe).
public struct HealthStatus: Sendable, Equatable {
    public var ok: Bool
    public var reasons: [String]

    public init(ok: Bool, reasons: [String]) {
        self.ok = ok
        self.reasons = reasons
    }
}

/// The agent's health as seen by probes, fed by the watcher, the executor and the API client.
///
/// - **Liveness** (`healthz`): fails when restarting the process is the likely cure: a root's
///   watcher is not running, an inotify overflow was not recovered by a rescan, or the API has
///   rejected the credentials `authErrorLimit` times in a row.
/// - **Readiness** (`readyz`): additionally fails until every root has finished its first
///   reconcile, and while a root's backlog is above the threshold.
///
/// Roots are named by the caller (the instance name, or the root path when several roots share
/// an instance); register each with `register(_:)` before starting it, so a root that never
/// starts is reported rather than forgotten. Thread-safe: one `Mutex`; every method returns at
/// once, so the HTTP handler can call it directly.
public final class HealthState: Sendable {
    struct Root: Sendable {
        var isWatcherAlive = false
        /// Why the watcher is down, when it is known.
        var watcherDownReason: String?
        /// A retryable failure the agent is backing off from (an outage, a full state disk).
        var failure: String?
        var hasUnrecoveredOverflow = false
        var isInitialReconcileDone = false
        var backlog = 0
    }

    struct State: Sendable {
        var roots: [String: Root] = [:]
        var consecutiveAuthErrors = 0
    }

    /// Consecutive authentication failures (401/403) at which liveness fails.
    public let authErrorLimit: Int
    private let state = Mutex(State())

    public init(authErrorLimit: Int = 3) {
        self.authErrorLimit = authErrorLimit
    }

    /// Starts tracking `root`: not watching, not reconciled, no backlog.
    public func register(_ root: String) {
        state.withLock { if $0.roots[root] == nil { $0.roots[root] = Root() } }
    }

    public func setWatcherAlive(_ isAlive: Bool, root: String, reason: String? = nil) {
        update(root) {
            $0.isWatcherAlive = isAlive
            $0.watcherDownReason = isAlive ? nil : reason
        }
    }

    /// A failure the agent retries by itself (nil once a retry worked): liveness fails with it
    /// meanwhile, so an operator sees why nothing syncs.
    public func setFailure(_ reason: String?, root: String) {
        update(root) { $0.failure = reason }
    }

    /// Stops tracking `root` (its sync was removed by a configuration reload).
    public func unregister(_ root: String) {
        _ = state.withLock { $0.roots.removeValue(forKey: root) }
    }

    /// Set on `IN_Q_OVERFLOW`; clear when the rescan that recovers from it has finished.
    public func setUnrecoveredOverflow(_ hasOverflow: Bool, root: String) {
        update(root) { $0.hasUnrecoveredOverflow = hasOverflow }
    }

    public func markInitialReconcileDone(root: String) {
        update(root) { $0.isInitialReconcileDone = true }
    }

    public func setBacklog(_ count: Int, root: String) {
        update(root) { $0.backlog = count }
    }

    /// A request was rejected with 401 or 403.
    public func recordAuthFailure() {
        state.withLock { $0.consecutiveAuthErrors += 1 }
    }

    /// A request was accepted: the credentials work, the streak is over.
    public func recordAuthSuccess() {
        state.withLock { $0.consecutiveAuthErrors = 0 }
    }

    public var consecutiveAuthErrors: Int { state.withLock { $0.consecutiveAuthErrors } }

    /// Liveness: `ok` unless a watcher is down, an overflow is unrecovered or the credentials
    /// keep failing. Reasons are sorted by root name.
    public func healthz() -> HealthStatus {
        state.withLock { state in
            var reasons: [String] = []
            for (name, root) in state.roots.sorted(by: { $0.key < $1.key }) {
                if !root.isWatcherAlive {
                    reasons.append("\(name): watcher is not running" + (root.watcherDownReason.map { " (\($0))" } ?? ""))
                }
                if let failure = root.failure { reasons.append("\(name): \(failure)") }
                if root.hasUnrecoveredOverflow {
                    reasons.append("\(name): inotify queue overflowed and the rescan has not finished")
                }
            }
            if state.consecutiveAuthErrors >= authErrorLimit {
                reasons.append("API rejected the credentials \(state.consecutiveAuthErrors) times in a row")
            }
            return HealthStatus(ok: reasons.isEmpty, reasons: reasons)
        }
    }

    /// Readiness: healthy, every root's first reconcile done, and no backlog above
    /// `backlogThreshold`. With no root registered yet, not ready.
    public func readyz(backlogThreshold: Int) -> HealthStatus {
        let health = healthz()
        return state.withLock { state in
            var reasons = health.reasons
            if state.roots.isEmpty { reasons.append("no root has been started yet") }
            for (name, root) in state.roots.sorted(by: { $0.key < $1.key }) {
                if !root.isInitialReconcileDone { reasons.append("\(name): initial reconcile has not finished") }
                if root.backlog > backlogThreshold {
                    reasons.append("\(name): backlog of \(root.backlog) is above \(backlogThreshold)")
                }
            }
            return HealthStatus(ok: reasons.isEmpty, reasons: reasons)
        }
    }

    private func update(_ root: String, _ change: (inout Root) -> Void) {
        state.withLock { state in
            var value = state.roots[root] ?? Root()
            change(&value)
            state.roots[root] = value
        }
    }
}

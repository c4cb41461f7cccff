import AISearchAPI
import Observability
import Synchronization
import SyncCore

/// What `watch` tells operators: the metrics behind `/metrics` and the health behind `/healthz`
/// and `/readyz`, fed from each round's report and from the clients' counters.
public final class AgentTelemetry: Sendable {
    public let metrics: AgentMetrics
    public let health: HealthState
    /// `/readyz` fails while more paths than this wait to be synced.
    let backlogThreshold: Int
    private let clients: Mutex<[AISearchClient]>
    /// The client counters already added to the metrics, to add only what is new.
    private let counted = Mutex<[String: Int]>([:])

    public init(instances: [String], clients: [AISearchClient], backlogThreshold: Int = 1000) {
        metrics = AgentMetrics(instances: instances)
        health = HealthState()
        self.backlogThreshold = backlogThreshold
        self.clients = Mutex(clients)
    }

    /// The clients whose counters `/metrics` reports (replaced when a reload opens new ones).
    func attach(clients newClients: [AISearchClient]) {
        clients.withLock { $0 = newClients }
    }

    /// Counts a round's outcomes. `observesLatency` only for rounds that follow file changes:
    /// a start-up reconcile would time files last edited days ago.
    func record(_ round: SyncEngine.Round, instance: String, rescan: AgentMetrics.RescanReason?, observesLatency: Bool) {
        let report = round.report
        let failures = Dictionary(grouping: report.failures, by: \.operation).mapValues(\.count)
        for _ in report.uploaded { metrics.recordUpload(instance: instance, outcome: .success) }
        for _ in 0..<(failures["upload"] ?? 0) + (failures["verify"] ?? 0) { metrics.recordUpload(instance: instance, outcome: .failure) }
        for _ in report.deleted { metrics.recordDelete(instance: instance, outcome: .success) }
        for _ in 0..<(failures["delete"] ?? 0) { metrics.recordDelete(instance: instance, outcome: .failure) }
        for _ in report.reindexed { metrics.recordReindex(instance: instance, outcome: .success) }
        for _ in 0..<(failures["reindex"] ?? 0) { metrics.recordReindex(instance: instance, outcome: .failure) }
        metrics.recordHashed(bytes: Int(round.bytesHashed), instance: instance)
        if let rescan {
            metrics.recordRescan(instance: instance, reason: rescan)
            metrics.setFilesTracked(round.snapshot.eligibleCount, instance: instance)
        }
        guard observesLatency else { return }
        for touched in report.touched.values {
            guard let changed = touched.changedAtNanoseconds else { continue }
            if let accepted = touched.acceptedAtNanoseconds, accepted >= changed {
                metrics.observeEventToAccepted(.nanoseconds(accepted - changed), instance: instance)
            }
            if let completed = touched.completedAtNanoseconds, completed >= changed {
                metrics.observeEventToIndexed(.nanoseconds(completed - changed), instance: instance)
            }
        }
    }

    /// Adds the requests the clients made since the last call, by status class, and the budget.
    func refreshFromClients() async {
        var totals: [String: Int] = [:]
        var budget: Int?
        for client in clients.withLock({ $0 }) {
            let snapshot = await client.metrics()
            for (statusClass, count) in snapshot.responsesByStatusClass { totals[statusClass, default: 0] += count }
            totals["error", default: 0] += snapshot.transportFailures
            budget = min(budget ?? .max, snapshot.budgetRemaining)
        }
        let increments = counted.withLock { counted in
            var increments: [String: Int] = [:]
            for (status, total) in totals where total > counted[status, default: 0] {
                increments[status] = total - counted[status, default: 0]
                counted[status] = total
            }
            return increments
        }
        for (status, amount) in increments { metrics.apiRequests.increment(by: Double(amount), labels: ["status": status]) }
        if let budget { metrics.setBudgetRemaining(budget) }
    }
}

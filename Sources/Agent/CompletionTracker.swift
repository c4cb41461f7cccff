import AISearchAPI
import Foundation
import LinuxSystem
import SyncCore

/// Follows items `watch` uploaded until they reach `completed`, to time a change from the
/// file's last edit to the item being searchable. Only runs when metrics are served and `--wait`
/// is off (with `--wait` the executor already sees the completion). Frugal: each item is checked
/// with a doubling interval (0.5 s up to 30 s), at most `maximumInFlight` items at a time, and
/// given up after `giveUpAfter`.
public actor CompletionTracker {
    private struct Pending {
        var changedAtNanoseconds: Int64
        var nextCheck: ContinuousClock.Instant
        var interval: Duration
        var deadline: ContinuousClock.Instant
    }

    private let client: AISearchClient
    private let instance: String
    private let observe: @Sendable (Duration) -> Void
    private let giveUpAfter: Duration
    private let maximumInFlight: Int
    private var pending: [String: Pending] = [:]
    /// Set while `run` waits for work; `track` and cancellation end the wait.
    private var wake: AsyncStream<Void>.Continuation?
    private let clock = JobPoolClock()

    public init(client: AISearchClient, instance: String, giveUpAfter: Duration = .seconds(900), maximumInFlight: Int = 200,
         observe: @escaping @Sendable (Duration) -> Void) {
        self.client = client
        self.instance = instance
        self.giveUpAfter = giveUpAfter
        self.maximumInFlight = maximumInFlight
        self.observe = observe
    }

    /// Starts following the items a round uploaded (a re-upload restarts the item's clock).
    func track(_ touched: [ItemKey: ExecutionReport.Touched]) {
        let now = clock.now
        for item in touched.values {
            guard let changed = item.changedAtNanoseconds, item.completedAtNanoseconds == nil else { continue }
            guard pending[item.itemID] != nil || pending.count < maximumInFlight else { continue }
            pending[item.itemID] = Pending(changedAtNanoseconds: changed, nextCheck: now.advanced(by: .milliseconds(500)),
                                           interval: .milliseconds(500), deadline: now.advanced(by: giveUpAfter))
        }
        if !pending.isEmpty, let wake {
            wake.yield()
            wake.finish()
            self.wake = nil
        }
    }

    var pendingCount: Int { pending.count }

    /// Checks due items until cancelled. With nothing to follow it sleeps until `track` wakes
    /// it, so an idle agent does not wake up for it at all.
    func run() async throws {
        while true {
            if pending.isEmpty {
                let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
                wake = continuation
                for await _ in stream { break }
                try Task.checkCancellation()
                continue
            }
            let earliest = pending.values.map(\.nextCheck).min() ?? clock.now
            try await clock.sleep(until: max(earliest, clock.now.advanced(by: .milliseconds(50))))
            let now = clock.now
            for (itemID, entry) in pending where entry.nextCheck <= now {
                if entry.deadline <= now {
                    pending[itemID] = nil
                    continue
                }
                guard let item = try? await client.getItem(itemID, in: instance) else {
                    reschedule(itemID)
                    continue
                }
                switch item.status {
                case .completed:
                    let latency = wallClockNanoseconds() - entry.changedAtNanoseconds
                    if latency >= 0 { observe(.nanoseconds(latency)) }
                    pending[itemID] = nil
                case .queued, .running:
                    reschedule(itemID)
                default:
                    pending[itemID] = nil
                }
            }
        }
    }

    private func reschedule(_ itemID: String) {
        guard var entry = pending[itemID] else { return }
        entry.interval = min(entry.interval * 2, .seconds(30))
        entry.nextCheck = clock.now.advanced(by: entry.interval)
        pending[itemID] = entry
    }
}

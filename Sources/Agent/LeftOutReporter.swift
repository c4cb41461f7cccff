import Observability
import SyncCore

/// Reports files that watching leaves out (too large, a FIFO, unreadable, a key conflict,
/// ignored) once per file and reason, as they are found: a file is named again only when its
/// reason changes, or after it was eligible in between.
struct LeftOutReporter {
    /// The reason last reported, by key.
    private var reported: [ItemKey: String] = [:]

    mutating func report(_ round: SyncEngine.Round, isFull: Bool, logger: Logger) {
        var seen = Set<ItemKey>()
        for skip in round.plan.skips {
            guard case .ineligible(let reason) = skip.reason else { continue }
            seen.insert(skip.key)
            let text = "\(reason)"
            guard reported[skip.key] != text else { continue }
            reported[skip.key] = text
            if case .ignored = reason {
                logger.debug(.fileSkipped, "left out \(skip.key): \(reason)", key: skip.key.description)
            } else {
                logger.notice(.fileSkipped, "left out \(skip.key): \(reason)", key: skip.key.description)
            }
        }
        if isFull {
            // Whatever a full round did not leave out is eligible (or gone) now.
            reported = reported.filter { seen.contains($0.key) }
        } else {
            for file in round.snapshot.files where file.eligibility == .eligible { reported[file.key] = nil }
        }
    }
}

import AISearchAPI
import Hashing
import LinuxSystem

/// Decides what one sync round does: compares the scan, the item listing and the state, and
/// returns a plan. Pure: no I/O, no clock (`options.nowNanoseconds`), same inputs, same plan.
///
/// Rules, per key (details on each action type):
/// - eligible file, no item → upload (`new`, or `remoteMissing` when we had recorded one);
/// - eligible file, item → `compareContent`: equal → nothing (adopt first when the state did not
///   vouch for the item; re-index when `error`/`outdated`, at most `maxReindexAttempts` times per
///   content); different → upload; undetermined → verify by download;
/// - ineligible file whose item we own → delete, except `unreadable` and `keyConflict`;
/// - no file, owned item → delete; no file, no item, state entry → forget;
/// - items not `builtin` or outside `keyPrefix` are never considered, deleted or adopted;
/// - deletes are withheld wholesale by a `DeleteGuard` and refused beyond `maxDelete`.
public func plan(local: LocalSnapshot, remote: RemoteListing, state: SyncState, options: PlanOptions) -> SyncPlan {
    var planner = Planner(local: local, remote: remote, state: state, options: options)
    return planner.run()
}

struct Planner {
    let local: LocalSnapshot
    let state: SyncState
    let options: PlanOptions
    var plan = SyncPlan()

    private var eligible: [ItemKey: LocalFile] = [:]
    private var ineligible: [ItemKey: LocalFile] = [:]
    /// The one owned item per key the plan works with; extra owned items of a key are duplicates.
    private var primary: [ItemKey: Item] = [:]
    private var duplicates: [Item] = []
    private var ownedCount = 0
    private var isListingComplete: Bool
    private var kind: InstanceChecksumKind

    init(local: LocalSnapshot, remote: RemoteListing, state: SyncState, options: PlanOptions) {
        self.local = local
        self.state = state
        self.options = options
        self.isListingComplete = remote.isComplete
        self.kind = state.checksumKind
        for file in local.files {
            if file.isEligible { eligible[file.key] = file } else { ineligible[file.key] = ineligible[file.key] ?? file }
        }
        var owned: [ItemKey: [Item]] = [:]
        for item in remote.items where isOwned(item) {
            owned[ItemKey(item.key), default: []].append(item)
            ownedCount += 1
        }
        for (key, items) in owned {
            let recordedID = state.entries[key]?.remote?.itemID
            let chosen = items.first { $0.id == recordedID } ?? items.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }!
            primary[key] = chosen
            duplicates += items.filter { $0.id != chosen.id }
        }
    }

    /// Ours to change: uploaded through built-in storage, under our prefix, not already being deleted.
    private func isOwned(_ item: Item) -> Bool {
        item.sourceID == "builtin" && ItemKey(item.key).hasPrefix(options.keyPrefix) && item.nextAction != .delete
    }

    mutating func run() -> SyncPlan {
        learnChecksumKind()
        for file in local.files where !file.isEligible {
            if case .ineligible(let reason) = file.eligibility { plan.skips.append(SkipAction(key: file.key, reason: .ineligible(reason))) }
        }
        var deletes: [DeleteAction] = duplicates.map { DeleteAction(key: ItemKey($0.key), itemID: $0.id, reason: .duplicate) }
        let keys = Set(eligible.keys).union(ineligible.keys).union(primary.keys).union(state.entries.keys)
        for key in keys {
            if let file = eligible[key] {
                planEligible(file, item: primary[key], entry: state.entries[key])
            } else if let item = primary[key] {
                if let file = ineligible[key], case .ineligible(let reason) = file.eligibility, !reason.removesFromMirror { continue }
                if let failure = state.journal.terminalFailure(for: key, kind: .delete, contentSHA256: nil) {
                    plan.skips.append(SkipAction(key: key, reason: .terminalFailure(kind: .delete, httpStatus: failure.httpStatus, message: failure.message)))
                    continue
                }
                deletes.append(DeleteAction(key: key, itemID: item.id, reason: ineligible[key] == nil ? .localGone : .becameIneligible))
            } else if ineligible[key] == nil {
                plan.forgotten.append(key)
            }
        }
        applyDeleteGuards(to: deletes)
        sortLists()
        estimateCost()
        return plan
    }

    /// Records the instance's checksum kind when still unknown and some file's digest matches its
    /// item's checksum (the algorithm with the most matches wins; in practice there is only one).
    private mutating func learnChecksumKind() {
        guard kind == .unknown else { return }
        var votes: [ChecksumAlgorithm: Int] = [:]
        for (key, item) in primary {
            guard let file = eligible[key] else { continue }
            let checksum = normalizedChecksum(item.checksum)
            guard !checksum.isEmpty else { continue }
            for algorithm in ChecksumAlgorithm.allCases where file.digests[algorithm] == checksum {
                votes[algorithm, default: 0] += 1
            }
        }
        guard let best = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return }
        kind = InstanceChecksumKind(best.key)
        plan.detectedChecksumKind = kind
    }

    private mutating func planEligible(_ file: LocalFile, item: Item?, entry: StateEntry?) {
        let key = file.key
        let sha256: SHA256Digest? = file.digests[.sha256].flatMap { SHA256Digest(hex: $0) }
            ?? (entry?.identity?.matches(file.status) == true ? entry?.sha256 : nil)
        guard let sha256 else {
            plan.skips.append(SkipAction(key: key, reason: .digestUnavailable))
            return
        }
        guard let item else {
            upload(file, sha256: sha256, reason: entry?.remote == nil ? .new : .remoteMissing, replacing: nil)
            return
        }
        let record = entry?.remote
        switch compareContent(of: item, sha256: sha256, digests: file.digests, size: file.status.size, record: record, kind: kind) {
        case .equal(let evidence):
            if evidence == .ownRecord {
                if record?.status != item.status { plan.statusUpdates.append(StatusUpdate(key: key, status: item.status)) }
            } else {
                plan.adoptions.append(AdoptAction(key: key, path: file.path, itemID: item.id, checksum: item.checksum,
                                                  status: item.status, sha256: sha256, evidence: evidence))
            }
            planIndexHealth(key: key, item: item, sha256: sha256, attempts: evidence == .ownRecord ? record?.reindexAttempts ?? 0 : 0)
        case .different:
            let reason: UploadReason = record.map { $0.contentSHA256 == sha256 ? .remoteChanged : .changed } ?? .changed
            upload(file, sha256: sha256, reason: reason, replacing: item.id)
        case .undetermined:
            plan.verifications.append(VerifyAction(key: key, path: file.path, itemID: item.id, checksum: item.checksum,
                                                   status: item.status, size: file.status.size, sha256: sha256))
        }
    }

    /// An item holding our content: fine unless the server reports `error` or `outdated`, which a
    /// re-index may cure, a bounded number of times per content.
    private mutating func planIndexHealth(key: ItemKey, item: Item, sha256: SHA256Digest, attempts: Int) {
        guard item.status == .error || item.status == .outdated else {
            plan.skips.append(SkipAction(key: key, reason: .unchanged))
            return
        }
        if let failure = state.journal.terminalFailure(for: key, kind: .reindex, contentSHA256: sha256) {
            plan.skips.append(SkipAction(key: key, reason: .terminalFailure(kind: .reindex, httpStatus: failure.httpStatus, message: failure.message)))
        } else if attempts >= options.maxReindexAttempts {
            plan.skips.append(SkipAction(key: key, reason: .reindexExhausted(status: item.status, attempts: attempts, error: item.error)))
        } else if let wait = backoff(key: key, kind: .reindex, sha256: sha256) {
            plan.skips.append(wait)
        } else {
            plan.reindexes.append(ReindexAction(key: key, itemID: item.id, status: item.status, sha256: sha256, attempt: attempts + 1))
        }
    }

    private mutating func upload(_ file: LocalFile, sha256: SHA256Digest, reason: UploadReason, replacing: String?) {
        if let failure = state.journal.terminalFailure(for: file.key, kind: .upload, contentSHA256: sha256) {
            plan.skips.append(SkipAction(key: file.key, reason: .terminalFailure(kind: .upload, httpStatus: failure.httpStatus, message: failure.message)))
        } else if let wait = backoff(key: file.key, kind: .upload, sha256: sha256) {
            plan.skips.append(wait)
        } else {
            plan.uploads.append(UploadAction(key: file.key, path: file.path, size: file.status.size, sha256: sha256,
                                             reason: reason, replacingItemID: replacing))
        }
    }

    /// A skip when the journal holds this very operation in back-off.
    private func backoff(key: ItemKey, kind: OperationKind, sha256: SHA256Digest?) -> SkipAction? {
        guard let pending = state.journal.pending[key], pending.kind == kind, pending.contentSHA256 == sha256,
              pending.nextAttemptNanoseconds > options.nowNanoseconds else { return nil }
        return SkipAction(key: key, reason: .waitingForRetry(kind: kind, untilNanoseconds: pending.nextAttemptNanoseconds))
    }

    private mutating func applyDeleteGuards(to deletes: [DeleteAction]) {
        let recordedFiles = state.entries.values.filter { $0.identity != nil }.count
        if !local.rootExists {
            plan.deleteGuard = .rootMissing
        } else if local.scanHadErrors {
            plan.deleteGuard = .scanErrors(local.scanErrors)
        } else if !isListingComplete {
            plan.deleteGuard = .incompleteListing
        } else if local.isEmpty, !options.allowEmptyRoot, recordedFiles > 0 || ownedCount > 0 {
            plan.deleteGuard = .rootEmpty(recordedFiles: max(recordedFiles, ownedCount))
        }
        if plan.deleteGuard != nil {
            // Nothing about absent files can be trusted: keep their state too.
            plan.withheldDeletes = deletes
            plan.forgotten = []
            return
        }
        let limit = options.maxDelete.limit(owned: ownedCount)
        if deletes.count > limit {
            plan.deleteRefusal = DeleteRefusal(wanted: deletes.count, limit: limit, owned: ownedCount, policy: options.maxDelete)
            plan.withheldDeletes = deletes
        } else {
            plan.deletes = deletes
        }
    }

    private mutating func sortLists() {
        plan.uploads.sort { $0.key < $1.key }
        plan.deletes.sort { ($0.key, $0.itemID) < ($1.key, $1.itemID) }
        plan.withheldDeletes.sort { ($0.key, $0.itemID) < ($1.key, $1.itemID) }
        plan.reindexes.sort { $0.key < $1.key }
        plan.adoptions.sort { $0.key < $1.key }
        plan.verifications.sort { $0.key < $1.key }
        plan.skips.sort { $0.key < $1.key }
        plan.statusUpdates.sort { $0.key < $1.key }
        plan.forgotten.sort()
    }

    private mutating func estimateCost() {
        let requests = plan.uploads.count + plan.deletes.count + plan.reindexes.count + plan.verifications.count
        plan.cost.requests = requests
        plan.cost.worstCaseRequests = requests + plan.verifications.count
        plan.cost.estimatedSeconds = options.budget.secondsToSpend(requests)
        plan.cost.worstCaseSeconds = options.budget.secondsToSpend(plan.cost.worstCaseRequests)
    }
}

extension IneligibilityReason {
    /// Whether a file that became ineligible for this reason leaves the mirror (its item is
    /// deleted). Not for `unreadable` (likely transient) nor `keyConflict` (the key's item
    /// belongs to the file that won it).
    var removesFromMirror: Bool {
        switch self {
        case .tooLarge, .unsupportedType, .ignored, .notRegularFile: true
        case .unreadable, .keyConflict: false
        }
    }
}

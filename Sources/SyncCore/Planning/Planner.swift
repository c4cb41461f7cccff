import AISearchAPI
import Hashing
import LinuxSystem

/// Decides what one sync round does: compares the scan, the item listing and the state, and
/// returns a plan. Pure: no I/O, no clock (`options.nowNanoseconds`), same inputs, same plan.
///
/// Rules, per key (details on each action type):
/// - only built-in storage items under `keyPrefix`, not being deleted, are considered at all;
///   of those, an item is *ours* when it carries our owner marker, or (no marker) when our state
///   recorded it; every other one is *foreign*: listed, never written, deleted only with
///   `deleteForeign`;
/// - eligible file, no item → upload (`new`, or `remoteMissing` when we had recorded one);
/// - eligible file, item → `compareContent`: equal → nothing (adopt first when the state did not
///   vouch for the item and no other agent's marker is on it; re-index when `error`/`outdated`, at
///   most `maxReindexAttempts` times per content); different → upload, unless another writer
///   changed the item under us (its marker, or our record's checksum moved while our file did
///   not): then the key is *contested*, reported once and left; undetermined → verify by download;
/// - ineligible file whose item we own → delete, except `unreadable` and `keyConflict`;
/// - no file, owned item → delete (unless another writer changed it: contested); no file, no
///   item, state entry → forget;
/// - deletes are withheld wholesale by a `DeleteGuard` and refused beyond `maxDelete`.
public func plan(local: LocalSnapshot, remote: RemoteListing, state: SyncState, options: PlanOptions) -> SyncPlan {
    var planner = Planner(local: local, remote: remote, state: state, options: options)
    return planner.run()
}

struct Planner {
    let local: LocalSnapshot
    let remote: RemoteListing
    let state: SyncState
    let options: PlanOptions
    var plan = SyncPlan()

    // The tables below hold indices into `local.files` and `remote.items`, never copies: at
    // 100,000 files a copy of every file and item per round was most of the agent's peak memory.
    private var eligible: [ItemKey: Int] = [:]
    private var ineligible: [ItemKey: Int] = [:]
    /// The one item per key the plan works with (for several owned items of a key, the recorded
    /// one or the newest; the others are duplicates). The lone item of a settled row is not in it
    /// (see `init`): nothing asks for that key.
    private var primary: [ItemKey: Int] = [:]
    private var duplicates: [Int] = []
    /// Extra items of a key that are not ours (the key's primary item is another one).
    private var extraForeign: [Int] = []
    /// By index into `remote.items`: a primary item whose key's row the scan settled.
    private var settledItems: [Bool] = []
    /// The items of folded rows the scan did not settle (`FoldedItems`), made from their rows:
    /// index `remote.items.count + n` is the n-th.
    private var foldedItems: [Item] = []
    private var ownedCount = 0
    private var kind: InstanceChecksumKind

    init(local: LocalSnapshot, remote: RemoteListing, state: SyncState, options: PlanOptions) {
        self.local = local
        self.remote = remote
        self.state = state
        self.options = options
        self.kind = state.checksumKind
        eligible.reserveCapacity(local.files.count)
        for (index, file) in local.files.enumerated() {
            if file.isEligible { eligible[file.key] = index } else if ineligible[file.key] == nil { ineligible[file.key] = index }
        }
        if let recorded = remote.recorded {
            // The state stands for the instance: each recorded key's item is its record, ours.
            for (key, entry) in state.entries {
                if let item = recorded.item(key, entry), isCandidate(item) { ownedCount += 1 }
            }
            return
        }
        primary.reserveCapacity(max(0, remote.items.count + (remote.folded?.rows.count ?? 0) - local.settled.count))
        // Keys listed more than once (rare): every candidate index, in listing order.
        var repeated: [ItemKey: [Int]] = [:]
        // The item of each settled row, found by the row: a settled file's item needs no entry in
        // `primary` (nothing asks for it by key) unless its key is listed again. At 100,000
        // unchanged files, `primary` was 100,000 inserts per full comparison to answer nothing.
        // -1: none yet; -2: its key was listed again and went to `primary`.
        var itemOfSettledRow = [Int32](repeating: -1, count: local.settled.isEmpty ? 0 : state.entries.count)
        // Items are read through a buffer pointer: an array's subscript copied each one out (a
        // retain and a release of every one of its strings) for each question asked of it.
        let remote = self.remote
        remote.items.withUnsafeBufferPointer { items in
            for index in items.indices where isCandidate(items[index]) {
                let key = ItemKey(items[index].key)
                // (A key some scanned file also maps to is asked for by key: it goes to `primary`.)
                if !itemOfSettledRow.isEmpty, eligible[key] == nil, ineligible[key] == nil,
                   let row = state.entries.rowNumber(of: key), local.settled.contains(row) {
                    if itemOfSettledRow[row] == -1 {
                        itemOfSettledRow[row] = Int32(index)
                        continue
                    }
                    if itemOfSettledRow[row] >= 0 {
                        primary[key] = Int(itemOfSettledRow[row])
                        itemOfSettledRow[row] = -2
                    }
                }
                if let first = primary[key] {
                    repeated[key, default: [first]].append(index)
                } else {
                    primary[key] = index
                }
            }
            for row in itemOfSettledRow.indices where itemOfSettledRow[row] >= 0 {
                let index = Int(itemOfSettledRow[row])
                if isOurs(items[index], record: state.entries.remote(atRow: row)) { ownedCount += 1 }
            }
            settledItems = [Bool](repeating: false, count: items.count)
            for (key, index) in primary where repeated[key] == nil {
                // One lookup of the key in the state: whether the scan settled its row, and (for
                // an item without a marker) its record, read without its path.
                let row = state.entries.rowNumber(of: key)
                if let row, local.settled.contains(row) { settledItems[index] = true }
                if isOurs(items[index], record: row.flatMap { state.entries.remote(atRow: $0) }) { ownedCount += 1 }
            }
        }
        // Folded items: ours, candidates, each the only listed candidate of its key (the fold takes
        // a row back at any other), so none is in `primary` yet. A settled row's needs nothing;
        // the others are made from their rows, for their keys to be planned.
        if let folded = remote.folded {
            folded.rows.forEach { row in
                ownedCount += 1
                guard !local.settled.contains(row) else { return }
                let item = folded.item(atRow: row, in: state)
                primary[ItemKey(item.key)] = remote.items.count + foldedItems.count
                foldedItems.append(item)
                settledItems.append(false)
            }
        }
        for (key, indices) in repeated {
            let entry = state.entries[key]
            let recordedID = entry?.remote?.itemID
            let items = remote.items
            let chosen = indices.first { items[$0].id == recordedID }
                ?? indices.max { (items[$0].createdAt, items[$0].id) < (items[$1].createdAt, items[$1].id) }!
            primary[key] = chosen
            settledItems[chosen] = isSettled(key)
            if isOurs(items[chosen], record: entry?.remote) { ownedCount += 1 }
            for extra in indices where items[extra].id != items[chosen].id {
                if isOurs(items[extra], record: entry?.remote) { duplicates.append(extra); ownedCount += 1 } else { extraForeign.append(extra) }
            }
        }
    }

    private func item(for key: ItemKey) -> Item? {
        guard let recorded = remote.recorded else { return primary[key].map { listedItem($0) } }
        return state.entries[key].flatMap { recorded.item(key, $0) }.flatMap { isCandidate($0) ? $0 : nil }
    }

    /// The item at `index` of `primary`, `duplicates` or `extraForeign`.
    private func listedItem(_ index: Int) -> Item {
        index < remote.items.count ? remote.items[index] : foldedItems[index - remote.items.count]
    }

    /// The keys that have an item (see `item(for:)`), without listing them. Settled rows are
    /// left out: their files are eligible and unchanged, already counted.
    private var keysWithItems: AnySequence<ItemKey> {
        guard remote.recorded != nil else { return AnySequence(primary.keys) }
        let settled = local.settled
        return AnySequence(state.entries.lazy.enumerated()
            .filter { !settled.contains($0.offset) && $0.element.value.remote != nil }.map(\.element.key))
    }

    private func hasItem(_ key: ItemKey) -> Bool {
        remote.recorded != nil ? item(for: key) != nil : primary[key] != nil
    }

    /// Considered at all: uploaded through built-in storage, under our prefix, not already being deleted.
    private func isCandidate(_ item: borrowing Item) -> Bool {
        item.isCandidate(itemSource: options.itemSource, keyPrefix: options.keyPrefix)
    }

    /// The item's owner marker, if it carries a non-empty one.
    private func marker(of item: borrowing Item) -> String? { item.ownerMarker }

    /// Another agent's marker on the item, nil when it carries ours or none.
    private func otherWriter(of item: borrowing Item) -> String? {
        marker(of: item).flatMap { $0 == options.owner ? nil : $0 }
    }

    /// Ours: the item carries our marker, or it carries none and is the item our state recorded.
    private func isOurs(_ item: borrowing Item, record: @autoclosure () -> RemoteRecord?) -> Bool {
        if let marker = marker(of: item) { return marker == options.owner }
        return record()?.hasItemID(item.id) == true || mayHaveWritten(ItemKey(item.key))
    }

    /// A request of ours for `key` may have changed its item without our seeing the answer: one
    /// an earlier run sent before it was killed, or one this run sent that failed in transit
    /// (a reset after the server took it) and is still owed.
    private func mayHaveWritten(_ key: ItemKey) -> Bool {
        options.keysWithUnknownOutcome.contains(key) || state.journal.pending[key] != nil
    }

    /// Our recorded item, with no marker to say who wrote it, whose checksum moved: someone changed
    /// it without us (an upload of ours would have updated the record).
    private func changedUnderUs(_ item: Item, entry: StateEntry?) -> Bool {
        guard options.contestsUnmarkedChanges, marker(of: item) == nil, let record = entry?.remote, record.hasItemID(item.id),
              !mayHaveWritten(ItemKey(item.key)) else { return false }
        let recorded = normalizedChecksum(record.checksum), current = normalizedChecksum(item.checksum)
        return !recorded.isEmpty && !current.isEmpty && recorded != current
    }

    mutating func run() -> SyncPlan {
        plan.unchangedCount = local.settled.count
        learnChecksumKind()
        for file in local.files where !file.isEligible {
            if case .ineligible(let reason) = file.eligibility { plan.skips.append(SkipAction(key: file.key, reason: .ineligible(reason))) }
        }
        var deletes: [DeleteAction] = duplicates.map { DeleteAction(key: ItemKey(remote.items[$0].key), itemID: remote.items[$0].id, reason: .duplicate) }
        for index in extraForeign { noteForeign(remote.items[index], deletes: &deletes) }
        // Every key once: the eligible files, then the items without one, then the state's
        // entries known to neither (no union of the key sets: that was one more table per round).
        for (key, index) in eligible {
            let entry = state.entries[key]
            if isUnchangedByRecord(local.files[index], entry: entry) {
                plan.unchangedCount += 1
                continue
            }
            planEligible(local.files[index], item: item(for: key), entry: entry)
        }
        if remote.recorded == nil {
            // The listing's keys by their primary item, settled ones passed over by index (no
            // lookup of the key in the state again, no type-erased sequence).
            for (key, index) in primary where !settledItems[index] && eligible[key] == nil {
                planWithoutEligibleFile(key, item: listedItem(index), deletes: &deletes)
            }
        } else {
            for key in keysWithItems where eligible[key] == nil {
                guard let item = item(for: key) else { continue }
                planWithoutEligibleFile(key, item: item, deletes: &deletes)
            }
        }
        // Row by row, a settled row passed over before its key or entry is read out of the table.
        for row in 0..<state.entries.count where !local.settled.contains(row) {
            let key = state.entries.key(atRow: row)
            if eligible[key] == nil && ineligible[key] == nil && !hasItem(key) { plan.forgotten.append(key) }
        }
        applyDeleteGuards(to: deletes)
        sortLists()
        estimateCost()
        return plan
    }

    /// A key with an item and no eligible file: kept, deleted, contested or someone else's.
    private mutating func planWithoutEligibleFile(_ key: ItemKey, item: Item, deletes: inout [DeleteAction]) {
        if let file = ineligible[key].map({ local.files[$0] }), case .ineligible(let reason) = file.eligibility,
           !reason.removesFromMirror { return }
        let entry = state.entries[key]
        guard isOurs(item, record: entry?.remote) else {
            noteForeign(item, deletes: &deletes)
            return
        }
        if changedUnderUs(item, entry: entry), let entry {
            plan.contested.append(ContestedKey(key: key, path: entry.path, itemID: item.id, sha256: nil, owner: nil))
            return
        }
        if let failure = state.journal.terminalFailure(for: key, kind: .delete, contentSHA256: nil) {
            plan.skips.append(SkipAction(key: key, reason: .terminalFailure(kind: .delete, httpStatus: failure.httpStatus, message: failure.message)))
            return
        }
        deletes.append(DeleteAction(key: key, itemID: item.id, reason: ineligible[key] == nil ? .localGone : .becameIneligible))
    }

    /// Whether the scan settled the file of `key` (eligible, unchanged, its item as recorded).
    /// Against the records, `keysWithItems` leaves settled rows out already; against a listing,
    /// `settledItems` holds the answer for each primary item.
    private func isSettled(_ key: ItemKey) -> Bool {
        guard !local.settled.isEmpty, remote.recorded == nil, let row = state.entries.rowNumber(of: key) else { return false }
        return local.settled.contains(row)
    }

    /// Lists an item that is not ours; deletes it too with `--delete-foreign`.
    private mutating func noteForeign(_ item: Item, deletes: inout [DeleteAction]) {
        let key = ItemKey(item.key)
        plan.foreign.append(ForeignItem(key: key, itemID: item.id, owner: marker(of: item)))
        if options.deleteForeign { deletes.append(DeleteAction(key: key, itemID: item.id, reason: .foreign)) }
    }

    /// Records the instance's checksum kind when still unknown and some file's digest matches its
    /// item's checksum (the algorithm with the most matches wins; in practice there is only one).
    private mutating func learnChecksumKind() {
        guard kind == .unknown else { return }
        var votes: [ChecksumAlgorithm: Int] = [:]
        for key in keysWithItems {
            guard let file = eligible[key].map({ local.files[$0] }), let item = item(for: key) else { continue }
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

    /// With the state standing for the instance, a file whose content is what its record says the
    /// item holds, and whose item is healthy, is unchanged: what `planEligible` concludes from the
    /// record's item, without building that item (most files of a warm start or a rescan).
    private func isUnchangedByRecord(_ file: LocalFile, entry: StateEntry?) -> Bool {
        guard remote.recorded != nil, file.key.hasPrefix(options.keyPrefix), let entry, let record = entry.remote else { return false }
        let sha256 = file.digests[.sha256].flatMap { SHA256Digest(hex: $0) }
            ?? (entry.identity?.matches(file.status) == true ? entry.sha256 : nil)
        return record.needsNothing(holding: sha256)
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
        let other = otherWriter(of: item)
        switch compareContent(of: item, sha256: sha256, digests: file.digests, size: file.status.size, record: record, kind: kind) {
        case .equal(let evidence):
            if let other {
                // Same content, another agent's item: nothing to write, and not ours to adopt.
                plan.foreign.append(ForeignItem(key: key, itemID: item.id, owner: other))
                plan.skips.append(SkipAction(key: key, reason: .otherWriter(owner: other)))
                return
            }
            if evidence == .ownRecord {
                if record?.status != item.status { plan.statusUpdates.append(StatusUpdate(key: key, status: item.status)) }
            } else {
                plan.adoptions.append(AdoptAction(key: key, path: file.path, itemID: item.id, checksum: item.checksum,
                                                  status: item.status, sha256: sha256, evidence: evidence))
                if options.bulkIndexThreshold != nil, options.keysWithUnknownOutcome.contains(key) {
                    // R2: an object written by a run killed before its index call; index it now.
                    plan.reindexes.append(ReindexAction(key: key, itemID: item.id, status: item.status, sha256: sha256, attempt: 1))
                    return
                }
            }
            planIndexHealth(key: key, item: item, sha256: sha256, attempts: evidence == .ownRecord ? record?.reindexAttempts ?? 0 : 0)
        case .different:
            // Another agent's item, or ours changed by someone while our file stayed as we uploaded
            // it: writing it back would start a war of uploads. Yield, once, and say so.
            if other != nil || (changedUnderUs(item, entry: entry) && record?.contentSHA256 == sha256) {
                if state.journal.terminalFailure(for: key, kind: .upload, contentSHA256: sha256) != nil {
                    plan.skips.append(SkipAction(key: key, reason: .otherWriter(owner: other ?? "")))
                } else {
                    plan.contested.append(ContestedKey(key: key, path: file.path, itemID: item.id, sha256: sha256, owner: other))
                }
                return
            }
            let reason: UploadReason = marker(of: item) == nil ? .changed : .remoteChanged
            upload(file, sha256: sha256, reason: reason, replacing: item.id)
        case .undetermined:
            if let failure = state.journal.terminalFailure(for: key, kind: .upload, contentSHA256: sha256) {
                // A download could only end in the upload that already failed (or that we yielded).
                plan.skips.append(SkipAction(key: key, reason: .terminalFailure(kind: .upload, httpStatus: failure.httpStatus, message: failure.message)))
                return
            }
            if let other {
                plan.foreign.append(ForeignItem(key: key, itemID: item.id, owner: other))
                plan.skips.append(SkipAction(key: key, reason: .otherWriter(owner: other)))
                return
            }
            plan.verifications.append(VerifyAction(key: key, path: file.path, itemID: item.id, checksum: item.checksum,
                                                   status: item.status, size: file.status.size, sha256: sha256))
        }
    }

    /// An item holding our content: fine unless the server reports `error` or `outdated`, which a
    /// re-index may cure, a bounded number of times per content.
    private mutating func planIndexHealth(key: ItemKey, item: Item, sha256: SHA256Digest, attempts: Int) {
        guard item.status == .error || item.status == .outdated else {
            plan.unchangedCount += 1
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
        let recordedFiles = state.entries.values.reduce(0) { $0 + ($1.identity != nil ? 1 : 0) }
        if !local.rootExists {
            plan.deleteGuard = .rootMissing
        } else if local.scanHadErrors {
            plan.deleteGuard = .scanErrors(local.scanErrors)
        } else if !remote.isComplete {
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
        // With --delete-foreign, foreign items are part of what may be deleted: they count too.
        let deletable = ownedCount + (options.deleteForeign ? plan.foreign.count : 0)
        let limit = options.maxDelete.limit(owned: deletable)
        if deletes.count > limit {
            plan.deleteRefusal = DeleteRefusal(wanted: deletes.count, limit: limit, owned: deletable, policy: options.maxDelete)
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
        plan.foreign.sort { ($0.key, $0.itemID) < ($1.key, $1.itemID) }
        plan.contested.sort { $0.key < $1.key }
    }

    private mutating func estimateCost() {
        var requests = plan.uploads.count + plan.deletes.count + plan.reindexes.count + plan.verifications.count
        if let threshold = options.bulkIndexThreshold {
            // R2: the writes go to the bucket; the REST API indexes each upload (PUT items), removes
            // each deleted key's item (find it, delete it), or, past the threshold, runs one job.
            let writes = plan.uploads.count + plan.deletes.count
            plan.cost.objectWrites = writes
            plan.cost.indexesWithSyncJob = writes > threshold
            requests = plan.reindexes.count + (plan.cost.indexesWithSyncJob ? 1 : plan.uploads.count + 2 * plan.deletes.count)
        }
        plan.cost.requests = requests
        plan.cost.worstCaseRequests = requests + plan.verifications.count
        plan.cost.estimatedSeconds = options.budget.secondsToSpend(requests)
        plan.cost.worstCaseSeconds = options.budget.secondsToSpend(plan.cost.worstCaseRequests)
    }
}

extension Item {
    /// Considered by the planner at all: uploaded through `itemSource`, under `keyPrefix`, not
    /// already being deleted.
    func isCandidate(itemSource: String, keyPrefix: String) -> Bool {
        sourceID == itemSource && ItemKey(key).hasPrefix(keyPrefix) && nextAction != .delete
    }

    /// The owner marker the item carries, if a non-empty one.
    var ownerMarker: String? {
        guard let text = metadataText(SyncMetadata.ownerField), !text.isEmpty else { return nil }
        return text
    }

    /// The SHA-256 the item's metadata declares for its content, as written (`SyncMetadata.sha256Field`).
    var declaredSHA256Text: String? { metadataText(SyncMetadata.sha256Field) }

    /// A metadata member that is text. Most items carry no metadata a listing keeps
    /// (`ItemListQuery.ComparedFields`), and this is asked of every listed item: an empty table
    /// is not hashed into.
    private func metadataText(_ field: String) -> String? {
        guard let metadata, !metadata.isEmpty else { return nil }
        return metadata[field]?.stringValue
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

import AISearchAPI
import LinuxSystem

/// One folder kept equal to one instance. Owns the order of a round (list, scan, plan, execute,
/// save) so that every command (`plan`, `sync`, `watch`) runs the very same logic.
///
/// An actor: rounds never overlap, so the state is only ever changed by one round at a time.
public actor SyncEngine {
    public struct Settings: Sendable {
        public var keyPrefix: String
        public var maxDelete: DeletionLimit
        public var allowEmptyRoot: Bool
        public var maxReindexAttempts: Int
        public var budget: BudgetForecast
        /// Always list the whole instance (`--full`), never trust a matching fingerprint.
        public var alwaysListEverything: Bool
        /// This agent's owner marker (see `PlanOptions.owner`).
        public var owner: String
        /// Delete foreign items too (`--delete-foreign`).
        public var deleteForeign: Bool
        /// See `PlanOptions.itemSource`.
        public var itemSource = "builtin"
        /// See `PlanOptions.bulkIndexThreshold`.
        public var bulkIndexThreshold: Int?
        /// See `PlanOptions.contestsUnmarkedChanges`.
        public var contestsUnmarkedChanges = true

        public init(keyPrefix: String = "", maxDelete: DeletionLimit = .percent(50), allowEmptyRoot: Bool = false,
                    maxReindexAttempts: Int = 1, budget: BudgetForecast = BudgetForecast(), alwaysListEverything: Bool = false,
                    owner: String = "", deleteForeign: Bool = false) {
            self.alwaysListEverything = alwaysListEverything
            self.owner = owner
            self.deleteForeign = deleteForeign
            self.keyPrefix = keyPrefix
            self.maxDelete = maxDelete
            self.allowEmptyRoot = allowEmptyRoot
            self.maxReindexAttempts = maxReindexAttempts
            self.budget = budget
        }
    }

    /// What one round saw and did.
    public struct Round: Sendable {
        public enum Kind: String, Sendable, Codable { case full, rescan, incremental }
        public var kind: Kind
        public var plan: SyncPlan
        public var report: ExecutionReport
        public var filesScanned: Int
        public var filesHashed: Int
        public var bytesHashed: Int64
        public var snapshot: LocalSnapshot
        /// How a full round knew the instance: its whole listing, or one request whose evidence
        /// matched what was recorded (`RemoteFingerprint`); nil for rounds that do not ask.
        public var remoteComparison: RemoteComparison?

        public enum RemoteComparison: String, Sendable, Codable {
            case fullListing = "full_listing"
            case unchangedSinceRecorded = "unchanged_since_recorded"
        }

        /// Every eligible file is in sync and nothing was withheld: `sync` exits 0 only then.
        public var isInSync: Bool { outOfSyncReasons.isEmpty }

        /// Why the round did not leave everything in sync, one phrase each; empty when it did.
        public var outOfSyncReasons: [String] {
            var reasons: [String] = []
            if !report.failures.isEmpty { reasons.append("\(report.failures.count) request(s) failed") }
            if let refusal = plan.deleteRefusal {
                reasons.append("\(plan.withheldDeletes.count) delete(s) withheld: \(refusal)")
            } else if let guardReason = plan.deleteGuard, !plan.withheldDeletes.isEmpty {
                reasons.append("\(plan.withheldDeletes.count) delete(s) withheld: \(guardReason)")
            }
            var backingOff = 0, refused = 0, otherWriters = plan.contested.count, undigested = 0
            for skip in plan.skips {
                switch skip.reason {
                case .waitingForRetry: backingOff += 1
                case .terminalFailure: refused += 1
                case .otherWriter: otherWriters += 1
                case .digestUnavailable: undigested += 1
                case .ineligible, .reindexExhausted: break
                }
            }
            if backingOff > 0 { reasons.append("\(backingOff) operation(s) backing off after failures (retried by the next sync or watch)") }
            if refused > 0 { reasons.append("\(refused) file(s) the server refused earlier (retried when the file changes)") }
            if otherWriters > 0 { reasons.append("\(otherWriters) key(s) written by another agent or tool (give each folder its own --prefix)") }
            if undigested > 0 { reasons.append("\(undigested) file(s) without a digest") }
            return reasons
        }
    }

    public let scanner: TreeScanner
    public nonisolated let executor: PlanExecutor
    public let state: StateStore
    public let settings: Settings
    private var store: any RemoteItemStore { executor.store }

    public init(scanner: TreeScanner, executor: PlanExecutor, state: StateStore, settings: Settings) {
        self.scanner = scanner
        self.executor = executor
        self.state = state
        self.settings = settings
    }

    /// A full round: know the instance, scan the whole tree, plan, and (unless `dryRun`) execute.
    /// A failed listing throws: without it nothing can be decided.
    ///
    /// The instance is known from one request when its evidence matches what was recorded after
    /// the last full comparison, less than a day ago (see `RemoteFingerprint`); otherwise, or with
    /// `listEverything` (a recovery check) or `Settings.alwaysListEverything` (`--full`), from its
    /// whole listing. Either way the round ends by recording fresh evidence (one more request)
    /// when it changed the instance or listed it.
    public func reconcile(dryRun: Bool = false, listEverything: Bool = false) async throws -> Round {
        let now = executor.now()
        if !listEverything, !settings.alwaysListEverything, let recorded = await state.remoteFingerprint, recorded.evidence != nil,
           let probe = try await store.fingerprintEvidence(), recorded.vouches(for: probe, nowNanoseconds: now) {
            var round = await runRound(kind: .full, remote: .recorded(recordedInstance), scope: nil, dryRun: dryRun)
            round.remoteComparison = .unchangedSinceRecorded
            round.report.requests += 1
            if !dryRun, round.report.changedRemote {
                await recordFingerprint(fullComparisonAt: recorded.fullComparisonAtNanoseconds, round: &round)
            }
            return round
        }
        let (listing, extraRequests) = try await foldedListing()
        var round = await runRound(kind: .full, remote: listing, scope: nil, dryRun: dryRun)
        round.remoteComparison = .fullListing
        round.report.requests += extraRequests
        // The evidence recorded after the round is one more request: the plan says so too (an R2
        // bucket's listing is the S3 API's, and it records no evidence).
        if settings.bulkIndexThreshold == nil {
            round.plan.cost.requests += 1
            round.plan.cost.worstCaseRequests += 1
        }
        if !dryRun, round.report.succeeded { await recordFingerprint(fullComparisonAt: now, round: &round) }
        return round
    }

    /// The whole listing, folded into the state as it is read (`ListingFold`): the items exactly as
    /// their rows record them are those rows, not `Item`s.
    private func foldedListing() async throws -> (listing: RemoteListing, extraRequests: Int) {
        let (table, revision) = await state.snapshotWithRevision
        var fold = ListingFold(state: table, rules: settlingRules, instance: recordedInstance)
        let listed = try await completeListing(folding: &fold)
        var listing = RemoteListing(items: listed.items, isComplete: listed.isComplete)
        if !fold.rows.isEmpty { listing.folded = fold.folded(revision: revision) }
        return (listing, listed.extraRequests)
    }

    /// The instance's items, defended against a listing that shifts under us (offset paging while
    /// items change status or are deleted skips some): when the distinct items seen fall short of
    /// the reported total, the listing is read once more and merged; items our state recorded that
    /// are still missing are then asked for by id (`GET items/{id}`), so none is uploaded again
    /// only because a page left it out. Complete when nothing is unaccounted for.
    private func completeListing(folding fold: inout ListingFold) async throws -> (items: [Item], isComplete: Bool, extraRequests: Int) {
        var listing = try await store.listing(folding: &fold)
        if !fold.takenBack.isEmpty {
            // Unless a later copy of the same item is listed (and stands).
            let listedIDs = Set(listing.items.map(\.id))
            listing.items += fold.itemsTakenBack.filter { !listedIDs.contains($0.id) }
        }
        listing.folded = fold.rows.count
        guard listing.isShort else { return (listing.items, true, 0) }
        // Short (rare): merged with a second reading by id, which needs every item as an `Item`.
        listing.items += fold.takeAllBack()
        listing.folded = 0
        var extraRequests = 0
        let again = try await store.listing()
        extraRequests += 1
        var positions: [String: Int] = [:]
        for (position, item) in listing.items.enumerated() { positions[item.id] = position }
        for item in again.items {
            if let position = positions[item.id] { listing.items[position] = item } else {
                positions[item.id] = listing.items.count
                listing.items.append(item)
            }
        }
        listing.reportedTotal = again.reportedTotal ?? listing.reportedTotal
        guard listing.isShort else { return (listing.items, true, extraRequests) }
        let snapshot = await state.snapshot
        for entry in snapshot.entries.values {
            guard let id = entry.remote?.itemID, positions[id] == nil else { continue }
            extraRequests += 1
            do {
                let item = try await store.get(itemID: id)
                positions[item.id] = listing.items.count
                listing.items.append(item)
            } catch let error as APIError where error.status == 404 {
                continue  // really gone
            }
        }
        return (listing.items, !listing.isShort, extraRequests)
    }

    /// Reads fresh evidence of the instance if this agent changed it since the last reading (so a
    /// restart can trust it): what `watch` does before it stops. Errors leave the evidence unset.
    public func checkpointRemote() async {
        guard let recorded = await state.remoteFingerprint, recorded.evidence == nil,
              let evidence = try? await store.fingerprintEvidence() else { return }
        await state.apply([.remoteFingerprint(RemoteFingerprint(evidence: evidence, fullComparisonAtNanoseconds: recorded.fullComparisonAtNanoseconds))])
    }

    private func recordFingerprint(fullComparisonAt: Int64, round: inout Round) async {
        round.report.requests += 1
        let evidence = try? await store.fingerprintEvidence()
        await state.apply([.remoteFingerprint(evidence.map { RemoteFingerprint(evidence: $0, fullComparisonAtNanoseconds: fullComparisonAt) })])
    }

    /// A full local scan against what the state records of the instance: after an inotify
    /// overflow. Unchanged files cost neither a hash nor a request.
    public func rescan() async -> Round {
        await runRound(kind: .rescan, remote: .recorded(recordedInstance), scope: nil, dryRun: false)
    }

    /// A round for the paths a watch batch names (relative to the root; directories included),
    /// planned against the state's record of those keys only.
    ///
    /// Its rows are found by path through the store's index, so an edit costs O(batch), not
    /// O(table). A directory among the paths (a changed rule file's folder) needs every recorded
    /// file below it: that rarer round scans the table once.
    public func apply(changed: Set<FilePathBytes>, removed: Set<FilePathBytes>) async -> Round {
        let touched = changed.union(removed)
        let root = scanner.root
        let namesADirectory = touched.contains { path in (try? FileStatus.of(path.isEmpty ? root : root.appending(path)))?.kind == .directory }
        var keys = await state.keys(atOrAbove: touched)
        if namesADirectory {
            let snapshot = await state.snapshot
            for (key, entry) in snapshot.entries where touched.contains(where: { entry.path.isWithin($0) && entry.path != $0 }) {
                keys.insert(key)
            }
        }
        // New files in the batch: their keys, so a recorded row for the same key (another path
        // that maps to it) is seen by the scan's conflict check.
        for path in touched { if let key = try? scanner.keyMapper.mapping(for: path).key { keys.insert(key) } }
        let view = await state.view(keys: keys)
        let owned = await state.itemsOwned
        return await runRound(kind: .incremental, remote: .recorded(recordedInstance),
                              scope: (paths: changed, keys: keys, owned: owned, view: view), dryRun: false)
    }

    /// Paths with a pending, retryable operation whose back-off has passed: the watch loop retries
    /// them when they are due.
    public func keysDueForRetry(nowNanoseconds: Int64) async -> Set<FilePathBytes> {
        await state.pathsDueForRetry(nowNanoseconds: nowNanoseconds)
    }

    /// The earliest wall-clock time (nanoseconds since the epoch) at which a failed operation
    /// may be retried, or nil when none waits: the watch loop sleeps until then, not on a timer.
    public func nextRetryDueNanoseconds() async -> Int64? {
        await state.nextRetryDueNanoseconds
    }

    /// What the agent's gauges show: files whose content is recorded, and operations owed.
    public struct Counts: Sendable, Equatable {
        public var filesTracked: Int
        public var pendingOperations: Int
        public var pendingRetries: Int
    }

    /// Kept by the store as rows change: reading them costs nothing per tracked file.
    public func counts() async -> Counts {
        let pending = await state.pendingOperations
        return Counts(filesTracked: await state.filesTracked, pendingOperations: pending.all, pendingRetries: pending.retrying)
    }

    public func save() async throws {
        try await state.save()
    }

    /// Saves the state and releases its lock; the engine is not used afterwards.
    public func close() async throws {
        try await state.close()
    }

    // MARK: - Rounds

    private func runRound(kind: Round.Kind, remote listing: consuming RemoteListing,
                          scope: (paths: Set<FilePathBytes>, keys: Set<ItemKey>, owned: Int, view: SyncState)?,
                          dryRun: Bool) async -> Round {
        let (scan, listing) = await scanTree(listing: listing, scope: scope, dryRun: dryRun)
        // The state planned against: the scanned one plus what the scan learned. A round that
        // acts applies that to the store first and plans on the store's table, so no copy of it is
        // made (the scanned table held on while the store changed copied all of it: 12 MB at
        // 100,000 rows). Rounds run one at a time, so the store holds exactly the scanned rows
        // plus the scan's changes, which only add or update rows: the row numbers of settled
        // files stay valid.
        var current: SyncState
        if dryRun {
            current = if let scope { scope.view } else { await state.snapshot }
            current.apply(scan.stateChanges)
        } else if let scope {
            await state.apply(scan.stateChanges)
            current = scope.view
            current.apply(scan.stateChanges)
        } else {
            await state.apply(scan.stateChanges)
            current = await state.snapshot
        }

        var options = PlanOptions(keyPrefix: settings.keyPrefix, nowNanoseconds: executor.now(), maxDelete: settings.maxDelete,
                                  maxReindexAttempts: settings.maxReindexAttempts, allowEmptyRoot: settings.allowEmptyRoot,
                                  budget: settings.budget, owner: settings.owner, deleteForeign: settings.deleteForeign)
        options.keysWithUnknownOutcome = await state.keysWithUnknownOutcome
        options.itemSource = settings.itemSource
        options.bulkIndexThreshold = settings.bulkIndexThreshold
        options.contestsUnmarkedChanges = settings.contestsUnmarkedChanges
        var remote = listing
        var planState = consume current
        if let scope {
            // Only the batch's keys are in question: the rest of the instance and of the state is
            // not compared (a key outside the batch would otherwise look gone on both sides and be
            // forgotten), the empty-root guard is the full scan's business, and the delete limit
            // counts every owned item.
            let scopedKeys = scope.keys.union(scan.snapshot.files.map(\.key))
            remote.items = listing.items.filter { scopedKeys.contains(ItemKey($0.key)) }
            planState.entries = planState.entries.filter { scopedKeys.contains($0.key) }
            options.maxDelete = .count(settings.maxDelete.limit(owned: scope.owned))
            options.allowEmptyRoot = true
        }
        let syncPlan = plan(local: scan.snapshot, remote: remote, state: planState, options: options)
        planState.entries = StateTable()  // the executor changes the store next: share no table with it
        let report = dryRun ? ExecutionReport() : await executor.execute(syncPlan, state: state)
        if report.changedRemote { await state.apply([.remoteChanged]) }
        return Round(kind: kind, plan: syncPlan, report: report, filesScanned: scan.snapshot.fileCount,
                     filesHashed: scan.filesHashed, bytesHashed: scan.bytesHashed, snapshot: scan.snapshot)
    }

    /// Scans the tree for a round (the whole tree, or the batch's paths against the batch's view).
    /// Its own function, so that the table it scanned is let go before the store changes.
    /// The listing comes back with its folded items (`FoldedItems`) as items when the table they
    /// were folded into is not the one scanned (the store changed since), and without that table.
    private func scanTree(listing: consuming RemoteListing, scope: (paths: Set<FilePathBytes>, keys: Set<ItemKey>, owned: Int, view: SyncState)?,
                          dryRun: Bool) async -> (TreeScanner.Result, RemoteListing) {
        // A scoped round reads only its rows (no copy of the table is held while the store changes).
        let (before, revision) = if let scope { (scope.view, nil as Int?) } else { await state.snapshotWithRevision }
        if let folded = listing.folded, folded.revision != revision { listing = listing.unfolded() }
        listing.folded?.foldedFrom = nil
        let remoteByKey = ItemsByKey(copy listing, state: before)
        let scanner = self.scanner
        // A round that acts lets the walk settle unchanged files (no record of them kept); a dry
        // run keeps every file, for `plan` and `status` to show.
        let settling = dryRun ? nil : settlingRules
        let result = await Task.detached {
            if let scope { scanner.scan(paths: scope.paths, state: before, remoteItems: remoteByKey) }
            else { scanner.scanAll(state: before, remoteItems: remoteByKey, settling: settling) }
        }.value
        return (result, listing)
    }

    /// Which recorded rows an unchanged file or a listed item may be settled by: ours, under the prefix.
    private var settlingRules: TreeScanner.Settling {
        TreeScanner.Settling(keyPrefix: settings.keyPrefix, itemSource: settings.itemSource, owner: settings.owner)
    }

    /// The instance as the state last saw it: enough to plan without a listing request.
    private var recordedInstance: RecordedInstance {
        RecordedInstance(namespace: state.scope.namespace, itemSource: settings.itemSource)
    }
}

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

        public init(keyPrefix: String = "", maxDelete: DeletionLimit = .percent(50), allowEmptyRoot: Bool = false,
                    maxReindexAttempts: Int = 1, budget: BudgetForecast = BudgetForecast()) {
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

        /// Every eligible file is in sync: nothing failed, nothing refused.
        public var isInSync: Bool { report.succeeded && plan.deleteRefusal == nil }
    }

    public let scanner: TreeScanner
    public let executor: PlanExecutor
    public let state: StateStore
    public let settings: Settings
    private var store: any RemoteItemStore { executor.store }

    public init(scanner: TreeScanner, executor: PlanExecutor, state: StateStore, settings: Settings) {
        self.scanner = scanner
        self.executor = executor
        self.state = state
        self.settings = settings
    }

    /// A full round: list every item, scan the whole tree, plan, and (unless `dryRun`) execute.
    /// A failed listing throws: without it nothing can be decided.
    public func reconcile(dryRun: Bool = false) async throws -> Round {
        let items = try await store.listAll()
        return await runRound(kind: .full, items: items, scope: nil, dryRun: dryRun)
    }

    /// A full local scan against what the state records of the instance: after an inotify
    /// overflow. Unchanged files cost neither a hash nor a request.
    public func rescan() async -> Round {
        await runRound(kind: .rescan, items: recordedItems(await state.snapshot), scope: nil, dryRun: false)
    }

    /// A round for the paths a watch batch names (relative to the root; directories included),
    /// planned against the state's record of those keys only.
    public func apply(changed: Set<FilePathBytes>, removed: Set<FilePathBytes>) async -> Round {
        let snapshot = await state.snapshot
        let touched = changed.union(removed)
        // A recorded file at or below a touched path, or one a touched path now lies below (the
        // file was replaced by a directory of its name, whose children are all the watcher saw).
        // Sets of paths and their ancestors keep this linear in the entries, not entries × paths.
        let ancestorsOfTouched = Set(touched.flatMap(Self.ancestors))
        var keys = Set<ItemKey>()
        for (key, entry) in snapshot.entries {
            if touched.contains(entry.path) || ancestorsOfTouched.contains(entry.path)
                || Self.ancestors(of: entry.path).contains(where: touched.contains) {
                keys.insert(key)
            }
        }
        // Only these keys' records can matter: a file the scan finds that is not among them has
        // no state entry, so no recorded item either. Building all N would make each edit cost
        // O(N) allocations (and, at 100,000 files, tens of megabytes of short-lived items).
        let owned = snapshot.entries.reduce(0) { count, element in
            count + (element.value.remote != nil && element.key.hasPrefix(settings.keyPrefix) ? 1 : 0)
        }
        return await runRound(kind: .incremental, items: recordedItems(snapshot, keys: keys),
                              scope: (paths: changed, keys: keys, owned: owned), dryRun: false)
    }

    /// Keys with a pending, retryable operation whose back-off has passed: the watch loop retries
    /// them on a timer.
    public func keysDueForRetry(nowNanoseconds: Int64) async -> Set<FilePathBytes> {
        let snapshot = await state.snapshot
        var paths = Set<FilePathBytes>()
        for operation in snapshot.journal.pending.values where operation.attempts > 0 && operation.nextAttemptNanoseconds <= nowNanoseconds {
            if let path = snapshot.entries[operation.key]?.path { paths.insert(path) }
        }
        return paths
    }

    /// The earliest wall-clock time (nanoseconds since the epoch) at which a failed operation
    /// may be retried, or nil when none waits: the watch loop sleeps until then, not on a timer.
    public func nextRetryDueNanoseconds() async -> Int64? {
        await state.snapshot.journal.pending.values.lazy.filter { $0.attempts > 0 }.map(\.nextAttemptNanoseconds).min()
    }

    /// What the agent's gauges show: files whose content is recorded, and operations owed.
    public struct Counts: Sendable, Equatable {
        public var filesTracked: Int
        public var pendingOperations: Int
        public var pendingRetries: Int
    }

    public func counts() async -> Counts {
        let snapshot = await state.snapshot
        var tracked = 0
        for entry in snapshot.entries.values where entry.sha256 != nil && entry.identity != nil { tracked += 1 }
        let retries = snapshot.journal.pending.values.count { $0.attempts > 0 }
        return Counts(filesTracked: tracked, pendingOperations: snapshot.journal.pending.count, pendingRetries: retries)
    }

    public func save() async throws {
        try await state.save()
    }

    /// Saves the state and releases its lock; the engine is not used afterwards.
    public func close() async throws {
        try await state.close()
    }

    /// `a/b/c` → `a`, `a/b`.
    static func ancestors(of path: FilePathBytes) -> [FilePathBytes] {
        var result: [FilePathBytes] = []
        for (index, byte) in path.bytes.enumerated() where byte == UInt8(ascii: "/") && index > 0 {
            result.append(FilePathBytes(Array(path.bytes[..<index])))
        }
        return result
    }

    // MARK: - Rounds

    private func runRound(kind: Round.Kind, items: [Item], scope: (paths: Set<FilePathBytes>, keys: Set<ItemKey>, owned: Int)?,
                          dryRun: Bool) async -> Round {
        let before = await state.snapshot
        let remoteByKey = Dictionary(items.map { (ItemKey($0.key), $0) }, uniquingKeysWith: { first, _ in first })
        let scanner = self.scanner
        let scan: TreeScanner.Result = await Task.detached {
            if let scope { scanner.scan(paths: scope.paths, state: before, remoteItems: remoteByKey) }
            else { scanner.scanAll(state: before, remoteItems: remoteByKey) }
        }.value
        if !dryRun { await state.apply(scan.stateChanges) }
        var current = before
        current.apply(scan.stateChanges)

        var options = PlanOptions(keyPrefix: settings.keyPrefix, nowNanoseconds: executor.now(), maxDelete: settings.maxDelete,
                                  maxReindexAttempts: settings.maxReindexAttempts, allowEmptyRoot: settings.allowEmptyRoot,
                                  budget: settings.budget)
        var remote = RemoteListing(items: items)
        var planState = current
        if let scope {
            // Only the batch's keys are in question: the rest of the instance and of the state is
            // not compared (a key outside the batch would otherwise look gone on both sides and be
            // forgotten), the empty-root guard is the full scan's business, and the delete limit
            // counts every owned item.
            let scopedKeys = scope.keys.union(scan.snapshot.files.map(\.key))
            remote.items = items.filter { scopedKeys.contains(ItemKey($0.key)) }
            planState.entries = current.entries.filter { scopedKeys.contains($0.key) }
            options.maxDelete = .count(settings.maxDelete.limit(owned: scope.owned))
            options.allowEmptyRoot = true
        }
        let syncPlan = plan(local: scan.snapshot, remote: remote, state: planState, options: options)
        let report = dryRun ? ExecutionReport() : await executor.execute(syncPlan, state: state)
        return Round(kind: kind, plan: syncPlan, report: report, filesScanned: scan.snapshot.files.count,
                     filesHashed: scan.filesHashed, bytesHashed: scan.bytesHashed, snapshot: scan.snapshot)
    }

    /// The instance as the state last saw it: enough to plan without a listing request.
    private func recordedItems(_ snapshot: SyncState, keys: Set<ItemKey>? = nil) -> [Item] {
        func item(_ key: ItemKey, _ entry: StateEntry) -> Item? {
            guard let record = entry.remote else { return nil }
            return Item(id: record.itemID, key: key.rawValue, checksum: record.checksum, createdAt: "", lastSeenAt: "",
                        fileSize: entry.identity?.size, namespace: snapshot.scope.namespace, sourceID: "builtin", status: record.status)
        }
        guard let keys else { return snapshot.entries.compactMap(item) }
        return keys.compactMap { key in snapshot.entries[key].flatMap { item(key, $0) } }
    }
}

import Synchronization
import AISearchAPI
import Foundation

/// All emulated state, in one actor: namespaces, instances, their items (with contents and
/// chunk indexes) and jobs. Every operation is one actor call, so each request sees and leaves a
/// consistent state. Time comes only from the configured clock, and processing is computed
/// from it lazily: before an instance is read or changed, items and jobs whose scheduled time
/// has passed are moved on (`refresh`). That makes the lifecycle deterministic under a manual
/// clock and needs no background task under the real one.
///
/// **Upload of an existing key replaces that item:** a multipart upload whose file name is a key
/// the instance already holds (for source `builtin`) keeps the item's `id` and `created_at`,
/// replaces its content, checksum, size and metadata (an upload without `metadata` clears it)
/// and queues it again. There is never a second item with the same key and source.
///
/// **`PUT …/items` on built-in storage** re-queues the existing item with that key; for a key
/// that was never uploaded it answers 404, since built-in content arrives only by upload. On an
/// instance with an external source it creates the item (no content, `source_id`
/// `"{type}:{source}"`) or re-queues it.
///
/// **Deleting an item** answers `{key}` at once and removes its content; the item stays listed
/// with `next_action: "DELETE"` until the processing delay has passed, then disappears. An
/// upload of the same key in that window revives it with the same id.
///
/// **Metadata:** answers carry the built-in fields `filename` (the key), `folder` and
/// `timestamp` (ms of the last content change) plus those uploaded fields the instance declares
/// in `custom_metadata`; undeclared uploaded fields are kept but not shown, so declaring a field
/// later reveals values uploaded before.
actor EmulatorStore {
    struct InstanceState: Sendable {
        var record: InstanceRecord
        /// Any change, in place or not, gives the table a new `version` (listings cache their order by it).
        var items: [String: ItemRecord] = [:] { didSet { version = Self.nextVersion() } }
        /// Unique across all instances, old and new, for the life of the process.
        private(set) var version = InstanceState.nextVersion()
        /// `source_id + NUL + key` → item id; by bytes, so keys differing only in Unicode
        /// normalisation are two items (see `KeyBytes`).
        var idByKey: [KeyBytes: String] = [:]
        /// Items with a schedule, for a cheap `refresh`.
        var pending: Set<String> = []
        var jobs: [String: JobRecord] = [:]
        var index: any SearchIndexing

        private static let versions = Atomic<Int>(0)
        private static func nextVersion() -> Int { versions.add(1, ordering: .relaxed).newValue }
    }

    /// An unfiltered listing's order, valid while the instance's items keep `version`.
    struct ListingOrder: Sendable {
        var version: Int
        var sortBy: ItemQuery.SortOrder
        var ids: [String]
    }
    var listingOrders: [InstanceKey: ListingOrder] = [:]

    let settings: EmulatorConfiguration
    var clock: any EmulatorClock { settings.clock }
    var namespaces: [String: NamespaceRecord] = [:]
    var instances: [InstanceKey: InstanceState] = [:]
    var contents: [String: [UInt8]] = [:]
    /// The R2 buckets the `/r2` endpoint serves and R2-backed instances read (see `R2Endpoint`).
    let buckets: R2Buckets
    /// The buckets R2-backed instances index from: `buckets`, or with an upstream S3 endpoint
    /// the in-memory copy `upstream` keeps of what they need from it.
    let sourceBuckets: R2Buckets
    let upstream: R2Upstream?
    var checksumSalt: String
    let persistence: StatePersistence?
    private var saveTask: Task<Void, Never>?

    init(configuration: EmulatorConfiguration) throws {
        settings = configuration
        persistence = configuration.dataDirectory.map(StatePersistence.init(directory:))
        buckets = R2Buckets(directory: persistence?.directory.appendingPathComponent("r2", isDirectory: true))
        if let remote = configuration.r2Upstream {
            sourceBuckets = R2Buckets()
            upstream = R2Upstream(configuration: remote, cache: sourceBuckets)
        } else {
            sourceBuckets = buckets
            upstream = nil
        }
        checksumSalt = UUID().uuidString
        if let loaded = try persistence?.load() {
            checksumSalt = loaded.snapshot.checksumSalt
            contents = loaded.contents
            for namespace in loaded.snapshot.namespaces { namespaces[namespace.name] = namespace }
            instances = Self.restoredInstances(loaded.snapshot, contents: loaded.contents, configuration: configuration)
        }
        if namespaces["default"] == nil {
            namespaces["default"] = NamespaceRecord(name: "default", description: "Default namespace",
                                                    createdAt: configuration.clock.now)
        }
    }

    // MARK: Inspection and administration

    /// Every item of an instance as the API would list it (no filters, sorted by key bytes).
    func allItems(_ key: InstanceKey) -> [Item] {
        refresh(key)
        guard let state = instances[key] else { return [] }
        return state.items.values.sorted { KeyBytes($0.key) < KeyBytes($1.key) }.map { render($0, in: state) }
    }

    func content(ofItem itemID: String) -> [UInt8]? { contents[itemID] }

    /// Finishes all processing now: every queued or running item settles, every running job ends.
    func settleAll() {
        let now = clock.now
        for key in Array(instances.keys) {
            for id in instances[key]?.pending ?? [] {
                instances[key]?.items[id]?.schedule = ProcessingSchedule(runsAt: now, settlesAt: now)
            }
            for (id, job) in instances[key]?.jobs ?? [:] where job.job.endedAt == nil {
                instances[key]?.jobs[id]?.plannedEnd = now
            }
            refresh(key)
        }
    }

    /// Back to a fresh emulator: only the `default` namespace, no instances.
    func reset() {
        instances = [:]
        contents = [:]
        namespaces = ["default": NamespaceRecord(name: "default", description: "Default namespace", createdAt: clock.now)]
        persistence?.removeAllContents()
        buckets.removeAll()
        sourceBuckets.removeAll()
        markDirty()
    }

    // MARK: Persistence

    /// Writes the state now (cancelling a pending debounced save).
    func flush() {
        saveTask?.cancel()
        saveTask = nil
        saveNow()
    }

    func markDirty() {
        guard persistence != nil, saveTask == nil else { return }
        let delay = settings.saveDebounce
        saveTask = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            await self?.debouncedSave()
        }
    }

    private func debouncedSave() {
        saveTask = nil
        saveNow()
    }

    private func saveNow() {
        guard let persistence else { return }
        let snapshot = StoreSnapshot(
            checksumSalt: checksumSalt,
            namespaces: namespaces.values.sorted { $0.name < $1.name },
            instances: instances.values.map(\.record).sorted { ($0.key.namespace, $0.key.id) < ($1.key.namespace, $1.key.id) },
            items: instances.values.flatMap(\.items.values).sorted { $0.id < $1.id },
            jobs: instances.values.flatMap(\.jobs.values).sorted { $0.job.id < $1.job.id })
        do { try persistence.save(snapshot) } catch {
            FileHandle.standardError.write(Data("emulator: could not save state to \(persistence.directory.path): \(error)\n".utf8))
        }
    }

    /// Instances with their items and jobs as saved; chunk indexes are rebuilt from the contents.
    private static func restoredInstances(_ snapshot: StoreSnapshot, contents: [String: [UInt8]],
                                          configuration: EmulatorConfiguration) -> [InstanceKey: InstanceState] {
        var instances: [InstanceKey: InstanceState] = [:]
        for record in snapshot.instances {
            instances[record.key] = InstanceState(record: record, index: configuration.makeIndex())
        }
        for item in snapshot.items {
            // Taken out while it changes, so its item table is not copied once per item.
            guard var state = instances.removeValue(forKey: item.instance) else { continue }
            state.items[item.id] = item
            state.idByKey[Self.lookupKey(source: item.sourceID, key: item.key)] = item.id
            if item.schedule != nil { state.pending.insert(item.id) }
            if item.status == .completed, case .completed(let text) = ItemProcessing.outcome(
                key: item.key, content: item.hasContent ? contents[item.id] : nil, injectedFailure: false) {
                state.index.index(itemID: item.id, key: item.key, text: text, metadata: Self.metadata(of: item, in: state.record),
                                  timestamp: Double(Timestamp.epochMilliseconds(item.modifiedAt)) / 1000,
                                  chunkSize: state.record.settings.chunkSize ?? Self.defaultChunkSize,
                                  chunkOverlap: state.record.settings.chunkOverlap ?? Self.defaultChunkOverlap)
            }
            instances[item.instance] = state
        }
        for job in snapshot.jobs { instances[job.instance]?.jobs[job.job.id] = job }
        return instances
    }

    // MARK: Shared helpers

    static let defaultChunkSize = 256
    static let defaultChunkOverlap = 10

    static func lookupKey(source: String?, key: String) -> KeyBytes { KeyBytes("\(source ?? "")\u{0}\(key)") }

    /// The state of an instance after `refresh`, or a 404.
    func existing(_ key: InstanceKey) throws(EmulatorError) -> InstanceState {
        guard namespaces[key.namespace] != nil else { throw .notFound("/ai-search/namespaces/\(key.namespace)") }
        refresh(key)
        guard let state = instances[key] else {
            throw .notFound("/ai-search/namespaces/\(key.namespace)/instances/\(key.id)")
        }
        return state
    }

    /// Instance ids and namespace names: lowercase alphanumerics, `-`, `_`, 1 to 64 characters.
    static func isValidIdentifier(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy {
            (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d || $0 == 0x5f
        }
    }
}

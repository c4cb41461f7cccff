#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// Owns one instance's state on disk: loads it (moving aside anything it cannot trust), hands out
/// snapshots, takes changes, and writes them back crash-safely, debounced so a burst of changes
/// costs one write.
///
/// On disk: a snapshot (`state.snapshot`; earlier releases' `state.json` is read and replaced)
/// and a journal of the changes since (`state.journal`, see `StateJournal`). A save appends the
/// rows of the keys changed since the last save as one journal record and `fdatasync`s it, so an
/// edit costs a few hundred bytes whatever the size of
/// the table; when its record would take the journal past the snapshot (and 64 KiB), the save
/// writes a new snapshot and starts an empty journal instead, so a start never replays more than
/// a snapshot's worth of records.
///
/// Guarantees:
/// - One process per state directory: `load()` takes an exclusive `flock` on `<dir>/lock`, held
///   until `close()` or the store is released.
/// - A save is all or nothing: a SIGKILL or power loss at any point leaves the state of the previous
///   save or of this one. A snapshot is replaced atomically (see `StateFiles.replaceAtomically`); a
///   torn journal record is cut off at the next load; a temporary file left behind is removed.
/// - A file that is truncated, corrupt, of another instance or of a newer format is never used:
///   it is renamed `state.snapshot.corrupt-<UTC time>` and `load()` reports `.rebuilt`, telling the
///   caller to rescan (a rescan plus one remote listing rebuilds everything the state holds; the
///   planner's adoption rules keep that from re-uploading).
public actor StateStore {
    public nonisolated let location: StateLocation
    public nonisolated let scope: StateScope
    private let debounce: Duration
    private let clock: any Clock<Duration>
    private let wallClock: @Sendable () -> Int64

    private var state: SyncState
    private var isLoaded = false
    private var isDirty = false
    private var pendingSave: Task<Void, Never>?
    private var lock: FileDescriptor?
    private var writeCount = 0
    private var index = StateIndex()
    /// The remote fingerprint changed since the last save.
    private var fingerprintDirty = false
    /// Keys whose rows changed since the last save: the next journal record's contents.
    private var dirtyKeys = Set<ItemKey>()
    /// The generation of the snapshot on disk; the journal on disk applies to it.
    private var generation = 0
    /// The snapshot on disk is an earlier release's `state.json`: removed once a new one is written.
    private var legacySnapshotPresent = false
    /// The next save must write a snapshot (none on disk yet, the state was replaced, or the
    /// journal could not be trusted or repaired).
    private var needsSnapshot = true
    /// The journal on disk is of another generation or missing: start a new one before appending.
    private var journalNeedsReset = true
    private var snapshotBytes = 0
    private var journalBytes = 0
    /// Bytes appended to the journal by saves since the store was made (tests check that an edit
    /// costs O(1) bytes).
    public private(set) var journalBytesAppended = 0
    /// Snapshots written since the store was made.
    public private(set) var snapshotsWritten = 0
    /// The last failure of a debounced save (a direct `save()` throws instead); cleared by a
    /// successful save.
    public private(set) var lastSaveError: StateStoreError?
    /// Keys with an operation pending when the state was loaded: a request of an earlier run
    /// whose outcome was never seen, which may land after this run starts. Changes to their
    /// items are not mistaken for another writer's (see `PlanOptions.keysWithUnknownOutcome`).
    public private(set) var keysWithUnknownOutcome: Set<ItemKey> = []

    /// - Parameters:
    ///   - debounce: how long after a change the state is written, unless `flush()` comes first.
    ///   - clock: drives the debounce; tests pass one they control.
    ///   - wallClock: nanoseconds since the epoch, for the racy-file guard and moved-aside names;
    ///     `CLOCK_REALTIME` when nil.
    public init(location: StateLocation, scope: StateScope, debounce: Duration = .seconds(2),
                clock: any Clock<Duration> = JobPoolClock(),
                wallClock: (@Sendable () -> Int64)? = nil) {
        self.location = location
        self.scope = scope
        self.debounce = debounce
        self.clock = clock
        self.wallClock = wallClock ?? { StateFiles.realtimeNanoseconds() }
        self.state = SyncState(scope: scope)
    }

    /// Creates the directory (0700), locks it, removes leftover temporary files and reads
    /// the snapshot. I/O errors other than "no such file" are thrown, never mistaken for a
    /// missing state (a rebuild on a transient EACCES would be wasteful, not wrong, but surprising).
    public func load() throws(StateStoreError) -> StateLoadResult {
        do {
            try StateFiles.makeDirectories(location.directory)
        } catch {
            throw .io(error)
        }
        if lock == nil {
            do {
                lock = try StateFiles.lockExclusively(location.lockFile)
            } catch where error.errno == .wouldBlock {
                throw .locked(location.directory)
            } catch {
                throw .io(error)
            }
        }
        let leftovers = removeTemporaryFiles()
        // Present while an agent runs, removed by `close()`: found here, the last one was killed
        // and requests it had in flight may still reach the server after this load.
        let interrupted = StateFiles.exists(location.runningMarker)
        do {
            try StateFiles.replaceAtomically(location.runningMarker, with: Array("\(getpid())\n".utf8), temporarySuffix: "\(getpid())-marker")
        } catch {
            throw .io(error)
        }
        let file: MappedFile?
        let path: FilePathBytes
        do {
            path = try snapshotToRead()
            file = try MappedFile.open(path)
        } catch {
            throw .io(error)
        }
        legacySnapshotPresent = path == location.legacyStateFile
        isLoaded = true
        isDirty = false
        dirtyKeys = []
        needsSnapshot = true
        journalNeedsReset = true
        index = StateIndex()
        revision += 1
        guard let file else {
            state = SyncState(scope: scope)
            return StateLoadResult(state: state, origin: .created, removedTemporaryFiles: leftovers, previousRunInterrupted: interrupted)
        }
        do throws(StateFileProblem) {
            let snapshot = try StateFileCodec.decodeSnapshot(file, expectedScope: scope)
            state = snapshot.state
            generation = snapshot.generation
            snapshotBytes = file.count
            needsSnapshot = false
            try replayJournal()
            index = StateIndex(state)
            keysWithUnknownOutcome = Set(state.journal.pending.keys)
            if legacySnapshotPresent {
                // Read from an earlier release's file: the next save writes the new format.
                needsSnapshot = true
                isDirty = true
                scheduleSave()
            }
            return StateLoadResult(state: state, origin: .loaded, removedTemporaryFiles: leftovers, previousRunInterrupted: interrupted)
        } catch {
            let aside = try moveAside(path)
            legacySnapshotPresent = false
            state = SyncState(scope: scope)
            needsSnapshot = true
            return StateLoadResult(state: state, origin: .rebuilt(problem: error, movedAsideTo: aside),
                                   removedTemporaryFiles: leftovers, previousRunInterrupted: interrupted)
        }
    }

    /// The snapshot file to read: `state.snapshot`, or an earlier release's `state.json`. When both
    /// are there (a migration cut short, or an earlier release run again since), the newer is
    /// read and the other removed: the journal beside them belongs to the one written last.
    private func snapshotToRead() throws(SystemError) -> FilePathBytes {
        let current = try? FileStatus.of(location.stateFile)
        guard let legacy = try? FileStatus.of(location.legacyStateFile) else { return location.stateFile }
        guard let current else { return location.legacyStateFile }
        if legacy.modificationTimeNanoseconds > current.modificationTimeNanoseconds {
            try StateFiles.remove(location.stateFile)
            return location.legacyStateFile
        }
        try StateFiles.remove(location.legacyStateFile)
        return location.stateFile
    }

    /// Applies the journal of the loaded snapshot's generation and cuts off a torn last record.
    /// A journal of another generation is left alone (its records are in the snapshot already);
    /// the next save starts a new one.
    private func replayJournal() throws(StateFileProblem) {
        guard let bytes = try? StateFiles.readFile(location.journalFile) else { return }
        let contents = StateJournal.read(bytes)
        guard contents.generation == generation else { return }
        for payload in contents.payloads {
            try StateFileCodec.decodeJournalRecord(payload).apply(to: &state)
        }
        if contents.validLength < bytes.count {
            do { try StateFiles.truncate(location.journalFile, to: contents.validLength) } catch { return }
        }
        journalBytes = contents.validLength
        journalNeedsReset = false
    }

    /// The current state, including changes not yet written. A copy that is kept while the store
    /// changes costs a copy of the whole table: take `view(keys:)` for a few rows.
    public var snapshot: SyncState { state }

    /// Counts the changes made to the state's rows: two reads of `snapshot` with the same
    /// revision hold the same table, row for row (a listing folded into one is valid for the other).
    public private(set) var revision = 0

    /// `snapshot` with its `revision`, read at once.
    public var snapshotWithRevision: (state: SyncState, revision: Int) { (state, revision) }

    /// The state with only the entries of `keys` (and the whole operation journal): what a round
    /// about a few paths plans against, without copying the table.
    public func view(keys: Set<ItemKey>) -> SyncState {
        var entries: StateTable = [:]
        for key in keys { if let entry = state.entries[key] { entries[key] = entry } }
        return SyncState(scope: state.scope, checksumKind: state.checksumKind, entries: entries, journal: state.journal,
                         lastWriteNanoseconds: state.lastWriteNanoseconds)
    }

    /// The keys recorded at `paths` or at one of their ancestors, by index (no scan).
    public func keys(atOrAbove paths: Set<FilePathBytes>) -> Set<ItemKey> { state.entries.keys(atOrAbove: paths) }

    /// The recorded path of `key`, if any.
    public func path(of key: ItemKey) -> FilePathBytes? { state.entries[key]?.path }

    public var checksumKind: InstanceChecksumKind { state.checksumKind }

    public var remoteFingerprint: RemoteFingerprint? { state.remoteFingerprint }

    /// Entries whose content is recorded, and entries with a remote item: kept up to date per change.
    public var filesTracked: Int { index.filesTracked }
    public var itemsOwned: Int { index.itemsOwned }

    /// Operations owed, and of those the ones that failed and wait for their back-off.
    public var pendingOperations: (all: Int, retrying: Int) {
        (state.journal.pending.count, state.journal.pending.values.count { $0.attempts > 0 })
    }

    /// The earliest retry time of a failed operation (wall-clock nanoseconds), if any.
    public var nextRetryDueNanoseconds: Int64? {
        state.journal.pending.values.lazy.filter { $0.attempts > 0 }.map(\.nextAttemptNanoseconds).min()
    }

    /// The paths of failed operations whose back-off has passed.
    public func pathsDueForRetry(nowNanoseconds: Int64) -> Set<FilePathBytes> {
        var paths = Set<FilePathBytes>()
        for operation in state.journal.pending.values where operation.attempts > 0 && operation.nextAttemptNanoseconds <= nowNanoseconds {
            if let path = state.entries[operation.key]?.path { paths.insert(path) }
        }
        return paths
    }

    /// Applies `changes` and schedules a debounced write.
    public func apply(_ changes: [StateChange]) {
        guard !changes.isEmpty else { return }
        var before: [ItemKey: StateEntry?] = [:]
        let fingerprintBefore = state.remoteFingerprint
        for change in changes {
            guard let key = change.key else { continue }
            dirtyKeys.insert(key)
            if before[key] == nil { before[key] = .some(state.entries[key]) }
        }
        state.apply(changes)
        revision += 1
        for (key, old) in before { index.update(key, from: old, to: state.entries[key]) }
        if state.remoteFingerprint != fingerprintBefore { fingerprintDirty = true }
        isDirty = true
        scheduleSave()
    }

    /// Replaces the whole state (after a rebuild), and schedules a write.
    public func replace(with newState: SyncState) {
        state = newState
        state.scope = scope
        revision += 1
        index = StateIndex(state)
        needsSnapshot = true
        isDirty = true
        scheduleSave()
    }

    /// Writes what changed since the last save: a journal record, or a new snapshot when one is
    /// due. Nothing is written when nothing changed (the racy-file guard then keeps the previous
    /// write's time, which only makes more files look racy).
    public func save() throws(StateStoreError) {
        guard isLoaded else { throw .notLoaded }
        guard isDirty || needsSnapshot else { return }
        // Stamped before the write: a file changed while we write counts as racy at the next load.
        let stamp = wallClock()
        if needsSnapshot {
            try writeSnapshot(stamp: stamp)
        } else {
            // Decided with the record in hand: a record that would take the journal past the
            // snapshot (an adoption of every file, a rescan that re-hashed a tree) becomes a
            // snapshot now. Appended, it made every later start replay it through JSONDecoder
            // until some other change came to be saved: 1.3 s more for each warm restart at
            // 100,000 files.
            let record = StateJournal.frame(StateFileWriter.journalRecord(state, keys: dirtyKeys, writtenAt: stamp,
                                                                          includingFingerprint: fingerprintDirty))
            if journalBytes + record.count > max(snapshotBytes, 64 << 10) {
                try writeSnapshot(stamp: stamp)
            } else {
                try append(record)
            }
        }
        state.lastWriteNanoseconds = stamp
        dirtyKeys = []
        fingerprintDirty = false
        isDirty = false
        lastSaveError = nil
    }

    private func append(_ record: [UInt8]) throws(StateStoreError) {
        writeCount += 1
        do {
            if journalNeedsReset {
                let header = StateJournal.header(generation: generation)
                try StateFiles.replaceAtomically(location.journalFile, with: header, temporarySuffix: "\(getpid())-\(writeCount)")
                journalBytes = header.count
                journalNeedsReset = false
            }
        } catch {
            throw .io(error)
        }
        do {
            try StateFiles.appendAndSync(location.journalFile, record)
        } catch {
            // A partial append (a full disk) must not stay in front of the next record.
            do { try StateFiles.truncate(location.journalFile, to: journalBytes) } catch { needsSnapshot = true }
            throw .io(error)
        }
        journalBytes += record.count
        journalBytesAppended += record.count
    }

    /// A new snapshot of the next generation, then an empty journal of that generation. A crash
    /// between the two leaves the old journal, which the new generation number tells to ignore.
    private func writeSnapshot(stamp: Int64) throws(StateStoreError) {
        var written = state
        written.lastWriteNanoseconds = stamp
        let next = generation + 1
        let bytes = StateFileCodec.encode(written, generation: next)
        writeCount += 1
        do {
            try StateFiles.replaceAtomically(location.stateFile, with: bytes, temporarySuffix: "\(getpid())-\(writeCount)")
            generation = next
            snapshotBytes = bytes.count
            needsSnapshot = false
            snapshotsWritten += 1
            if legacySnapshotPresent {
                do { try StateFiles.remove(location.legacyStateFile) } catch where error.errno == .noSuchFile {}
                legacySnapshotPresent = false
            }
            let header = StateJournal.header(generation: next)
            journalNeedsReset = true
            try StateFiles.replaceAtomically(location.journalFile, with: header, temporarySuffix: "\(getpid())-\(writeCount)-journal")
            journalBytes = header.count
            journalNeedsReset = false
        } catch {
            throw .io(error)
        }
    }

    /// Cancels the pending debounced write and writes now if anything changed.
    public func flush() throws(StateStoreError) {
        pendingSave?.cancel()
        pendingSave = nil
        if isDirty { try save() }
    }

    /// Whether changes are waiting for a write.
    public var hasUnsavedChanges: Bool { isDirty }

    /// Flushes, then releases the directory lock. The store can be loaded again afterwards.
    public func close() throws(StateStoreError) {
        defer {
            lock?.close()
            lock = nil
            isLoaded = false
        }
        if isLoaded {
            try flush()
            do { try StateFiles.remove(location.runningMarker) } catch { throw .io(error) }
        }
    }

    private func scheduleSave() {
        guard pendingSave == nil, isLoaded else { return }
        let clock = clock
        let debounce = debounce
        pendingSave = Task {
            do {
                try await clock.sleep(for: debounce)
            } catch {
                return
            }
            self.debouncedSaveFired()
        }
    }

    private func debouncedSaveFired() {
        pendingSave = nil
        guard isDirty else { return }
        do {
            try save()
        } catch {
            lastSaveError = error
        }
    }

    private func removeTemporaryFiles() -> [FilePathBytes] {
        let prefixes = [StateLocation.fileName.bytes + Array(".tmp-".utf8), StateLocation.legacyFileName.bytes + Array(".tmp-".utf8),
                        Array("state.journal.tmp-".utf8)]
        guard let entries = try? directoryEntries(of: location.directory) else { return [] }
        var removed: [FilePathBytes] = []
        for entry in entries where prefixes.contains(where: { entry.name.bytes.starts(with: $0) }) {
            let path = location.directory.appending(entry.name)
            if (try? StateFiles.remove(path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Renames `file` (the snapshot that could not be read) and its journal out of the way.
    private func moveAside(_ file: FilePathBytes) throws(StateStoreError) -> FilePathBytes {
        let base = file.lastComponent.description + ".corrupt-" + StateFiles.compactUTCTimestamp(nanoseconds: wallClock())
        var candidate = location.directory.appending(FilePathBytes(base))
        var counter = 2
        while StateFiles.exists(candidate) {
            candidate = location.directory.appending(FilePathBytes("\(base)-\(counter)"))
            counter += 1
        }
        do {
            try StateFiles.rename(file, to: candidate)
            if StateFiles.exists(location.journalFile) {
                try StateFiles.rename(location.journalFile, to: FilePathBytes(candidate.bytes + Array(".journal".utf8)))
            }
            try StateFiles.syncDirectory(location.directory)
        } catch {
            throw .io(error)
        }
        return candidate
    }
}

/// What `StateStore.load()` found.
public struct StateLoadResult: Sendable {
    public enum Origin: Hashable, Sendable {
        /// The state file was read and checked.
        case loaded
        /// There was no state file: a fresh host.
        case created
        /// The state file could not be trusted; it was moved aside and the caller must rebuild.
        case rebuilt(problem: StateFileProblem, movedAsideTo: FilePathBytes)
    }

    public var state: SyncState
    public var origin: Origin
    /// Temporary files of interrupted writes, removed.
    public var removedTemporaryFiles: [FilePathBytes]
    /// The previous agent on this state did not close it (killed, crashed, power cut): requests
    /// it had in flight may still land after this start, so a later full reconcile is due.
    public var previousRunInterrupted = false

    /// Whether the caller must rescan everything before trusting the state (it is empty).
    public var needsRebuild: Bool { origin != .loaded }

    /// One line for the log when the state was not loaded cleanly; nil otherwise.
    public var warning: String? {
        guard case .rebuilt(let problem, let aside) = origin else { return nil }
        return "state file \(problem); moved it to \(aside) and rebuilding from a rescan"
    }
}

/// Why the state store failed.
public enum StateStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    case locked(FilePathBytes)
    case io(SystemError)
    case notLoaded

    public var description: String {
        switch self {
        case .locked(let directory):
            "state directory \(directory) is in use by another aisearch-sync; stop it or pass another --state-dir"
        case .io(let error):
            "state: \(error)"
        case .notLoaded:
            "state: save before load (a bug)"
        }
    }
}

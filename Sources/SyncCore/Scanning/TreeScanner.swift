import AISearchAPI
import LinuxSystem

/// Turns the files under a root into a `LocalSnapshot`: walks the tree (links never followed,
/// ignored directories never entered), maps paths to keys, decides eligibility, and hashes only
/// what the state cannot vouch for (`SyncState.needsRehash`), with a re-stat after hashing so a
/// file written meanwhile is read again.
///
/// A value: it holds configuration only. `scan` does blocking file I/O; call it off the
/// cooperative pool's hot paths (the engine runs it in a detached task).
public struct TreeScanner: Sendable {
    public var root: FilePathBytes
    public var keyMapper: KeyMapper
    public var policy: EligibilityPolicy
    /// The ignore rule that excludes a directory (relative path), or nil to enter it.
    public var ignoredDirectoryRule: @Sendable (FilePathBytes) -> String?

    public init(root: FilePathBytes, keyMapper: KeyMapper, policy: EligibilityPolicy,
                ignoredDirectoryRule: @escaping @Sendable (FilePathBytes) -> String? = { _ in nil }) {
        self.root = root
        self.keyMapper = keyMapper
        self.policy = policy
        self.ignoredDirectoryRule = ignoredDirectoryRule
    }

    /// What a scan found, plus what it cost.
    public struct Result: Sendable {
        public var snapshot: LocalSnapshot
        /// State changes the scan learned (files hashed with their identity).
        public var stateChanges: [StateChange]
        public var filesHashed = 0
        public var bytesHashed: Int64 = 0
    }

    /// Scans the whole tree. `remoteItems` (by key) decides which extra digests a fresh host
    /// computes to recognise the server's checksums.
    public func scanAll(state: SyncState, remoteItems: [ItemKey: Item]) -> Result {
        guard let rootStatus = try? FileStatus.of(root), rootStatus.kind == .directory else {
            return Result(snapshot: LocalSnapshot(files: [], rootExists: false), stateChanges: [])
        }
        var found: [(path: FilePathBytes, status: FileStatus)] = []
        var errors: [ScanError] = []
        walk(FilePathBytes([]), into: &found, errors: &errors)
        return describe(found, scanErrors: errors, state: state, remoteItems: remoteItems, mapping: keyMapper.mapAll(found.map(\.path)))
    }

    /// Scans only `paths` (relative; a directory among them is walked whole): what a watch batch
    /// names. Keys are checked for conflicts against the state's other paths.
    public func scan(paths: Set<FilePathBytes>, state: SyncState, remoteItems: [ItemKey: Item]) -> Result {
        guard let rootStatus = try? FileStatus.of(root), rootStatus.kind == .directory else {
            return Result(snapshot: LocalSnapshot(files: [], rootExists: false), stateChanges: [])
        }
        var found: [(path: FilePathBytes, status: FileStatus)] = []
        var errors: [ScanError] = []
        for path in paths.sorted() where !isInsideIgnoredDirectory(path) {
            guard let status = try? FileStatus.of(root.appending(path)) else { continue }  // gone: the caller treats it as removed
            if status.kind == .directory {
                walk(path, into: &found, errors: &errors)
            } else {
                found.append((path, status))
            }
        }
        var mapping = keyMapper.mapAll(found.map(\.path))
        markConflictsWithRecordedPaths(&mapping, state: state)
        return describe(found, scanErrors: errors, state: state, remoteItems: remoteItems, mapping: mapping)
    }

    // MARK: - Walking

    private func walk(_ directory: FilePathBytes, into found: inout [(path: FilePathBytes, status: FileStatus)],
                      errors: inout [ScanError]) {
        let absolute = directory.isEmpty ? root : root.appending(directory)
        let entries: [DirectoryEntry]
        do {
            entries = try directoryEntries(of: absolute)
        } catch {
            // A directory that vanished mid-scan is a removal, not an error; anything else withholds deletes.
            if error.errno != .noSuchFile { errors.append(ScanError(path: directory, message: error.description)) }
            return
        }
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            let relative = directory.appending(entry.name)
            let status: FileStatus
            do {
                status = try FileStatus.of(root.appending(relative))
            } catch {
                if error.errno != .noSuchFile { errors.append(ScanError(path: relative, message: error.description)) }
                continue
            }
            if status.kind == .directory {
                if ignoredDirectoryRule(relative) == nil { walk(relative, into: &found, errors: &errors) }
            } else {
                found.append((relative, status))
            }
        }
    }

    private func isInsideIgnoredDirectory(_ path: FilePathBytes) -> Bool {
        var prefix = FilePathBytes([])
        for component in path.components.dropLast() {
            prefix = prefix.appending(component)
            if ignoredDirectoryRule(prefix) != nil { return true }
        }
        return false
    }

    /// A key recorded in the state for another path that still exists is taken: the newcomer conflicts.
    private func markConflictsWithRecordedPaths(_ mapping: inout KeyMappingResult, state: SyncState) {
        for (path, keyMapping) in mapping.mappings {
            guard let recorded = state.entries[keyMapping.key]?.path, recorded != path,
                  (try? FileStatus.of(root.appending(recorded))) != nil else { continue }
            mapping.mappings[path] = nil
            mapping.conflicts.append(KeyConflict(key: keyMapping.key, paths: [recorded, path]))
        }
    }

    // MARK: - Describing files

    private func describe(_ found: [(path: FilePathBytes, status: FileStatus)], scanErrors: [ScanError], state: SyncState,
                          remoteItems: [ItemKey: Item], mapping: KeyMappingResult) -> Result {
        var result = Result(snapshot: LocalSnapshot(files: [], rootExists: true, scanErrors: scanErrors), stateChanges: [])
        var hasher = FileHasher()
        let ineligibleByMapping = mapping.ineligible
        for (path, status) in found {
            guard let key = mapping.mappings[path]?.key ?? fallbackKey(for: path) else { continue }
            if let reason = ineligibleByMapping[path] {
                result.snapshot.files.append(LocalFile(key: key, path: path, status: status, eligibility: .ineligible(reason)))
                continue
            }
            if case .ineligible(let reason) = policy.evaluate(relativePath: path, status: status) {
                result.snapshot.files.append(LocalFile(key: key, path: path, status: status, eligibility: .ineligible(reason)))
                continue
            }
            guard state.needsRehash(key: key, current: status) else {
                result.snapshot.files.append(LocalFile(key: key, path: path, status: status))
                continue
            }
            let algorithms = checksumAlgorithmsToCompute(item: remoteItems[key], record: state.entries[key]?.remote, kind: state.checksumKind)
            do {
                let hashed = try hasher.hashStable(root.appending(path), algorithms: algorithms)
                result.filesHashed += 1
                result.bytesHashed += hashed.byteCount
                var digests: [ChecksumAlgorithm: String] = [.sha256: hashed.digests.sha256.hex]
                if let md5 = hashed.digests.md5 { digests[.md5] = md5.hex }
                if let sha1 = hashed.digests.sha1 { digests[.sha1] = sha1.hex }
                // The size rule is checked again on what was read: the file may have grown meanwhile.
                let current = hashed.statusAfter
                if case .ineligible(let reason) = policy.evaluate(relativePath: path, status: current) {
                    result.snapshot.files.append(LocalFile(key: key, path: path, status: current, eligibility: .ineligible(reason)))
                    continue
                }
                result.snapshot.files.append(LocalFile(key: key, path: path, status: current, digests: digests))
                result.stateChanges.append(.hashed(key, path: path, status: current, sha256: hashed.digests.sha256))
            } catch .system(let error) where error.errno == .noSuchFile {
                continue  // removed between listing and hashing: the next batch reports it
            } catch {
                // A file still being written is "unreadable" for this round: that keeps its item
                // (never deleted for it) and the watcher's next report of it retries.
                let reason = EligibilityPolicy.reason(forHashFailure: error)
                    ?? .unreadable(reason: "kept changing while it was read; it is read again on its next change")
                result.snapshot.files.append(LocalFile(key: key, path: path, status: status, eligibility: .ineligible(reason)))
            }
        }
        return result
    }

    /// Paths the mapper could not name at all (conflicts, invalid) still appear in the snapshot
    /// under a display key, so they are reported; they never reach the API.
    private func fallbackKey(for path: FilePathBytes) -> ItemKey? {
        ItemKey(keyMapper.prefix + path.description)
    }
}

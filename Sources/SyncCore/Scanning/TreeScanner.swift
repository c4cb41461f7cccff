import AISearchAPI
import FileWatch
import LinuxSystem

/// Turns the files under a root into a `LocalSnapshot`: walks the tree (links never followed,
/// ignored directories never entered), maps paths to keys, decides eligibility, and hashes only
/// what the state cannot vouch for (`SyncState.needsRehash`), with a re-stat after hashing so a
/// file written meanwhile is read again.
///
/// Ignore rules have one source of truth, the tree itself: every scan starts from `ignoreRules`
/// (the built-in and configured patterns) and reads each `.aisearchignore` it meets, at the root
/// and in every directory below, exactly as the watcher does (`IgnoreRules` decides precedence
/// for both). A scan of a few paths reads the rule files of their ancestor directories. So a
/// nested rule file applies to `plan`, `sync`, rescans and watch rounds alike.
///
/// A value: it holds configuration only. `scan` does blocking file I/O; call it off the
/// cooperative pool's hot paths (the engine runs it in a detached task).
public struct TreeScanner: Sendable {
    public var root: FilePathBytes
    public var keyMapper: KeyMapper
    public var policy: EligibilityPolicy
    /// The rules that hold before any rule file is read (defaults, configured extras).
    public var ignoreRules: IgnoreRules

    public init(root: FilePathBytes, keyMapper: KeyMapper, policy: EligibilityPolicy,
                ignoreRules: IgnoreRules = IgnoreRules(includeDefaults: false)) {
        self.root = root
        self.keyMapper = keyMapper
        self.policy = policy
        self.ignoreRules = ignoreRules
    }

    /// What lets a full scan settle files (`scanAll`): the key prefix the round plans under, and
    /// what makes a listed item ours (`PlanOptions.itemSource`, `PlanOptions.owner`).
    public struct Settling: Sendable {
        public var keyPrefix: String
        public var itemSource: String
        public var owner: String

        public init(keyPrefix: String, itemSource: String, owner: String) {
            self.keyPrefix = keyPrefix
            self.itemSource = itemSource
            self.owner = owner
        }
    }

    /// A file the walk found; `ignoredBy` is the rule that ignores it, if one does.
    typealias Found = (path: FilePathBytes, status: FileStatus, ignoredBy: String?)

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
    ///
    /// With `settling`, the walk *settles* each file that is exactly as its record says it is
    /// synced (and, in a round against a listing, whose listed item still is what the record
    /// says): it sets the file's row in `snapshot.settled` and keeps no record of the file at
    /// all (see `settledRow`). At 100,000 files that is most of a warm start's or a rescan's
    /// memory: the walk's list and the snapshot held a record per file, ~23 MB, to conclude
    /// "unchanged" for nearly all of them, and a fifth of a full comparison's CPU.
    public func scanAll(state: SyncState, remoteItems: ItemsByKey, settling: Settling? = nil) -> Result {
        guard let rootStatus = try? FileStatus.of(root), rootStatus.kind == .directory else {
            return Result(snapshot: LocalSnapshot(files: [], rootExists: false), stateChanges: [])
        }
        var walked = Walked(settling: settling.map { rules in
            SettlingContext(state: state, rules: rules,
                            listedAsRecorded: remoteItems.isRecorded ? nil : remoteItems.rowsListedAsRecorded(in: state, rules: rules))
        })
        var rules = ignoreRules
        walk(FilePathBytes([]), rules: &rules, into: &walked)
        let each = keyMapper.mapEach(walked.found.map(\.path))
        var result = describe(walked.found, scanErrors: walked.errors, state: state, remoteItems: remoteItems, mappings: each.mappings,
                              ineligibleByMapping: KeyMappingResult(mappings: [:], conflicts: each.conflicts, invalid: each.invalid).ineligible)
        result.snapshot.settled = walked.settled
        return result
    }

    /// Scans only `paths` (relative; a directory among them is walked whole): what a watch batch
    /// names. Keys are checked for conflicts against the state's other paths.
    public func scan(paths: Set<FilePathBytes>, state: SyncState, remoteItems: ItemsByKey) -> Result {
        guard let rootStatus = try? FileStatus.of(root), rootStatus.kind == .directory else {
            return Result(snapshot: LocalSnapshot(files: [], rootExists: false), stateChanges: [])
        }
        var walked = Walked()
        var rules = ignoreRules
        var rulesRead = Set<FilePathBytes>()
        for path in paths.sorted() {
            readRuleFiles(above: path, into: &rules, alreadyRead: &rulesRead)
            guard !isInsideIgnoredDirectory(path, rules: rules) else { continue }
            guard let status = try? FileStatus.of(root.appending(path)) else { continue }  // gone: the caller treats it as removed
            if status.kind == .directory {
                if path.isEmpty || rules.matchEntry(path, isDirectory: true)?.isIgnored != true {
                    walk(path, rules: &rules, into: &walked)
                }
            } else {
                walked.found.append((path, status, ignoredRule(path, rules: rules)))
            }
        }
        let found = walked.found
        var mapping = keyMapper.mapAll(found.map(\.path))
        markConflictsWithRecordedPaths(&mapping, state: state)
        return describe(found, scanErrors: walked.errors, state: state, remoteItems: remoteItems, mappings: found.map { mapping.mappings[$0.path] },
                        ineligibleByMapping: mapping.ineligible)
    }

    // MARK: - Walking

    /// What a walk gathers: the files to describe, what it could not read, and the rows it settled.
    private struct Walked {
        var found: [Found] = []
        var errors: [ScanError] = []
        var settled = SettledRows()
        var settling: SettlingContext?
    }

    /// The state whose records may settle a file, its rules, and (against a listing) the rows
    /// whose listed item is as recorded (`ItemsByKey.rowsListedAsRecorded`; nil: no listing).
    /// A class: the walk takes it for every file, and a copy of a `SyncState` is a retain and a
    /// release of each of its tables (an eighth of the walk's time at 100,000 files).
    private final class SettlingContext {
        let state: SyncState
        let rules: Settling
        let listedAsRecorded: SettledRows?
        /// The row after the last file's: where the next file's key is looked for first (the
        /// rows follow the listing's order, which is about the walk's).
        var nextRow = 0

        init(state: SyncState, rules: Settling, listedAsRecorded: SettledRows?) {
            self.state = state
            self.rules = rules
            self.listedAsRecorded = listedAsRecorded
        }
    }

    private func walk(_ directory: FilePathBytes, rules: inout IgnoreRules, into walked: inout Walked) {
        let absolute = directory.isEmpty ? root : root.appending(directory)
        // Every entry's status is read relative to the open directory, then the directory is
        // closed before the walk goes down (one descriptor open at a time, whatever the depth).
        let entries: [DirectoryEntry]
        // A status per entry, nil where it could not be read (`failures` says why): plain values,
        // so going through them costs no reference counting (an array of `Result`s did, per file).
        var statuses: [FileStatus?] = []
        var failures: [Int: SystemError] = [:]
        do {
            let opened = try OpenDirectory(absolute)
            entries = try opened.entries().sorted(by: { $0.name < $1.name })
            statuses.reserveCapacity(entries.count)
            for index in entries.indices {
                do {
                    statuses.append(try opened.status(of: entries[index].name))
                } catch {
                    statuses.append(nil)
                    failures[index] = error
                }
            }
        } catch {
            // A directory that vanished mid-scan is a removal, not an error; anything else withholds deletes.
            if error.errno != .noSuchFile { walked.errors.append(ScanError(path: directory, message: error.description)) }
            return
        }
        // This directory's rule file governs everything below it, so it is read before its entries.
        if entries.contains(where: { rules.isRuleFile($0.name) }) {
            rules.loadRuleFile(root: root, directory: directory)
        } else {
            rules.removeRuleFile(in: directory)
        }
        let settling = walked.settling
        for index in entries.indices {
            let relative = directory.appending(entries[index].name)
            guard let status = statuses[index] else {
                if let error = failures[index], error.errno != .noSuchFile {
                    walked.errors.append(ScanError(path: relative, message: error.description))
                }
                continue
            }
            if status.kind == .directory {
                if rules.matchEntry(relative, isDirectory: true)?.isIgnored != true {
                    walk(relative, rules: &rules, into: &walked)
                }
                continue
            }
            let ignoredBy = ignoredRule(relative, rules: rules)
            if ignoredBy == nil, let settling, let row = settledRow(relative, status: status, settling: settling) {
                walked.settled.insert(row)
            } else {
                walked.found.append((relative, status, ignoredBy))
            }
        }
    }

    /// The state row of a file that is exactly as its record says it is synced, or nil: an
    /// eligible file under an unshortened key (never in conflict: only shortened keys can be
    /// shared), recorded at this path with an identity the state may trust (`needsRehash`: not
    /// changed, not racy), whose record is a healthy item with a checksum that holds this very
    /// content. Against a listing, the key's first listed item must also be that record's item,
    /// ours, unchanged (same checksum, same status) and carry no content digest of its own: the
    /// rows in `listedAsRecorded`, found in one pass over the listing before the walk.
    /// That is what the planner concludes "unchanged" for, with nothing else to do
    /// (`Planner.isUnchangedByRecord`, `planEligible`'s `.equal(.ownRecord)` with a healthy
    /// item), decided here so that no record of the file is kept.
    private func settledRow(_ path: FilePathBytes, status: FileStatus, settling: SettlingContext) -> Int? {
        // The key as bytes (no `String`, no `KeyMapping` per file): unshortened, under the prefix.
        guard case .eligible = policy.evaluate(relativePath: path, status: status),
              let found = keyMapper.withUnshortenedKeyBytes(for: path, { key in
                  key.starts(with: settling.rules.keyPrefix.utf8) ? settling.state.entries.rowNumber(ofKeyBytes: key, hint: settling.nextRow) : nil
              }), let row = found else { return nil }
        settling.nextRow = row + 1
        guard settling.listedAsRecorded?.contains(row) != false else { return nil }
        guard let entry = settling.state.entries.entry(atRow: row, ifPathIs: path), !settling.state.needsRehash(entry, current: status),
              let record = entry.remote,
              record.needsNothing(holding: entry.sha256) else { return nil }
        return row
    }

    private func ignoredRule(_ path: FilePathBytes, rules: IgnoreRules) -> String? {
        guard let match = rules.matchEntry(path, isDirectory: false), match.isIgnored else { return nil }
        return match.rule
    }

    /// Reads the rule files of the root and of every directory above `path`, once per scan.
    private func readRuleFiles(above path: FilePathBytes, into rules: inout IgnoreRules, alreadyRead: inout Set<FilePathBytes>) {
        var directory = FilePathBytes([])
        var directories = [directory]
        for component in path.components.dropLast() {
            directory = directory.appending(component)
            directories.append(directory)
        }
        for directory in directories where alreadyRead.insert(directory).inserted {
            rules.loadRuleFile(root: root, directory: directory)
        }
    }

    private func isInsideIgnoredDirectory(_ path: FilePathBytes, rules: IgnoreRules) -> Bool {
        var prefix = FilePathBytes([])
        for component in path.components.dropLast() {
            prefix = prefix.appending(component)
            if rules.matchEntry(prefix, isDirectory: true)?.isIgnored == true { return true }
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

    /// `mappings[i]` is the key mapping of `found[i]` (nil: conflicting or invalid).
    private func describe(_ found: [Found], scanErrors: [ScanError], state: SyncState, remoteItems: ItemsByKey,
                          mappings: [KeyMapping?], ineligibleByMapping: [FilePathBytes: IneligibilityReason]) -> Result {
        var result = Result(snapshot: LocalSnapshot(files: [], rootExists: true, scanErrors: scanErrors), stateChanges: [])
        result.snapshot.files.reserveCapacity(found.count)
        var hasher = FileHasher()
        for ((path, status, ignoredBy), mapping) in zip(found, mappings) {
            guard let key = mapping?.key ?? fallbackKey(for: path) else { continue }
            if let ignoredBy {
                result.snapshot.files.append(LocalFile(key: key, path: path, status: status, eligibility: .ineligible(.ignored(rule: ignoredBy))))
                continue
            }
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

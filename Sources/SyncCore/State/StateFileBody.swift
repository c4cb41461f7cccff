import AISearchAPI
import Foundation
import Hashing
import LinuxSystem

extension StateFileCodec {
    /// The JSON body of a state file, as read back (`StateFileWriter` writes it). Rows are arrays, in
    /// the column orders `StateFileCodec` names. The `entries` table reaches it empty: `StateRowReader`
    /// reads that one.
    struct Body: Decodable {
        var account: String
        var namespace: String
        var instance: String
        var writtenAtNanoseconds: Int64?
        var checksumKind: InstanceChecksumKind
        /// Which journal applies on top (see `StateJournal`); 0 in files written before journals.
        var generation: Int
        var remoteFingerprint: RemoteFingerprint?
        var entryColumns: [String]
        var entries: [EntryRow]
        var pendingColumns: [String]
        var pending: [PendingRow]
        var terminalColumns: [String]
        var terminal: [TerminalRow]

        enum CodingKeys: String, CodingKey {
            case account, namespace, instance, entries, pending, terminal, generation
            case remoteFingerprint = "remote_fingerprint"
            case writtenAtNanoseconds = "written_at_ns"
            case checksumKind = "checksum_kind"
            case entryColumns = "entry_columns"
            case pendingColumns = "pending_columns"
            case terminalColumns = "terminal_columns"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            account = try container.decode(String.self, forKey: .account)
            namespace = try container.decode(String.self, forKey: .namespace)
            instance = try container.decode(String.self, forKey: .instance)
            writtenAtNanoseconds = try container.decodeIfPresent(Int64.self, forKey: .writtenAtNanoseconds)
            checksumKind = try container.decode(InstanceChecksumKind.self, forKey: .checksumKind)
            generation = try container.decodeIfPresent(Int.self, forKey: .generation) ?? 0
            remoteFingerprint = try container.decodeIfPresent(FingerprintRow.self, forKey: .remoteFingerprint)?.fingerprint
            entryColumns = try container.decode([String].self, forKey: .entryColumns)
            pendingColumns = try container.decode([String].self, forKey: .pendingColumns)
            terminalColumns = try container.decode([String].self, forKey: .terminalColumns)
            // A version-1 reader knows exactly these columns; anything else is not a file it wrote.
            guard entryColumns == StateFileCodec.entryColumns, pendingColumns == StateFileCodec.pendingColumns,
                  terminalColumns == StateFileCodec.terminalColumns else {
                throw StateFileProblem.corrupt("unexpected column layout")
            }
            entries = try container.decode([EntryRow].self, forKey: .entries)
            pending = try container.decode([PendingRow].self, forKey: .pending)
            terminal = try container.decode([TerminalRow].self, forKey: .terminal)
        }

        /// The state, with `table` (read by `StateRowReader`) as its entries, plus any in `entries`.
        func state(entries table: StateTable) -> SyncState {
            var journal = OperationJournal()
            journal.restore(pending: pending.map(\.operation), terminalFailures: terminal.map(\.failure))
            var table = table
            for row in entries { table[row.key] = row.entry }
            var state = SyncState(scope: StateScope(account: account, namespace: namespace, instance: instance),
                                  checksumKind: checksumKind, entries: table, journal: journal,
                                  lastWriteNanoseconds: writtenAtNanoseconds)
            state.remoteFingerprint = remoteFingerprint
            return state
        }
    }

    /// A journal record's body, as `StateFileWriter.journalRecord` writes it.
    struct JournalRecordBody: Decodable {
        var writtenAtNanoseconds: Int64
        var checksumKind: InstanceChecksumKind
        var entries: [EntryRow]
        var removed: [String]
        var pending: [PendingRow]
        var pendingRemoved: [String]
        var terminal: [TerminalRow]
        var terminalRemoved: [String]
        /// Absent: unchanged; `.some(nil)`: cleared.
        var remoteFingerprint: RemoteFingerprint??

        enum CodingKeys: String, CodingKey {
            case entries, removed, pending, terminal
            case remoteFingerprint = "remote_fingerprint"
            case writtenAtNanoseconds = "written_at_ns"
            case checksumKind = "checksum_kind"
            case pendingRemoved = "pending_removed"
            case terminalRemoved = "terminal_removed"
            case entryColumns = "entry_columns"
            case pendingColumns = "pending_columns"
            case terminalColumns = "terminal_columns"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard try container.decode([String].self, forKey: .entryColumns) == StateFileCodec.entryColumns,
                  try container.decode([String].self, forKey: .pendingColumns) == StateFileCodec.pendingColumns,
                  try container.decode([String].self, forKey: .terminalColumns) == StateFileCodec.terminalColumns else {
                throw StateFileProblem.corrupt("unexpected column layout in a journal record")
            }
            writtenAtNanoseconds = try container.decode(Int64.self, forKey: .writtenAtNanoseconds)
            checksumKind = try container.decode(InstanceChecksumKind.self, forKey: .checksumKind)
            entries = try container.decode([EntryRow].self, forKey: .entries)
            removed = try container.decode([String].self, forKey: .removed)
            pending = try container.decode([PendingRow].self, forKey: .pending)
            pendingRemoved = try container.decode([String].self, forKey: .pendingRemoved)
            terminal = try container.decode([TerminalRow].self, forKey: .terminal)
            terminalRemoved = try container.decode([String].self, forKey: .terminalRemoved)
            if container.contains(.remoteFingerprint) {
                remoteFingerprint = .some(try container.decodeIfPresent(FingerprintRow.self, forKey: .remoteFingerprint)?.fingerprint)
            }
        }

        /// Applies the record's rows to `state`.
        func apply(to state: inout SyncState) {
            for row in entries { state.entries[row.key] = row.entry }
            for key in removed { state.entries[ItemKey(key)] = nil }
            var journal = state.journal
            for row in pending {
                journal.restore(key: row.operation.key, pending: row.operation, terminalFailure: journal.terminalFailures[row.operation.key])
            }
            for key in pendingRemoved.map({ ItemKey($0) }) {
                journal.restore(key: key, pending: nil, terminalFailure: journal.terminalFailures[key])
            }
            for row in terminal { journal.restore(key: row.failure.key, pending: journal.pending[row.failure.key], terminalFailure: row.failure) }
            for key in terminalRemoved.map({ ItemKey($0) }) {
                journal.restore(key: key, pending: journal.pending[key], terminalFailure: nil)
            }
            state.journal = journal
            state.checksumKind = checksumKind
            state.lastWriteNanoseconds = writtenAtNanoseconds
            if let remoteFingerprint { state.remoteFingerprint = remoteFingerprint }
        }
    }

    struct FingerprintRow: Decodable {
        var fingerprint: RemoteFingerprint

        enum CodingKeys: String, CodingKey {
            case total
            case newestSHA256 = "newest_sha256"
            case fullAtNanoseconds = "full_at_ns"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let total = try container.decodeIfPresent(Int.self, forKey: .total)
            let digestText = try container.decodeIfPresent(String.self, forKey: .newestSHA256)
            var evidence: RemoteFingerprint.Evidence?
            if let total, let digestText {
                guard let digest = SHA256Digest(hex: digestText) else { throw StateFileProblem.corrupt("bad remote fingerprint digest") }
                evidence = RemoteFingerprint.Evidence(totalCount: total, newestDigest: digest)
            }
            fingerprint = RemoteFingerprint(evidence: evidence, fullComparisonAtNanoseconds: try container.decode(Int64.self, forKey: .fullAtNanoseconds))
        }
    }

    struct EntryRow: Decodable {
        var key: ItemKey
        var entry: StateEntry

        init(from decoder: any Decoder) throws {
            var row = try decoder.unkeyedContainer()
            let key = ItemKey(try row.decode(String.self))
            self.key = key
            let pathText = try row.decode(String.self)
            guard let path = PathEscaping.unescape(pathText) else { throw StateFileProblem.corrupt("bad path escape in \(key)") }
            let device = try row.decodeIfPresent(UInt64.self)
            let inode = try row.decodeIfPresent(UInt64.self)
            let size = try row.decodeIfPresent(Int64.self)
            let modified = try row.decodeIfPresent(Int64.self)
            let changed = try row.decodeIfPresent(Int64.self)
            var identity: FileIdentity?
            if let device, let inode, let size, let modified, let changed {
                identity = FileIdentity(device: device, inode: inode, size: size,
                                        modificationTimeNanoseconds: modified, changeTimeNanoseconds: changed)
            }
            let sha256 = try row.decodeIfPresent(String.self).map { try digest($0, key: key) }
            let itemID = try row.decodeIfPresent(String.self)
            let checksum = try row.decodeIfPresent(String.self)
            let statusText = try row.decodeIfPresent(String.self)
            let remoteDigest = try row.decodeIfPresent(String.self).map { try digest($0, key: key) }
            let attempts = try row.decode(Int.self)
            var remote: RemoteRecord?
            if let itemID {
                guard let checksum, let statusText, let status = Item.Status(rawValue: statusText),
                      let content = remoteDigest ?? sha256 else {
                    throw StateFileProblem.corrupt("incomplete remote record for \(key)")
                }
                remote = RemoteRecord(itemID: itemID, checksum: checksum, status: status,
                                      contentSHA256: content, reindexAttempts: attempts)
            }
            entry = StateEntry(path: path, identity: identity, sha256: sha256, remote: remote)
        }
    }

    struct PendingRow: Decodable {
        var operation: PendingOperation

        init(from decoder: any Decoder) throws {
            var row = try decoder.unkeyedContainer()
            let key = ItemKey(try row.decode(String.self))
            guard let kind = OperationKind(rawValue: try row.decode(String.self)) else {
                throw StateFileProblem.corrupt("unknown operation kind for \(key)")
            }
            operation = PendingOperation(
                key: key, kind: kind,
                contentSHA256: try row.decodeIfPresent(String.self).map { try digest($0, key: key) },
                itemID: try row.decodeIfPresent(String.self),
                attempts: try row.decode(Int.self),
                nextAttemptNanoseconds: try row.decode(Int64.self),
                lastError: try row.decodeIfPresent(String.self))
        }
    }

    struct TerminalRow: Decodable {
        var failure: TerminalFailure

        init(from decoder: any Decoder) throws {
            var row = try decoder.unkeyedContainer()
            let key = ItemKey(try row.decode(String.self))
            guard let kind = OperationKind(rawValue: try row.decode(String.self)) else {
                throw StateFileProblem.corrupt("unknown operation kind for \(key)")
            }
            failure = TerminalFailure(
                key: key, kind: kind,
                contentSHA256: try row.decodeIfPresent(String.self).map { try digest($0, key: key) },
                httpStatus: try row.decodeIfPresent(Int.self),
                message: try row.decode(String.self),
                recordedAtNanoseconds: try row.decode(Int64.self))
        }
    }
}

private func digest(_ text: String, key: ItemKey) throws -> SHA256Digest {
    guard let digest = SHA256Digest(hex: text) else { throw StateFileProblem.corrupt("bad SHA-256 for \(key)") }
    return digest
}

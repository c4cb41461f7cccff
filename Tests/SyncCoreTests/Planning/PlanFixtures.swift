import AISearchAPI
import Hashing
import LinuxSystem
import Testing
@testable import SyncCore

let prefix = "docs/"

/// Fake digests: distinct per seed and algorithm, of the right lengths.
func md5Hex(_ seed: Int) -> String { hexString(digest(seed).bytes.prefix(16)) }
func sha1Hex(_ seed: Int) -> String { hexString(digest(seed + 1_000_000).bytes.prefix(20)) }

/// A file under `docs/`, content identified by `seed`.
func file(_ name: String, seed: Int, size: Int64 = 100, md5: Bool = false, sha1: Bool = false, hashed: Bool = true,
          eligibility: LocalFile.Eligibility = .eligible) -> LocalFile {
    var digests: [ChecksumAlgorithm: String] = [:]
    if hashed { digests[.sha256] = digest(seed).hex }
    if md5 { digests[.md5] = md5Hex(seed) }
    if sha1 { digests[.sha1] = sha1Hex(seed) }
    return LocalFile(key: ItemKey(prefix + name), path: FilePathBytes(name), status: status(size: size, mtime: 1_000 + Int64(seed)),
                     eligibility: eligibility, digests: digests)
}

func item(_ name: String, id: String? = nil, checksum: String = "opaque-0", size: Int64? = 100, status: Item.Status = .completed,
          source: String? = "builtin", metadata: [String: JSONValue]? = nil, error: String? = nil, createdAt: String = "2026-01-01T00:00:00Z") -> Item {
    Item(id: id ?? "id-\(name)", key: name.hasPrefix("/") ? String(name.dropFirst()) : prefix + name, checksum: checksum,
         createdAt: createdAt, lastSeenAt: createdAt, fileSize: size, metadata: metadata, namespace: "default",
         sourceID: source, status: status, error: error)
}

/// A state that recorded `file` (its identity and SHA-256) and, unless nil, its item holding `content`.
func recorded(_ files: [(LocalFile, itemChecksum: String?, content: Int)], kind: InstanceChecksumKind = .unknown,
              status: Item.Status = .completed, reindexAttempts: Int = 0) -> SyncState {
    var state = SyncState(scope: testScope, checksumKind: kind, lastWriteNanoseconds: 10_000_000_000_000)
    for (file, checksum, content) in files {
        let name = String(file.key.rawValue.dropFirst(prefix.count))
        state.entries[file.key] = StateEntry(
            path: file.path, identity: FileIdentity(file.status), sha256: digest(content),
            remote: checksum.map { RemoteRecord(itemID: "id-\(name)", checksum: $0, status: status,
                                                contentSHA256: digest(content), reindexAttempts: reindexAttempts) })
    }
    return state
}

let defaultOptions = PlanOptions(keyPrefix: prefix, nowNanoseconds: 5_000, owner: "me")
/// Metadata carrying an owner marker.
func ownedBy(_ owner: String) -> [String: JSONValue] { [SyncMetadata.ownerField: .string(owner)] }

/// A plan flattened to `key:detail` strings, for table comparisons.
struct PlanSummary: Hashable, Sendable, CustomStringConvertible {
    var uploads: [String] = []
    var deletes: [String] = []
    var reindexes: [String] = []
    var adoptions: [String] = []
    var verifications: [String] = []
    var skips: [String] = []
    var forgotten: [String] = []
    /// `key` or `key:owner` for each foreign item.
    var foreign: [String] = []
    var contested: [String] = []
    /// Files left as they are (the plan counts them, it does not list them).
    var unchanged = 0

    init(uploads: [String] = [], deletes: [String] = [], reindexes: [String] = [], adoptions: [String] = [],
         verifications: [String] = [], skips: [String] = [], forgotten: [String] = [], foreign: [String] = [], contested: [String] = [], unchanged: Int = 0) {
        self.unchanged = unchanged
        self.foreign = foreign
        self.contested = contested
        self.uploads = uploads
        self.deletes = deletes
        self.reindexes = reindexes
        self.adoptions = adoptions
        self.verifications = verifications
        self.skips = skips
        self.forgotten = forgotten
    }

    init(_ plan: SyncPlan) {
        func short(_ key: ItemKey) -> String { String(key.rawValue.dropFirst(prefix.count)) }
        uploads = plan.uploads.map { "\(short($0.key)):\($0.reason.rawValue)" }
        deletes = plan.deletes.map { "\(short($0.key)):\($0.reason.rawValue)" }
        reindexes = plan.reindexes.map { "\(short($0.key)):\($0.attempt)" }
        adoptions = plan.adoptions.map { "\(short($0.key)):\($0.evidence)" }
        verifications = plan.verifications.map { short($0.key) }
        skips = plan.skips.map { skip in
            let reason: String = switch skip.reason {
            case .ineligible(let why): "ineligible(\(why.code))"
            case .terminalFailure(let kind, _, _): "terminal(\(kind.rawValue))"
            case .reindexExhausted: "reindexExhausted"
            case .waitingForRetry: "waiting"
            case .digestUnavailable: "digestUnavailable"
            case .otherWriter: "otherWriter"
            }
            return "\(short(skip.key)):\(reason)"
        }
        forgotten = plan.forgotten.map(short)
        foreign = plan.foreign.map { short($0.key) + ($0.owner.map { ":\($0)" } ?? "") }
        contested = plan.contested.map { short($0.key) }
        unchanged = plan.unchangedCount
    }

    var description: String {
        [("up", uploads), ("del", deletes), ("reidx", reindexes), ("adopt", adoptions), ("verify", verifications),
         ("skip", skips), ("forget", forgotten), ("foreign", foreign), ("contested", contested)].filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
            + (unchanged > 0 ? " unchanged=\(unchanged)" : "")
    }
}

/// One row of the planner table.
struct PlanCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [LocalFile]
    var items: [Item]
    var state: SyncState = SyncState(scope: testScope)
    var options: PlanOptions = defaultOptions
    var expected: PlanSummary

    var testDescription: String { name }
}

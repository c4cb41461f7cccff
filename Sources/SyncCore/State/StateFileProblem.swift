/// Why a state file was not used. Each case reads as one line naming what was found; the store
/// moves such a file aside (`state.snapshot.corrupt-<time>`) and the agent rebuilds from a rescan.
public enum StateFileProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file does not start with our header: not a state file of this program.
    case notAStateFile
    /// Shorter than its header says: a write was cut off.
    case truncated(expectedBytes: Int, foundBytes: Int)
    /// The header or body does not check out (checksum, syntax, a field out of range).
    case corrupt(String)
    /// A valid state file of another account, namespace or instance.
    case foreign(expected: StateScope, found: StateScope)
    /// Written by a newer aisearch-sync with a format this one does not read.
    case futureVersion(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .notAStateFile:
            "not an aisearch-sync state file (no header)"
        case .truncated(let expected, let found):
            "truncated: the header announces \(expected) bytes of body, the file holds \(found)"
        case .corrupt(let detail):
            "corrupt: \(detail)"
        case .foreign(let expected, let found):
            "belongs to instance \(found), not \(expected)"
        case .futureVersion(let found, let supported):
            "written by a newer aisearch-sync (format \(found); this one reads up to \(supported))"
        }
    }
}

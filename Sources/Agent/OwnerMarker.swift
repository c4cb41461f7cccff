import Hashing
import LinuxSystem

/// The name an agent writes into the `aisearch_owner` field of its uploads (when the instance
/// declares that field), so that a host with no state can tell its own items from everyone
/// else's, and two agents writing one key notice each other.
public enum OwnerMarker {
    /// The most bytes a marker has; the API allows 500 characters in a text field.
    static let maximumLength = 200

    /// `HOST:/absolute/root`: unique per folder and machine, readable in the dashboard. A path too
    /// long for the field is replaced by the first 16 hex digits of its SHA-256. Set `--owner` to
    /// keep one identity across hosts (a container whose host name changes, a move to a new
    /// machine), or to give two agents one identity on purpose.
    public static func defaultName(root: FilePathBytes, host: String? = HostName.current()) -> String {
        let hostPart = host ?? "localhost"
        let path = String(decoding: root.bytes, as: UTF8.self)
        let name = "\(hostPart):\(path)"
        if name.utf8.count <= maximumLength { return name }
        return "\(hostPart.prefix(64)):sha256-\(SHA256.hash(root.bytes).hex.prefix(16))"
    }
}

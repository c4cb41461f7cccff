/// Why a local file is not uploaded. Each is reported once per scan and never retried until the
/// file itself changes.
public enum IneligibilityReason: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Larger than the API's per-file limit.
    case tooLarge(size: Int64, limit: Int64)
    /// An extension the service does not index (it would end `skipped`).
    case unsupportedType(extension: String)
    /// Matched an ignore rule (`.aisearchignore` or a default).
    case ignored(rule: String)
    /// Could not be opened or read.
    case unreadable(reason: String)
    /// Not a regular file (a symlink, socket, device...).
    case notRegularFile
    /// Maps to the same key as another file.
    case keyConflict(key: ItemKey, with: String)

    /// A short machine-readable word for `--json` and metrics.
    public var code: String {
        switch self {
        case .tooLarge: "too_large"
        case .unsupportedType: "unsupported_type"
        case .ignored: "ignored"
        case .unreadable: "unreadable"
        case .notRegularFile: "not_regular_file"
        case .keyConflict: "key_conflict"
        }
    }

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "too large: \(size) bytes, the API takes at most \(limit)"
        case .unsupportedType(let ext): ext.isEmpty ? "unsupported type: no extension" : "unsupported type: .\(ext) is not indexed by AI Search"
        case .ignored(let rule): "ignored by rule \(rule)"
        case .unreadable(let reason): "unreadable: \(reason)"
        case .notRegularFile: "not a regular file"
        case .keyConflict(let key, let other): "key conflict: maps to \(key), as does \(other)"
        }
    }
}

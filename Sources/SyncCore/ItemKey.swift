import LinuxSystem

/// The remote name of a local file: its path below the root, `/`-separated, behind the optional
/// prefix, always valid UTF-8 and at most 128 UTF-8 bytes (see `KeyMapper` for how a path becomes one).
///
/// Keys are equal, hash and sort by their UTF-8 bytes, never as Swift strings: `String` equality
/// is canonical equivalence, which would make the NFC and NFD spellings of `café.md` (two files on
/// Linux, two items on the server) one key, so one would overwrite or hide the other in every
/// table keyed by `ItemKey`. Sorting by bytes is also code-point order, stable across platforms.
public struct ItemKey: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func == (lhs: ItemKey, rhs: ItemKey) -> Bool {
        // Compared as two buffers: every lookup in a key table ends in this comparison.
        lhs.rawValue.hasSameUTF8(as: rhs.rawValue)
    }

    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = rawValue.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(rawValue.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
        // The length closes the bytes, so that in a value hashing
        // several keys in a row, ("ab", "c") and ("a", "bc") feed the hasher different input.
        hasher.combine(rawValue.utf8.count)
    }

    public static func < (lhs: ItemKey, rhs: ItemKey) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    /// Whether the key starts with the bytes of `prefix`: `café/` in NFC is no prefix of a key
    /// under `café/` in NFD (`String.hasPrefix` would say it is).
    public func hasPrefix(_ prefix: String) -> Bool {
        rawValue.utf8.starts(with: prefix.utf8)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

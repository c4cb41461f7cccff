import LinuxSystem

/// One file's key, and the full key it stands for when it had to be shortened.
public struct KeyMapping: Hashable, Sendable {
    /// What the file is uploaded as: at most `KeyMapper.maximumKeyLength` UTF-8 bytes.
    public let key: ItemKey
    /// The unshortened key (prefix + escaped path); equal to `key.rawValue` unless shortened.
    public let fullKey: String

    public init(key: ItemKey, fullKey: String) {
        self.key = key
        self.fullKey = fullKey
    }

    /// Whether `key` is the shortened form of a longer `fullKey`.
    public var isShortened: Bool { !key.rawValue.hasSameUTF8(as: fullKey) }

    /// Metadata to send with the upload: `[KeyMapper.pathMetadataField: fullKey]` when the key is
    /// shortened, empty otherwise (see `KeyMapper.metadataForLongKey`).
    public var metadata: [String: String] {
        isShortened ? KeyMapper.metadataForLongKey(fullKey: fullKey) : [:]
    }
}

/// Two or more files that map to one key. None of them is given the key: choosing one would
/// silently hide the others, and which one wins would depend on scan order.
public struct KeyConflict: Hashable, Sendable, CustomStringConvertible {
    /// The key they share (as mapped from the first of `paths`).
    public let key: ItemKey
    /// The relative paths that collide, sorted by bytes; at least two.
    public let paths: [FilePathBytes]

    public init(key: ItemKey, paths: [FilePathBytes]) {
        self.key = key
        self.paths = paths.sorted()
    }

    /// The reason to report for `path`, naming the other files.
    public func reason(for path: FilePathBytes) -> IneligibilityReason {
        .keyConflict(key: key, with: paths.filter { $0 != path }.map(\.description).joined(separator: ", "))
    }

    public var description: String {
        "\(paths.map(\.description).joined(separator: ", ")) all map to key \(key); rename all but one"
    }
}

/// What `KeyMapper.mapAll` found for a set of relative paths.
public struct KeyMappingResult: Sendable {
    /// The key of every path that has one of its own (conflicting and invalid paths are absent).
    public var keys: [FilePathBytes: ItemKey] { mappings.mapValues(\.key) }
    /// The full mapping (with the unshortened key) of every path in `keys`.
    public var mappings: [FilePathBytes: KeyMapping]
    /// Groups of paths that map to one key, sorted by their first path.
    public var conflicts: [KeyConflict]
    /// Paths that cannot be mapped at all (empty, `.` or `..` components).
    public var invalid: [FilePathBytes: KeyMapperError]

    /// Each conflicting path with the reason to report it under.
    public var ineligible: [FilePathBytes: IneligibilityReason] {
        var result: [FilePathBytes: IneligibilityReason] = [:]
        for conflict in conflicts {
            for path in conflict.paths { result[path] = conflict.reason(for: path) }
        }
        return result
    }
}

/// Why a path or prefix cannot be mapped.
public enum KeyMapperError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The relative path is empty, absolute, or has an empty, `.` or `..` component.
    case invalidRelativePath(FilePathBytes)
    /// The `--prefix` cannot be used; `reason` says why and what is allowed.
    case invalidPrefix(String, reason: String)

    public var description: String {
        switch self {
        case .invalidRelativePath(let path):
            "cannot map \"\(path)\" to a key: a relative path needs non-empty components other than . and .."
        case .invalidPrefix(let prefix, let reason):
            "invalid key prefix \"\(prefix)\": \(reason)"
        }
    }
}

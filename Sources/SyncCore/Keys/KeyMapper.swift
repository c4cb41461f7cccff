import LinuxSystem

/// Turns a file's path below the sync root into its AI Search key, and back.
///
/// Rules, in order:
/// 1. The key is the prefix (normalised to end in one `/`, or empty) followed by the path's
///    components joined by `/`.
/// 2. A component that is ordinary valid UTF-8 is kept byte for byte. One that is not valid
///    UTF-8, holds a control character, starts with `%%`, or (last component only) looks like a
///    shortened key's tail, is escaped: `%%` + its bytes with invalid bytes, controls, `%` and `~`
///    written `%XX`. E.g. `caf\xE9.md` → `%%caf%E9.md`. See `KeyEncoding` for why this is
///    bijective.
/// 3. A key over 128 UTF-8 bytes (the API says 128 characters; bytes are never fewer, so this is
///    the conservative reading) is shortened to `head~hhhhhhhhhhhhhhhh.ext`: the longest start of
///    the full key that fits, `~`, the first 16 hex digits of the SHA-256 of the full key, and the
///    file's extension (kept so the service still detects the type). The full key is sent as
///    upload metadata under `pathMetadataField`, and the key always keeps the whole prefix.
///
/// `path(for:)` inverts rules 1–2 exactly and refuses any key the mapper would not produce; a
/// shortened key is resolved only through its metadata (or the caller's state records).
///
/// Keys compare by bytes (see `ItemKey`), so the NFC and NFD spellings of `café.md`, two files
/// on Linux, get two keys and two items; neither is a conflict.
public struct KeyMapper: Hashable, Sendable {
    /// The API's limit on a key, applied to UTF-8 bytes (which also bounds characters).
    public static let maximumKeyLength = 128
    /// A prefix may use at most this many bytes, so a shortened key keeps it whole with room for
    /// a readable part of the path.
    public static let maximumPrefixLength = 64
    /// The upload metadata field holding the full key of a shortened key. The instance must
    /// declare it as a `text` custom metadata field for the service to keep it.
    public static let pathMetadataField = "aisearch_sync_path"
    /// Starts every escaped component.
    public static let escapeMarker = "%%"

    /// The normalised prefix: empty, or components joined by `/` with one trailing `/`.
    public let prefix: String
    private let prefixBytes: [UInt8]

    /// `prefix` is normalised: `docs`, `/docs/` and `docs//` all become `docs/`.
    /// Throws when it has a `.` or `..` component, control characters, a component starting with
    /// `%%`, or more than `maximumPrefixLength` bytes.
    public init(prefix: String = "") throws(KeyMapperError) {
        let components = prefix.utf8.split(separator: KeyEncoding.slash)
        for component in components {
            let text = String(decoding: component, as: UTF8.self)
            if text == "." || text == ".." {
                throw .invalidPrefix(prefix, reason: "'.' and '..' are not allowed; use plain folder names like docs/")
            }
            if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw .invalidPrefix(prefix, reason: "control characters are not allowed")
            }
            if component.starts(with: KeyEncoding.marker) {
                throw .invalidPrefix(prefix, reason: "a folder name may not start with %% (reserved for escaped names)")
            }
        }
        let normalised = components.isEmpty ? [] : Array(components.joined(separator: [KeyEncoding.slash])) + [KeyEncoding.slash]
        guard normalised.count <= Self.maximumPrefixLength else {
            throw .invalidPrefix(prefix, reason: "it is \(normalised.count) bytes; at most \(Self.maximumPrefixLength) are allowed")
        }
        prefixBytes = normalised
        self.prefix = String(decoding: normalised, as: UTF8.self)
    }

    /// The key of `relativePath` (a path below the root, e.g. `guides/setup.md`).
    public func key(for relativePath: FilePathBytes) throws(KeyMapperError) -> ItemKey {
        try mapping(for: relativePath).key
    }

    /// The key of `relativePath` and, when it had to be shortened, the full key behind it.
    public func mapping(for relativePath: FilePathBytes) throws(KeyMapperError) -> KeyMapping {
        let full = try fullKeyBytes(for: relativePath)
        let fullKey = String(decoding: full, as: UTF8.self)
        guard full.count > Self.maximumKeyLength else { return KeyMapping(key: ItemKey(fullKey), fullKey: fullKey) }
        let short = KeyEncoding.shortened(full, limit: Self.maximumKeyLength)
        return KeyMapping(key: ItemKey(String(decoding: short, as: UTF8.self)), fullKey: fullKey)
    }

    /// The metadata that records `fullKey` with an upload under a shortened key.
    public static func metadataForLongKey(fullKey: String) -> [String: String] {
        [pathMetadataField: fullKey]
    }

    /// Whether `key` has the shape of a shortened key (`…~` + 16 hex + extension). Unshortened
    /// keys never do: a name of that shape is escaped.
    public func isShortened(_ key: ItemKey) -> Bool {
        KeyEncoding.looksShortened(lastComponent: KeyEncoding.lastComponent(of: Array(key.rawValue.utf8)))
    }

    /// The relative path whose key is `key`, or nil when `key` is shortened (use
    /// `path(for:metadata:)`), lies outside the prefix, or is not a key this mapper produces.
    public func path(for key: ItemKey) -> FilePathBytes? {
        guard !isShortened(key), let path = path(forFullKey: key.rawValue),
              let mapped = try? self.key(for: path), mapped.rawValue.hasSameUTF8(as: key.rawValue) else { return nil }
        return path
    }

    /// Like `path(for:)`, and resolves a shortened key through the full key in `metadata`
    /// (`pathMetadataField`), accepted only if it maps back to exactly `key`.
    public func path(for key: ItemKey, metadata: [String: String]) -> FilePathBytes? {
        guard isShortened(key) else { return path(for: key) }
        guard let fullKey = metadata[Self.pathMetadataField], let path = path(forFullKey: fullKey),
              let mapped = try? self.key(for: path), mapped.rawValue.hasSameUTF8(as: key.rawValue) else { return nil }
        return path
    }

    /// The relative path behind an unshortened full key (of any length), or nil when the mapper
    /// would not produce `fullKey`.
    public func path(forFullKey fullKey: String) -> FilePathBytes? {
        let bytes = Array(fullKey.utf8)
        guard bytes.starts(with: prefixBytes), bytes.count > prefixBytes.count else { return nil }
        var path: [UInt8] = []
        for (index, component) in bytes[prefixBytes.count...].split(separator: KeyEncoding.slash, omittingEmptySubsequences: false).enumerated() {
            if index > 0 { path.append(KeyEncoding.slash) }
            if component.starts(with: KeyEncoding.marker) {
                guard let decoded = KeyEncoding.decodeEscaped(component.dropFirst(KeyEncoding.marker.count)) else { return nil }
                path.append(contentsOf: decoded)
            } else {
                path.append(contentsOf: component)
            }
        }
        guard !path.contains(0) else { return nil }
        let candidate = FilePathBytes(path)
        // Only the canonical spelling decodes: `%%` on a name that needs no escape, `%41` for
        // `A`, or a decoded `/` would all re-encode differently.
        guard let again = try? fullKeyBytes(for: candidate), again == bytes else { return nil }
        return candidate
    }

    /// Maps every path; paths sharing a key are reported as conflicts and get no key.
    public func mapAll(_ paths: [FilePathBytes]) -> KeyMappingResult {
        let each = mapEach(paths)
        var mappings: [FilePathBytes: KeyMapping] = [:]
        mappings.reserveCapacity(paths.count)
        for (path, mapping) in zip(paths, each.mappings) { if let mapping { mappings[path] = mapping } }
        return KeyMappingResult(mappings: mappings, conflicts: each.conflicts, invalid: each.invalid)
    }

    /// Like `mapAll`, with the mappings in the order of `paths` (nil for a conflicting or invalid
    /// path) instead of a table by path: what a full scan needs, at a fraction of the memory.
    ///
    /// Only shortened keys can be shared (an unshortened key is its escaped path, one per path,
    /// and never has the shortened shape), so only they are grouped to find conflicts: no second
    /// table of every key at 100,000 files.
    public func mapEach(_ paths: [FilePathBytes]) -> (mappings: [KeyMapping?], conflicts: [KeyConflict], invalid: [FilePathBytes: KeyMapperError]) {
        var mappings: [KeyMapping?] = []
        mappings.reserveCapacity(paths.count)
        var invalid: [FilePathBytes: KeyMapperError] = [:]
        var positionsByShortenedKey: [ItemKey: [Int]] = [:]
        for path in paths {
            do {
                let mapping = try mapping(for: path)
                if mapping.isShortened { positionsByShortenedKey[mapping.key, default: []].append(mappings.count) }
                mappings.append(mapping)
            } catch {
                invalid[path] = error
                mappings.append(nil)
            }
        }
        var conflicts: [KeyConflict] = []
        for (key, positions) in positionsByShortenedKey {
            let distinct = Set(positions.map { paths[$0] })
            guard distinct.count > 1 else { continue }
            for position in positions { mappings[position] = nil }
            conflicts.append(KeyConflict(key: key, paths: Array(distinct)))
        }
        conflicts.sort { $0.paths[0] < $1.paths[0] }
        return (mappings, conflicts, invalid)
    }

    private func fullKeyBytes(for relativePath: FilePathBytes) throws(KeyMapperError) -> [UInt8] {
        var key = prefixBytes
        key.reserveCapacity(prefixBytes.count + relativePath.bytes.count)
        try forEachComponent(of: relativePath) { component, isFirst, isLast in
            if !isFirst { key.append(KeyEncoding.slash) }
            KeyEncoding.append(component: component, isLast: isLast, to: &key)
        }
        return key
    }

    /// Calls `body` with the unshortened key of `relativePath` as bytes (nil when the key would be
    /// shortened or the path is not one the mapper takes). A path whose every component is its
    /// own key form (nearly every path) is joined to the prefix in a stack buffer: a walk asks
    /// this for every file, and an array per file was a tenth of its time.
    func withUnshortenedKeyBytes<Result>(for relativePath: FilePathBytes,
                                         _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let path = relativePath.bytes
        let length = prefixBytes.count + path.count
        var plain = length <= Self.maximumKeyLength
        if plain {
            do {
                try forEachComponent(of: relativePath) { component, _, isLast in
                    if KeyEncoding.needsEscape(component, isLast: isLast) { plain = false }
                }
            } catch {
                return nil
            }
        }
        guard plain else {
            guard let full = try? fullKeyBytes(for: relativePath), full.count <= Self.maximumKeyLength else { return nil }
            return full.withUnsafeBufferPointer(body)
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            _ = buffer.initialize(from: prefixBytes)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[prefixBytes.count...]).initialize(from: path)
            return body(UnsafeBufferPointer(buffer))
        }
    }

    /// Each component of `relativePath`, without splitting it into an array first; a path with
    /// an empty, `.` or `..` component is thrown back.
    private func forEachComponent(of relativePath: FilePathBytes,
                                  _ body: (ArraySlice<UInt8>, _ isFirst: Bool, _ isLast: Bool) -> Void) throws(KeyMapperError) {
        let path = relativePath.bytes
        var start = path.startIndex
        while true {
            let end = path[start...].firstIndex(of: KeyEncoding.slash) ?? path.endIndex
            let component = path[start..<end]
            if component.isEmpty || (component.count <= 2 && component.allSatisfy { $0 == KeyEncoding.dot }) {
                throw .invalidRelativePath(relativePath)
            }
            body(component, start == path.startIndex, end == path.endIndex)
            if end == path.endIndex { return }
            start = end + 1
        }
    }
}

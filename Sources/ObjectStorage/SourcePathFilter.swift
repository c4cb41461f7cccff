import AISearchAPI

/// The path filter of an instance with an external source: `source_params.include_items` and
/// `source_params.exclude_items`, each a list of glob strings (the SDKs' `SourceParams`; the docs
/// allow at most 10 of each). The agent uses it to leave out files the instance would not index,
/// the emulator to skip objects when a job crawls its bucket: one reading for both.
///
/// The documented semantics (developers.cloudflare.com/ai-search/configuration/indexing/path-filtering):
/// - an item matching any exclude pattern is skipped; then, when include patterns exist, an item
///   matching none of them is skipped; everything else is indexed. No patterns: all indexed.
/// - patterns are case-sensitive and match the whole path: `*` matches any characters except
///   `/`, `**` any characters including `/` (micromatch), so `docs/*` matches `docs/a.md` but
///   neither `site/docs/a.md` nor `docs/sub/a.md`. `?`, `:`, `=`, `&` and `%` are listed as
///   characters a pattern may contain, so they are literal here (in micromatch `?` is a wildcard).
///
/// Where the docs leave a choice, ours:
/// - `**/` also matches no directory at all (micromatch does: `**/*.tmp` matches `a.tmp`).
/// - **The leading slash.** The docs' R2 examples write object paths with one (`/docs/**` indexes
///   `/docs/guide.md`) while R2 keys have none (`docs/guide.md`), and their other examples match
///   `docs/*` against `docs/file.pdf`. So a key matches a pattern when the pattern matches the key
///   or the key with a `/` in front: `/docs/**` and `docs/**` both match the key `docs/guide.md`.
/// - Patterns see the whole object key, `source_params.prefix` included.
public struct SourcePathFilter: Sendable, Hashable, CustomStringConvertible {
    public var include: [String]
    public var exclude: [String]

    /// What the instance does with one key.
    public enum Decision: Sendable, Hashable {
        case indexed
        /// Matched this exclude pattern (the service logs `Skipped by rule: {pattern}`).
        case excluded(pattern: String)
        /// Include patterns exist and none matched (`Skipped by Include Rules`).
        case notIncluded
    }

    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// The filter an instance's `source_params` object describes; empty when it has none.
    /// Entries that are not strings are dropped (the service refuses them at create).
    public init(sourceParams: JSONValue?) {
        func strings(_ name: String) -> [String] {
            guard case .array(let values)? = sourceParams?.objectValue?[name] else { return [] }
            return values.compactMap(\.stringValue)
        }
        self.init(include: strings("include_items"), exclude: strings("exclude_items"))
    }

    public var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    public func decision(forKey key: String) -> Decision {
        if let pattern = exclude.first(where: { Self.matches(pattern: $0, key: key) }) { return .excluded(pattern: pattern) }
        if !include.isEmpty, !include.contains(where: { Self.matches(pattern: $0, key: key) }) { return .notIncluded }
        return .indexed
    }

    public func isIndexed(key: String) -> Bool { decision(forKey: key) == .indexed }

    public var description: String {
        var parts: [String] = []
        if !include.isEmpty { parts.append("include_items \(include.map { "\"\($0)\"" }.joined(separator: ", "))") }
        if !exclude.isEmpty { parts.append("exclude_items \(exclude.map { "\"\($0)\"" }.joined(separator: ", "))") }
        return parts.isEmpty ? "no path filter" : parts.joined(separator: "; ")
    }

    /// Whether `pattern` matches `key` or `/` + `key` (see the type's description).
    public static func matches(pattern: String, key: String) -> Bool {
        let tokens = GlobToken.parse(Array(pattern.utf8))
        let bytes = Array(key.utf8)
        return GlobToken.matches(tokens, bytes) || GlobToken.matches(tokens, [UInt8(ascii: "/")] + bytes)
    }
}

/// One piece of a compiled pattern.
enum GlobToken: Equatable {
    case literal(UInt8)
    /// `*`: any run of bytes without `/`.
    case star
    /// `**` not followed by `/`: any run of bytes.
    case globstar
    /// `**/`: nothing, or any run of bytes that ends in `/` (zero or more whole directories).
    case directories

    static func parse(_ pattern: [UInt8]) -> [GlobToken] {
        let star = UInt8(ascii: "*"), slash = UInt8(ascii: "/")
        var tokens: [GlobToken] = []
        var index = 0
        while index < pattern.count {
            if pattern[index] == star, index + 1 < pattern.count, pattern[index + 1] == star {
                if index + 2 < pattern.count, pattern[index + 2] == slash {
                    tokens.append(.directories)
                    index += 3
                } else {
                    tokens.append(.globstar)
                    index += 2
                }
            } else {
                tokens.append(pattern[index] == star ? .star : .literal(pattern[index]))
                index += 1
            }
        }
        return tokens
    }

    /// Whole-text match, by memoised search over (token, byte) positions: linear in their product,
    /// never exponential however many stars a pattern has.
    static func matches(_ tokens: [GlobToken], _ text: [UInt8]) -> Bool {
        let width = text.count + 1
        // 0: not computed, 1: no match, 2: match.
        var memo = [UInt8](repeating: 0, count: (tokens.count + 1) * width)
        func match(_ token: Int, _ position: Int) -> Bool {
            let slot = token * width + position
            if memo[slot] != 0 { return memo[slot] == 2 }
            let result: Bool
            if token == tokens.count {
                result = position == text.count
            } else {
                switch tokens[token] {
                case .literal(let byte):
                    result = position < text.count && text[position] == byte && match(token + 1, position + 1)
                case .star:
                    var end = position
                    var found = match(token + 1, end)
                    while !found, end < text.count, text[end] != UInt8(ascii: "/") {
                        end += 1
                        found = match(token + 1, end)
                    }
                    result = found
                case .globstar:
                    result = (position...text.count).contains { match(token + 1, $0) }
                case .directories:
                    result = match(token + 1, position)
                        || (position..<text.count).contains { text[$0] == UInt8(ascii: "/") && match(token + 1, $0 + 1) }
                }
            }
            memo[slot] = result ? 2 : 1
            return result
        }
        return match(0, 0)
    }
}

import LinuxSystem

/// One line of a gitignore-syntax file, parsed: the glob, and how it is applied.
/// Semantics follow git's `gitignore(5)` and `wildmatch.c` (with `WM_PATHNAME`), on raw bytes.
struct IgnorePattern: Hashable, Sendable {
    /// The glob, without the `!`, the leading `/` and the trailing `/`; escapes kept for the matcher.
    var glob: [UInt8]
    /// `!pattern`: a match re-includes the path.
    var isNegation: Bool
    /// `pattern/`: matches directories only.
    var isDirectoryOnly: Bool
    /// A `/` at the start or in the middle: matched against the whole path below the rule file's
    /// directory; otherwise against the last component at any depth.
    var isAnchored: Bool
    /// How the glob is tested. Most lines are a plain name, `*suffix` or `prefix*` (every built-in
    /// rule but one): those are compared directly instead of through `Wildmatch`, which a walk
    /// ran a dozen times for every file.
    private var shape: Shape

    private enum Shape: Hashable, Sendable {
        /// No wildcard or escape: the glob's bytes exactly.
        case literal
        /// `*` then plain bytes, on a last component (which holds no `/` for the star to refuse).
        case suffix([UInt8])
        /// Plain bytes then `*`, on a last component.
        case prefix([UInt8])
        case glob
    }

    /// Parses one line; nil for blank lines and comments.
    init?(line rawLine: some Collection<UInt8>) {
        var line = Array(rawLine)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        // Trailing spaces are dropped unless escaped with a backslash.
        while line.last == UInt8(ascii: " ") {
            let backslashes = line.dropLast().reversed().prefix { $0 == UInt8(ascii: "\\") }.count
            if backslashes % 2 == 1 { break }
            line.removeLast()
        }
        if line.isEmpty || line.first == UInt8(ascii: "#") { return nil }
        isNegation = line.first == UInt8(ascii: "!")
        if isNegation { line.removeFirst() }
        isDirectoryOnly = line.last == UInt8(ascii: "/")
        while line.last == UInt8(ascii: "/") { line.removeLast() }
        if line.isEmpty { return nil }
        isAnchored = line.contains(UInt8(ascii: "/"))
        if line.first == UInt8(ascii: "/") { line.removeFirst() }
        glob = line
        shape = Self.shape(of: line, isAnchored: isAnchored)
    }

    private static func shape(of glob: [UInt8], isAnchored: Bool) -> Shape {
        let isPlain = { (bytes: ArraySlice<UInt8>) in
            !bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
        }
        if isPlain(glob[...]) { return .literal }
        guard !isAnchored else { return .glob }
        if glob.first == UInt8(ascii: "*"), isPlain(glob.dropFirst()) { return .suffix(Array(glob.dropFirst())) }
        if glob.last == UInt8(ascii: "*"), isPlain(glob.dropLast()) { return .prefix(Array(glob.dropLast())) }
        return .glob
    }

    /// Whether the pattern matches `path` (relative to the rule file's directory, no leading `/`).
    func matches(_ path: [UInt8], isDirectory: Bool) -> Bool {
        path.withUnsafeBufferPointer { matches($0, isDirectory: isDirectory) }
    }

    func matches(_ path: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> Bool {
        if isDirectoryOnly && !isDirectory { return false }
        let text = isAnchored ? path : path.lastIndex(of: UInt8(ascii: "/")).map { UnsafeBufferPointer(rebasing: path[($0 + 1)...]) } ?? path
        switch shape {
        case .literal: return text.elementsEqual(glob)
        case .suffix(let suffix): return text.count >= suffix.count && text.suffix(suffix.count).elementsEqual(suffix)
        case .prefix(let prefix): return text.count >= prefix.count && text.prefix(prefix.count).elementsEqual(prefix)
        case .glob: return Wildmatch.matches(glob, text)
        }
    }
}

/// git's `wildmatch` with `WM_PATHNAME`: `*` and `?` and `[...]` never match `/`; `**` between
/// slashes (or at either end) matches any number of whole directories.
enum Wildmatch {
    private static let slash = UInt8(ascii: "/")
    private static let star = UInt8(ascii: "*")
    private static let backslash = UInt8(ascii: "\\")

    static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { matches(pattern, $0) }
    }

    static func matches(_ pattern: [UInt8], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        match(pattern, 0, text, 0) == .matched
    }

    private enum Outcome { case matched, failed, abortAll, abortToDoubleStar }

    private static func match(_ p: [UInt8], _ startP: Int, _ t: UnsafeBufferPointer<UInt8>, _ startT: Int) -> Outcome {
        var pi = startP
        var ti = startT
        while pi < p.count {
            let pc = p[pi]
            if ti >= t.count && pc != star { return .abortAll }
            switch pc {
            case backslash:
                pi += 1
                guard pi < p.count, p[pi] == t[ti] else { return .failed }
            case UInt8(ascii: "?"):
                if t[ti] == slash { return .failed }
            case star:
                var matchesSlash = false
                pi += 1
                if pi < p.count && p[pi] == star {
                    let before = pi - 2
                    while pi < p.count && p[pi] == star { pi += 1 }
                    if (before < 0 || p[before] == slash) && (pi == p.count || p[pi] == slash) {
                        // "**/" may match zero directories.
                        if pi < p.count && match(p, pi + 1, t, ti) == .matched { return .matched }
                        matchesSlash = true
                    }
                }
                if pi == p.count {
                    // A trailing "**" matches everything, a trailing "*" the rest of one component.
                    return matchesSlash || !t[ti...].contains(slash) ? .matched : .failed
                }
                if !matchesSlash && p[pi] == slash {
                    // "*/": the star eats the rest of this component; the slash is matched next.
                    guard let next = t[ti...].firstIndex(of: slash) else { return .failed }
                    ti = next
                    break
                }
                while ti < t.count {
                    let outcome = match(p, pi, t, ti)
                    if outcome != .failed {
                        if !matchesSlash || outcome != .abortToDoubleStar { return outcome }
                    } else if !matchesSlash && t[ti] == slash {
                        return .abortToDoubleStar
                    }
                    ti += 1
                }
                return .abortAll
            case UInt8(ascii: "["):
                guard let (matched, closing) = bracket(p, pi, t[ti]) else { return .abortAll }
                if !matched || t[ti] == slash { return .failed }
                pi = closing
            default:
                if t[ti] != pc { return .failed }
            }
            pi += 1
            ti += 1
        }
        return ti == t.count ? .matched : .failed
    }

    /// Evaluates the bracket expression opening at `p[start]` against `c` (git's rules: the first
    /// member may be `]`, `!` or `^` negates); returns whether it matched and the index of its
    /// closing `]`, or nil when the bracket is never closed.
    private static func bracket(_ p: [UInt8], _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        guard i < p.count else { return nil }
        var negated = false
        if p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") { negated = true; i += 1 }
        var matched = false
        var previous: UInt8? = nil
        repeat {
            guard i < p.count else { return nil }
            var ch: UInt8? = p[i]
            if p[i] == backslash {
                i += 1
                guard i < p.count else { return nil }
                ch = p[i]
                if p[i] == c { matched = true }
            } else if p[i] == UInt8(ascii: "-"), let low = previous, i + 1 < p.count, p[i + 1] != UInt8(ascii: "]") {
                i += 1
                if p[i] == backslash {
                    i += 1
                    guard i < p.count else { return nil }
                }
                if low <= c && c <= p[i] { matched = true }
                ch = nil
            } else if p[i] == UInt8(ascii: "["), i + 1 < p.count, p[i + 1] == UInt8(ascii: ":"),
                      let close = closingOfClass(p, from: i + 2) {
                if characterClass(String(decoding: p[(i + 2)..<close], as: UTF8.self), contains: c) { matched = true }
                i = close + 1  // the class's own "]"
                ch = nil
            } else if p[i] == c {
                matched = true
            }
            previous = ch
            i += 1
        } while i >= p.count || p[i] != UInt8(ascii: "]")
        return (matched != negated, i)
    }

    private static func closingOfClass(_ p: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 1 < p.count {
            if p[i] == UInt8(ascii: ":") && p[i + 1] == UInt8(ascii: "]") { return i }
            if p[i] == UInt8(ascii: "]") { return nil }
            i += 1
        }
        return nil
    }

    private static func characterClass(_ name: String, contains c: UInt8) -> Bool {
        let isUpper = (0x41...0x5A).contains(c), isLower = (0x61...0x7A).contains(c)
        let isDigit = (0x30...0x39).contains(c)
        switch name {
        case "alnum": return isUpper || isLower || isDigit
        case "alpha": return isUpper || isLower
        case "digit": return isDigit
        case "lower": return isLower
        case "upper": return isUpper
        case "xdigit": return isDigit || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
        case "space": return c == 0x20 || (0x09...0x0D).contains(c)
        case "blank": return c == 0x20 || c == 0x09
        case "cntrl": return c < 0x20 || c == 0x7F
        case "punct": return (0x21...0x7E).contains(c) && !(isUpper || isLower || isDigit)
        case "graph": return (0x21...0x7E).contains(c)
        case "print": return (0x20...0x7E).contains(c)
        default: return false
        }
    }
}

/// "Did you mean" suggestions for unknown options and commands.
enum ClosestMatch {
    /// The candidate nearest to `typed`, if it is near enough to be a plausible typo: within an
    /// edit distance of a third of its length (at least 1, at most 3; a swap of two neighbouring
    /// letters counts as one edit), or the only candidate `typed` is a prefix of. Ties go to the
    /// earlier candidate, so suggestions are stable.
    static func find(_ typed: String, among candidates: [String]) -> String? {
        let typedCharacters = Array(typed)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != typed {
            let distance = editDistance(typedCharacters, Array(candidate))
            let limit = min(3, max(1, candidate.count / 3))
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        if let best { return best.candidate }
        let prefixed = candidates.filter { typed.count >= 2 && $0.hasPrefix(typed) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost 1.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}

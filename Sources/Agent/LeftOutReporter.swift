import Observability
import SyncCore

/// Files left out of a scan, grouped by reason: what the default output level shows instead of
/// one line per file (`left out: 515 files of a type AI Search does not index (.exe, .bin),
/// e.g. a.exe, b.bin, c.exe; -v lists every file`). `sync`, `plan`, `status` and `watch`'s log
/// all word it the same way.
public struct LeftOutSummary: Sendable, Equatable {
    /// The files left out for one reason (`IneligibilityReason.code`).
    public struct Group: Sendable, Equatable {
        /// The reason's stable word: `unsupported_type`, `too_large`, `ignored`, …
        public var code: String
        /// Every file, in the order the scan found them.
        public var entries: [Entry]

        public var count: Int { entries.count }

        /// One line: the count, the reason in words, up to `examples` keys.
        public func line(examples: Int = 3) -> String {
            let noun = count == 1 ? "file" : "files"
            let shown = entries.prefix(examples).map(\.key.rawValue).joined(separator: ", ")
            let more = count > examples ? " and \(count - examples) more (-v lists every file)" : ""
            return "left out: \(count) \(noun) \(phrase): \(shown)\(more)"
        }

        /// The reason in words, with what the files share (the extensions, the size limit).
        var phrase: String {
            switch code {
            case "unsupported_type":
                var extensions: [String] = []
                for entry in entries {
                    guard case .unsupportedType(let ext) = entry.reason else { continue }
                    let word = ext.isEmpty ? "no extension" : "." + ext
                    if !extensions.contains(word) { extensions.append(word) }
                }
                let listed = extensions.prefix(4).joined(separator: ", ") + (extensions.count > 4 ? ", …" : "")
                return "of a type AI Search does not index (\(listed))"
            case "too_large":
                if case .tooLarge(_, let limit) = entries.first?.reason { return "over the API's limit of \(limit) bytes" }
                return "too large"
            case "ignored": return "matched an ignore rule"
            case "unreadable": return "could not be read"
            case "not_regular_file": return "not regular files"
            case "key_conflict": return "mapped to a key another file has"
            default: return code
            }
        }
    }

    /// One file left out.
    public struct Entry: Sendable, Equatable {
        public var key: ItemKey
        public var reason: IneligibilityReason

        public init(key: ItemKey, reason: IneligibilityReason) {
            self.key = key
            self.reason = reason
        }
    }

    /// The groups, the largest first (ties by reason word).
    public var groups: [Group]

    /// Every file left out.
    public var count: Int { groups.reduce(0) { $0 + $1.count } }
    public var isEmpty: Bool { groups.isEmpty }

    public init(_ entries: [Entry]) {
        var byCode: [String: [Entry]] = [:]
        for entry in entries { byCode[entry.reason.code, default: []].append(entry) }
        groups = byCode.map { Group(code: $0.key, entries: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }

    /// The files a plan leaves out.
    public init(plan: SyncPlan) {
        self.init(plan.skips.compactMap { skip in
            guard case .ineligible(let reason) = skip.reason else { return nil }
            return Entry(key: skip.key, reason: reason)
        })
    }

    /// One line per reason.
    public func lines(examples: Int = 3) -> [String] { groups.map { $0.line(examples: examples) } }
}

/// Reports files that watching leaves out (too large, a FIFO, unreadable, a key conflict,
/// ignored) as they are found: one summary record per reason and scan at the default level
/// (notice; ignored files at debug), and one record per file at debug. A file counts again only
/// when its reason changes, or after it was eligible in between.
struct LeftOutReporter {
    /// The reason last reported, by key.
    private var reported: [ItemKey: String] = [:]

    mutating func report(_ round: SyncEngine.Round, isFull: Bool, logger: Logger) {
        var seen = Set<ItemKey>()
        var fresh: [LeftOutSummary.Entry] = []
        for skip in round.plan.skips {
            guard case .ineligible(let reason) = skip.reason else { continue }
            seen.insert(skip.key)
            let text = "\(reason)"
            guard reported[skip.key] != text else { continue }
            reported[skip.key] = text
            fresh.append(LeftOutSummary.Entry(key: skip.key, reason: reason))
            logger.debug(.fileSkipped, "left out \(skip.key): \(reason)", key: skip.key.description,
                         fields: ["reason": .string(reason.code)])
        }
        for group in LeftOutSummary(fresh).groups {
            logger.log(group.code == "ignored" ? .debug : .notice, .filesLeftOut, group.line(),
                       fields: ["reason": .string(group.code), "count": .int(group.count),
                                "examples": .string(group.entries.prefix(3).map(\.key.rawValue).joined(separator: ", "))])
        }
        if isFull {
            // Whatever a full round did not leave out is eligible (or gone) now.
            reported = reported.filter { seen.contains($0.key) }
        } else {
            for file in round.snapshot.files where file.eligibility == .eligible { reported[file.key] = nil }
        }
    }
}

import AISearchAPI
import LinuxSystem

/// Reads a state snapshot's JSON body (the format `StateFileWriter` writes) straight into a
/// `SyncState`: one pass over the bytes, each row turned into its entry as it is read.
///
/// Why not `JSONDecoder`: on a 100,000-row table it builds a Foundation object for every value
/// first, which set the agent's peak memory and most of a warm start's CPU. This reader accepts
/// any valid JSON for the fields it does not know (skipped), and reports anything malformed as a
/// `StateFileProblem.corrupt` naming where.
struct StateBodyReader {
    /// A scalar of a row.
    enum Scalar: Equatable {
        case string(String)
        case integer(Int64)
        case null
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    static func read(_ body: ArraySlice<UInt8>) throws(StateFileProblem) -> (state: SyncState, generation: Int) {
        var reader = StateBodyReader(body)
        return try reader.readBody()
    }

    private mutating func readBody() throws(StateFileProblem) -> (state: SyncState, generation: Int) {
        var account: String?, namespace: String?, instance: String?, checksumKind: InstanceChecksumKind?
        var written: Int64?, generation = 0
        var fingerprint: RemoteFingerprint?
        var columns: [String: [String]] = [:]
        var entries: [ItemKey: StateEntry] = [:]
        var pending: [PendingOperation] = []
        var terminal: [TerminalFailure] = []
        try expect(UInt8(ascii: "{"))
        var first = true
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; break }
            if !first { try expect(UInt8(ascii: ",")) }
            first = false
            let name = try readString()
            try expect(UInt8(ascii: ":"))
            switch name {
            case "account": account = try readString()
            case "namespace": namespace = try readString()
            case "instance": instance = try readString()
            case "written_at_ns": written = try readOptionalInteger()
            case "generation": generation = Int(try readOptionalInteger() ?? 0)
            case "checksum_kind":
                let text = try readString()
                guard let kind = InstanceChecksumKind(rawValue: text) else { throw .corrupt("unknown checksum kind \(text)") }
                checksumKind = kind
            case "remote_fingerprint": fingerprint = try readFingerprint()
            case "entry_columns", "pending_columns", "terminal_columns": columns[name] = try readStringArray()
            case "entries":
                guard columns["entry_columns"] == StateFileCodec.entryColumns else { throw .corrupt("unexpected column layout") }
                try readRows { (row) throws(StateFileProblem) in
                    let (key, entry) = try Self.entry(row)
                    entries[key] = entry
                }
            case "pending":
                guard columns["pending_columns"] == StateFileCodec.pendingColumns else { throw .corrupt("unexpected column layout") }
                try readRows { (row) throws(StateFileProblem) in pending.append(try Self.pending(row)) }
            case "terminal":
                guard columns["terminal_columns"] == StateFileCodec.terminalColumns else { throw .corrupt("unexpected column layout") }
                try readRows { (row) throws(StateFileProblem) in terminal.append(try Self.terminal(row)) }
            default:
                try skipValue()
            }
        }
        skipWhitespace()
        guard index == bytes.endIndex else { throw .corrupt("the body does not parse: data after the object") }
        guard let account, let namespace, let instance, let checksumKind else { throw .corrupt("the body does not parse: missing field") }
        guard columns.count == 3 else { throw .corrupt("unexpected column layout") }
        var journal = OperationJournal()
        journal.restore(pending: pending, terminalFailures: terminal)
        var state = SyncState(scope: StateScope(account: account, namespace: namespace, instance: instance), checksumKind: checksumKind,
                              entries: entries, journal: journal, lastWriteNanoseconds: written)
        state.remoteFingerprint = fingerprint
        return (state, generation)
    }

    // MARK: Rows

    private static func entry(_ row: [Scalar]) throws(StateFileProblem) -> (ItemKey, StateEntry) {
        guard row.count == StateFileCodec.entryColumns.count, case .string(let keyText) = row[0], case .string(let pathText) = row[1] else {
            throw .corrupt("an entry row does not have the documented columns")
        }
        let key = ItemKey(keyText)
        guard let path = PathEscaping.unescape(pathText) else { throw .corrupt("bad path escape in \(key)") }
        var identity: FileIdentity?
        if case .integer(let device) = row[2], case .integer(let inode) = row[3], case .integer(let size) = row[4],
           case .integer(let modified) = row[5], case .integer(let changed) = row[6] {
            identity = FileIdentity(device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode), size: size,
                                    modificationTimeNanoseconds: modified, changeTimeNanoseconds: changed)
        }
        let sha256 = try digest(row[7], key: key)
        var remote: RemoteRecord?
        if case .string(let itemID) = row[8] {
            guard case .string(let checksum) = row[9], case .string(let statusText) = row[10], let status = Item.Status(rawValue: statusText),
                  let content = try digest(row[11], key: key) ?? sha256, case .integer(let attempts) = row[12] else {
                throw .corrupt("incomplete remote record for \(key)")
            }
            remote = RemoteRecord(itemID: itemID, checksum: checksum, status: status, contentSHA256: content, reindexAttempts: Int(attempts))
        }
        return (key, StateEntry(path: path, identity: identity, sha256: sha256, remote: remote))
    }

    private static func pending(_ row: [Scalar]) throws(StateFileProblem) -> PendingOperation {
        guard row.count == StateFileCodec.pendingColumns.count, case .string(let keyText) = row[0], case .string(let kindText) = row[1],
              case .integer(let attempts) = row[4], case .integer(let next) = row[5] else {
            throw .corrupt("a pending row does not have the documented columns")
        }
        let key = ItemKey(keyText)
        guard let kind = OperationKind(rawValue: kindText) else { throw .corrupt("unknown operation kind for \(key)") }
        return PendingOperation(key: key, kind: kind, contentSHA256: try digest(row[2], key: key), itemID: string(row[3]),
                                attempts: Int(attempts), nextAttemptNanoseconds: next, lastError: string(row[6]))
    }

    private static func terminal(_ row: [Scalar]) throws(StateFileProblem) -> TerminalFailure {
        guard row.count == StateFileCodec.terminalColumns.count, case .string(let keyText) = row[0], case .string(let kindText) = row[1],
              case .string(let message) = row[4], case .integer(let recorded) = row[5] else {
            throw .corrupt("a terminal row does not have the documented columns")
        }
        let key = ItemKey(keyText)
        guard let kind = OperationKind(rawValue: kindText) else { throw .corrupt("unknown operation kind for \(key)") }
        var status: Int?
        if case .integer(let value) = row[3] { status = Int(value) }
        return TerminalFailure(key: key, kind: kind, contentSHA256: try digest(row[2], key: key), httpStatus: status, message: message,
                               recordedAtNanoseconds: recorded)
    }

    private static func digest(_ value: Scalar, key: ItemKey) throws(StateFileProblem) -> SHA256Digest? {
        switch value {
        case .null: return nil
        case .string(let text):
            guard let digest = SHA256Digest(hex: text) else { throw .corrupt("bad SHA-256 for \(key)") }
            return digest
        case .integer: throw .corrupt("bad SHA-256 for \(key)")
        }
    }

    private static func string(_ value: Scalar) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// `[` rows `]`, each row `[` scalars `]`, handed to `body` one at a time.
    private mutating func readRows(_ body: ([Scalar]) throws(StateFileProblem) -> Void) throws(StateFileProblem) {
        try expect(UInt8(ascii: "["))
        var row: [Scalar] = []
        row.reserveCapacity(16)
        var first = true
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return }
            if !first { try expect(UInt8(ascii: ",")) }
            first = false
            try expect(UInt8(ascii: "["))
            row.removeAll(keepingCapacity: true)
            var firstValue = true
            while true {
                skipWhitespace()
                if peek() == UInt8(ascii: "]") { index += 1; break }
                if !firstValue { try expect(UInt8(ascii: ",")) }
                firstValue = false
                row.append(try readScalar())
            }
            try body(row)
        }
    }

    private mutating func readFingerprint() throws(StateFileProblem) -> RemoteFingerprint? {
        skipWhitespace()
        if peek() == UInt8(ascii: "n") { try expectLiteral("null"); return nil }
        try expect(UInt8(ascii: "{"))
        var total: Int64?, digestText: String?, fullAt: Int64?
        var first = true
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; break }
            if !first { try expect(UInt8(ascii: ",")) }
            first = false
            let name = try readString()
            try expect(UInt8(ascii: ":"))
            switch name {
            case "total": total = try readOptionalInteger()
            case "newest_sha256": if case .string(let text) = try readScalar() { digestText = text }
            case "full_at_ns": fullAt = try readOptionalInteger()
            default: try skipValue()
            }
        }
        guard let fullAt else { throw .corrupt("the remote fingerprint has no full_at_ns") }
        var evidence: RemoteFingerprint.Evidence?
        if let total, let digestText {
            guard let digest = SHA256Digest(hex: digestText) else { throw .corrupt("bad remote fingerprint digest") }
            evidence = RemoteFingerprint.Evidence(totalCount: Int(total), newestDigest: digest)
        }
        return RemoteFingerprint(evidence: evidence, fullComparisonAtNanoseconds: fullAt)
    }

    // MARK: Tokens

    private func peek() -> UInt8? { index < bytes.endIndex ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.endIndex, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(StateFileProblem) {
        skipWhitespace()
        guard peek() == byte else { throw problem("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(StateFileProblem) {
        skipWhitespace()
        let expected = literal.withUTF8Buffer { Array($0) }
        guard bytes.endIndex - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw problem("expected \(literal)")
        }
        index += expected.count
    }

    private mutating func readScalar() throws(StateFileProblem) -> Scalar {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: return .integer(try readInteger())
        }
    }

    private mutating func readOptionalInteger() throws(StateFileProblem) -> Int64? {
        skipWhitespace()
        if peek() == UInt8(ascii: "n") { try expectLiteral("null"); return nil }
        return try readInteger()
    }

    private mutating func readInteger() throws(StateFileProblem) -> Int64 {
        skipWhitespace()
        var negative = false
        if peek() == UInt8(ascii: "-") { negative = true; index += 1 }
        var magnitude: UInt64 = 0
        let start = index
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw problem("a number out of range") }
            magnitude = sum
            index += 1
        }
        guard index > start else { throw problem("expected a number") }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw problem("expected a whole number")
        }
        // Devices and inodes are written as unsigned 64-bit values: keep their bit pattern.
        return negative ? -Int64(truncatingIfNeeded: magnitude) : Int64(truncatingIfNeeded: magnitude)
    }

    private mutating func readString() throws(StateFileProblem) -> String {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw problem("expected a string") }
        index += 1
        let start = index
        // The common case: no escape, the bytes are the string.
        while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.endIndex else { throw problem("an unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var output = Array(bytes[start..<index])
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw problem("an unterminated string") }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "u"):
                    guard bytes.endIndex - index >= 4, let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw problem("a bad \\u escape") }
                    index += 4
                    output.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw problem("a bad escape")
                }
            default:
                output.append(byte)
            }
        }
        throw problem("an unterminated string")
    }

    private mutating func readStringArray() throws(StateFileProblem) -> [String] {
        try expect(UInt8(ascii: "["))
        var values: [String] = []
        var first = true
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return values }
            if !first { try expect(UInt8(ascii: ",")) }
            first = false
            values.append(try readString())
        }
    }

    /// Skips any JSON value (for fields a later version may add).
    private mutating func skipValue() throws(StateFileProblem) {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = peek() == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            index += 1
            var first = true
            while true {
                skipWhitespace()
                if peek() == close { index += 1; return }
                if !first { try expect(UInt8(ascii: ",")) }
                first = false
                if isObject {
                    _ = try readString()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue()
            }
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default:
            // A number, possibly with a fraction or exponent.
            let start = index
            while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || [UInt8(ascii: "-"), UInt8(ascii: "+"),
                  UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(byte) { index += 1 }
            guard index > start else { throw problem("expected a value") }
        }
    }

    private func problem(_ what: String) -> StateFileProblem {
        .corrupt("the body does not parse: \(what) at byte \(index - bytes.startIndex)")
    }
}

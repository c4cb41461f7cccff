import AISearchAPI
import Hashing
import LinuxSystem

/// Reads a state file body's `entries` table straight from the file's bytes into the state's
/// table, and hands the rest of the body (a few hundred bytes) to `JSONDecoder`.
///
/// The table is nearly the whole file, and Foundation's decoder first builds a tree of the whole
/// document, then the `[EntryRow]` array, then the table: at 20,000 keys that was 28 MiB of heap
/// for a 6 MB file, the agent's peak. This reader builds each `StateEntry` as it reaches its row
/// and keeps nothing else. It knows only the shapes the writer produces (strings, integers, null,
/// arrays of them) and refuses anything else as corrupt; other values are skipped with full JSON
/// syntax (strings with escapes, numbers, literals, nested arrays and objects).
struct StateRowReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Splits a body into its entries, read into a table, and the same object without them (its
    /// `entries` value replaced by `[]`), for `JSONDecoder`.
    static func split(body: ArraySlice<UInt8>) throws(StateFileProblem) -> (rest: [UInt8], entries: StateTable) {
        let result: Result<([UInt8], StateTable), StateFileProblem> = body.withUnsafeBufferPointer { buffer in
            var reader = StateRowReader(buffer)
            return Result { () throws(StateFileProblem) in try reader.splitObject() }
        }
        return try result.get()
    }

    private mutating func splitObject() throws(StateFileProblem) -> ([UInt8], StateTable) {
        var rest: [UInt8] = [UInt8(ascii: "{")]
        var entries: StateTable = [:]
        try expect(UInt8(ascii: "{"))
        var first = true
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}"), first { position += 1; break }
            let keyStart = position
            let name = try string()
            try expect(UInt8(ascii: ":"))
            if name == "entries" {
                entries = try entryTable()
            } else {
                skipWhitespace()
                try skipValue()
                if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
                rest.append(contentsOf: bytes[keyStart..<position])
            }
            first = false
            skipWhitespace()
            guard let next = peek() else { throw .corrupt("the body ends inside its object") }
            position += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { throw corrupt("expected , or }") }
        }
        skipWhitespace()
        guard position == bytes.count else { throw corrupt("text after the body's object") }
        if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
        rest.append(contentsOf: Array("\"entries\":[]}".utf8))
        return (rest, entries)
    }

    // MARK: - Rows

    private mutating func entryTable() throws(StateFileProblem) -> StateTable {
        var table: StateTable = [:]
        // One row per line (the writer's layout; a file without it only reads slower): sized
        // once from the lines left, instead of doubling through the load.
        var lines = 0
        for byte in UnsafeBufferPointer(rebasing: bytes[position...]) where byte == UInt8(ascii: "\n") { lines += 1 }
        table.reserveCapacity(lines + 1)
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { position += 1; return table }
        while true {
            let (key, entry) = try entryRow()
            table[key] = entry
            skipWhitespace()
            guard let next = peek() else { throw .corrupt("the entries end early") }
            position += 1
            if next == UInt8(ascii: "]") { return table }
            guard next == UInt8(ascii: ",") else { throw corrupt("expected , or ] between entries") }
        }
    }

    /// One row in `StateFileCodec.entryColumns` order.
    private mutating func entryRow() throws(StateFileProblem) -> (ItemKey, StateEntry) {
        try expect(UInt8(ascii: "["))
        let key = ItemKey(try string())
        try comma()
        guard let path = PathEscaping.unescape(try string()) else { throw .corrupt("bad path escape in \(key)") }
        try comma()
        let device: UInt64? = try optionalInteger(); try comma()
        let inode: UInt64? = try optionalInteger(); try comma()
        let size: Int64? = try optionalInteger(); try comma()
        let modified: Int64? = try optionalInteger(); try comma()
        let changed: Int64? = try optionalInteger(); try comma()
        let sha256 = try optionalDigest(key); try comma()
        let itemID = try optionalString(); try comma()
        let checksum = try optionalString(); try comma()
        let statusText = try optionalString(); try comma()
        let remoteDigest = try optionalDigest(key); try comma()
        let attempts: Int = try integer()
        try expect(UInt8(ascii: "]"))
        var identity: FileIdentity?
        if let device, let inode, let size, let modified, let changed {
            identity = FileIdentity(device: device, inode: inode, size: size,
                                    modificationTimeNanoseconds: modified, changeTimeNanoseconds: changed)
        }
        var remote: RemoteRecord?
        if let itemID {
            guard let checksum, let statusText, let status = Item.Status(rawValue: statusText), let content = remoteDigest ?? sha256 else {
                throw .corrupt("incomplete remote record for \(key)")
            }
            remote = RemoteRecord(itemID: itemID, checksum: checksum, status: status, contentSHA256: content, reindexAttempts: attempts)
        }
        return (key, StateEntry(path: path, identity: identity, sha256: sha256, remote: remote))
    }

    private mutating func optionalDigest(_ key: ItemKey) throws(StateFileProblem) -> SHA256Digest? {
        guard let text = try optionalString() else { return nil }
        guard let digest = SHA256Digest(hex: text) else { throw .corrupt("bad SHA-256 for \(key)") }
        return digest
    }

    // MARK: - Values

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func corrupt(_ what: String) -> StateFileProblem { .corrupt("\(what) at byte \(position) of the body") }

    private mutating func expect(_ byte: UInt8) throws(StateFileProblem) {
        skipWhitespace()
        guard peek() == byte else { throw corrupt("expected \(Character(Unicode.Scalar(byte)))") }
        position += 1
    }

    private mutating func comma() throws(StateFileProblem) { try expect(UInt8(ascii: ",")) }

    /// Consumes `null` if it comes next.
    private mutating func null() -> Bool {
        skipWhitespace()
        guard position + 4 <= bytes.count, bytes[position] == UInt8(ascii: "n"), bytes[position + 1] == UInt8(ascii: "u"),
              bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l") else { return false }
        position += 4
        return true
    }

    private mutating func optionalString() throws(StateFileProblem) -> String? {
        null() ? nil : try string()
    }

    private mutating func optionalInteger<Value: FixedWidthInteger>() throws(StateFileProblem) -> Value? {
        null() ? nil : try integer()
    }

    /// A JSON integer (no fraction or exponent: the writer writes none) that fits `Value`.
    private mutating func integer<Value: FixedWidthInteger>() throws(StateFileProblem) -> Value {
        skipWhitespace()
        let negative = peek() == UInt8(ascii: "-")
        if negative { position += 1 }
        let start = position
        var value: Value = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let digit = Value(byte - UInt8(ascii: "0"))
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { throw corrupt("number out of range") }
            value = next
            position += 1
        }
        guard position > start else { throw corrupt("expected a number") }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw corrupt("expected an integer")
        }
        return value
    }

    /// A JSON string, escapes resolved; its bytes must be valid UTF-8.
    private mutating func string() throws(StateFileProblem) -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        while true {
            guard let byte = peek() else { throw corrupt("a string does not end") }
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw corrupt("a control character in a string") }
            if byte == UInt8(ascii: "\\") { escaped = true; position += 1 }
            position += 1
        }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        if !escaped {
            guard let text = String(validating: raw, as: UTF8.self) else { throw corrupt("a string that is not UTF-8") }
            return text
        }
        return try unescape(raw)
    }

    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(StateFileProblem) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for byte in raw[at..<at + 4] {
                guard let digit = hexDigitValue(byte) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else { output.append(byte); index += 1; continue }
            guard index + 1 < raw.count else { throw corrupt("a string ends in an escape") }
            let code = raw[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(code)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(index) else { throw corrupt("a bad \\u escape") }
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
                          let low = hex4(index + 2), (0xDC00..<0xE000).contains(low) else { throw corrupt("a lone surrogate") }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw corrupt("a lone surrogate") }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw corrupt("an unknown escape")
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else { throw corrupt("a string that is not UTF-8") }
        return text
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Skips any JSON value; its exact form is checked by whoever decodes it later.
    private mutating func skipValue() throws(StateFileProblem) {
        skipWhitespace()
        guard let byte = peek() else { throw corrupt("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            position += 1
            skipWhitespace()
            if peek() == close { position += 1; return }
            while true {
                if close == UInt8(ascii: "}") {
                    _ = try string()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue()
                skipWhitespace()
                guard let next = peek() else { throw corrupt("a value does not end") }
                position += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw corrupt("expected , between values") }
                skipWhitespace()
            }
        default:
            // A number or a literal: up to the next delimiter.
            let start = position
            while let next = peek(), ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: " "),
                                       UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(next) {
                position += 1
            }
            guard position > start else { throw corrupt("expected a value") }
        }
    }
}

import LinuxSystem

/// Reads JSON straight from bytes, one value at a time, for the few documents that are too large
/// or too frequent for `JSONDecoder` (a state file's table, 2,000 pages of items): Foundation's
/// decoder first builds a tree of the whole document, then the values.
///
/// Strict where it reads (strings must be valid UTF-8 with valid escapes, integers must fit);
/// `skipValue` passes over anything well-formed. A caller reads a document's shape with
/// `beginObject`/`nextKey` and `beginArray`/`nextElement`, and the values with the typed readers.
public struct JSONByteReader {
    /// What was wrong, and where (a byte offset into the document).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "\(message) at byte \(offset)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var position = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    public var count: Int { bytes.count }
    public var isAtEnd: Bool { position >= bytes.count }

    public func failure(_ message: String) -> Failure { Failure(message: message, offset: position) }

    /// The bytes from `start` to the current position, as they are in the document.
    public func text(from start: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[start..<position]) }

    /// Goes back (or on) to `position`, a value of `position` read earlier: to read a value again
    /// another way.
    public mutating func move(to position: Int) { self.position = position }

    /// A value as a reader that uses strings as written takes it: `.text` for a string without
    /// escapes (its bytes in the document), anything else consumed and named.
    public enum PlainValue {
        case text(UnsafeBufferPointer<UInt8>)
        case null
        /// A string with escapes (its bytes are not its text).
        case escapedText
        /// A number, boolean, object or array.
        case other
    }

    public mutating func plainValue() throws(Failure) -> PlainValue {
        if null() { return .null }
        guard peek() == UInt8(ascii: "\"") else {
            try skipValue()
            return .other
        }
        let (raw, escaped) = try stringBytes()
        return escaped ? .escapedText : .text(raw)
    }

    /// How many times `byte` occurs from the current position on.
    public func occurrences(of byte: UInt8) -> Int {
        var found = 0
        for candidate in UnsafeBufferPointer(rebasing: bytes[position...]) where candidate == byte { found += 1 }
        return found
    }

    // MARK: - Structure

    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    public mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else { throw failure("expected \(Character(Unicode.Scalar(byte)))") }
        position += 1
    }

    /// Consumes `{`.
    public mutating func beginObject() throws(Failure) { try expect(UInt8(ascii: "{")) }

    /// The next member's key (its `:` consumed), or nil at the object's `}` (consumed). `first`
    /// is true for the first call after `beginObject`.
    public mutating func nextKey(first: Bool) throws(Failure) -> String? {
        if try closes(UInt8(ascii: "}"), first: first) { return nil }
        let key = try string()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// The next member's key as it is written (its `:` consumed), or nil at the object's `}`
    /// (consumed): for readers that compare keys with known names, `nextKey` without a `String`
    /// made and validated for every key (a page of items has thirteen keys an item).
    public mutating func nextRawKey(first: Bool) throws(Failure) -> StringBytes? {
        if try closes(UInt8(ascii: "}"), first: first) { return nil }
        let (raw, escaped) = try stringBytes()
        // As strict as `nextKey`: a key that is not UTF-8 declines the document.
        if !escaped, !raw.isValidUTF8 { throw failure("a string that is not UTF-8") }
        try expect(UInt8(ascii: ":"))
        return escaped ? StringBytes(unescaped: Array(try unescape(raw).utf8)) : StringBytes(raw: raw)
    }

    /// Consumes `[`.
    public mutating func beginArray() throws(Failure) { try expect(UInt8(ascii: "[")) }

    /// Whether another element follows (its separator consumed); false at `]` (consumed).
    public mutating func nextElement(first: Bool) throws(Failure) -> Bool {
        try !closes(UInt8(ascii: "]"), first: first)
    }

    private mutating func closes(_ close: UInt8, first: Bool) throws(Failure) -> Bool {
        guard let next = peek() else { throw failure("the document ends early") }
        if next == close { position += 1; return true }
        if !first {
            guard next == UInt8(ascii: ",") else { throw failure("expected , or \(Character(Unicode.Scalar(close)))") }
            position += 1
        }
        return false
    }

    /// Fails unless only whitespace is left.
    public mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        guard isAtEnd else { throw failure("text after the document") }
    }

    // MARK: - Values

    /// Consumes `null` if it comes next.
    public mutating func null() -> Bool { literal("null") }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] { return false }
        position += count
        return true
    }

    public mutating func bool() throws(Failure) -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        throw failure("expected true or false")
    }

    public mutating func optionalString() throws(Failure) -> String? { null() ? nil : try string() }

    @inlinable
    public mutating func optionalInteger<Value: FixedWidthInteger>() throws(Failure) -> Value? { null() ? nil : try integer() }

    /// A JSON integer literal (no fraction or exponent) that fits `Value`.
    @inlinable
    public mutating func integer<Value: FixedWidthInteger>() throws(Failure) -> Value {
        // The digits are read by `parsedInteger`, which is not generic: a generic reader called
        // from another module runs unspecialised, through metadata lookups for every digit (a
        // tenth of a 100,000-row state load).
        let value: Value? = switch try parsedInteger() {
        case .negative(let number): Value(exactly: number)
        case .nonNegative(let number): Value(exactly: number)
        }
        guard let value else { throw failure("number out of range") }
        return value
    }

    /// An integer as read: negative ones down to `Int64.min`, others up to `UInt64.max`.
    public enum ParsedInteger: Sendable {
        case negative(Int64)
        case nonNegative(UInt64)
    }

    public mutating func parsedInteger() throws(Failure) -> ParsedInteger {
        skipWhitespace()
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let start = position
        var magnitude: UInt64 = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let (shifted, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw failure("number out of range") }
            magnitude = next
            position += 1
        }
        guard position > start else { throw failure("expected a number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            throw failure("expected an integer")
        }
        guard negative else { return .nonNegative(magnitude) }
        guard magnitude <= UInt64(Int64.max) + 1 else { throw failure("number out of range") }
        return .negative(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
    }

    /// Any JSON number: an integer when it has an exact Int64 value (`1.0` and `1e2` too, as
    /// `JSONDecoder` reads them), a Double otherwise.
    public mutating func number() throws(Failure) -> JSONValue {
        skipWhitespace()
        let start = position
        while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard Self.isJSONNumber(text.utf8) else { throw failure("not a number") }
        if let value = Int64(text) { return .int(value) }
        guard let value = Double(text) else { throw failure("not a number") }
        if value.rounded() == value, let exact = Int64(exactly: value) { return .int(exact) }
        return .double(value)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` (Double() alone
    /// would take `inf`, `+1`, `.5`, `0x10`).
    private static func isJSONNumber<Text: Collection<UInt8>>(_ text: Text) -> Bool {
        var index = text.startIndex
        func digits() -> Int {
            var count = 0
            while index < text.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) { count += 1; index = text.index(after: index) }
            return count
        }
        if index < text.endIndex, text[index] == UInt8(ascii: "-") { index = text.index(after: index) }
        let leadingZero = index < text.endIndex && text[index] == UInt8(ascii: "0")
        let whole = digits()
        guard whole > 0, !(leadingZero && whole > 1) else { return false }
        if index < text.endIndex, text[index] == UInt8(ascii: ".") {
            index = text.index(after: index)
            guard digits() > 0 else { return false }
        }
        if index < text.endIndex, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index = text.index(after: index)
            if index < text.endIndex, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index = text.index(after: index) }
            guard digits() > 0 else { return false }
        }
        return index == text.endIndex
    }

    /// A JSON string's bytes, escapes resolved, or nil for `null`; not checked as UTF-8 (the
    /// caller parses them, or checks what it keeps). For readers of hex digests and ids, which
    /// had each made a `String` only to parse it.
    public mutating func optionalStringBytes() throws(Failure) -> StringBytes? {
        if null() { return nil }
        let (raw, escaped) = try stringBytes()
        return escaped ? StringBytes(unescaped: Array(try unescape(raw).utf8)) : StringBytes(raw: raw)
    }

    /// A string's bytes from `optionalStringBytes` or a key from `nextRawKey`: in the document
    /// when it holds no escape (valid while the reader's bytes are), resolved into an array
    /// otherwise.
    public struct StringBytes {
        private let raw: UnsafeBufferPointer<UInt8>?
        private let unescaped: [UInt8]

        init(raw: UnsafeBufferPointer<UInt8>) { self.raw = raw; unescaped = [] }
        init(unescaped: [UInt8]) { raw = nil; self.unescaped = unescaped }

        public func withBytes<Answer>(_ body: (UnsafeBufferPointer<UInt8>) -> Answer) -> Answer {
            if let raw { return body(raw) }
            return unescaped.withUnsafeBufferPointer(body)
        }

        /// Whether the string is `name`: compared as bytes when written without escapes, as a
        /// `String` (as `JSONDecoder` compares keys) when resolved from them.
        public func `is`(_ name: StaticString) -> Bool {
            isSpelled(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), text: name.description)
        }

        /// `is(_:)` for a name known only at run time.
        public func `is`(text name: String) -> Bool {
            var bytes = name
            return bytes.withUTF8 { isSpelled($0, text: name) }
        }

        /// `expected`: the name's UTF-8; `text`: the name, for a string resolved from escapes.
        private func isSpelled(_ expected: UnsafeBufferPointer<UInt8>, text: @autoclosure () -> String) -> Bool {
            guard let raw else { return String(decoding: unescaped, as: UTF8.self) == text() }
            return raw.hasSameBytes(as: expected)
        }
    }

    /// A JSON string, escapes resolved; its bytes must be valid UTF-8.
    public mutating func string() throws(Failure) -> String {
        let (raw, escaped) = try stringBytes()
        if !escaped {
            guard let text = String(validUTF8: raw) else { throw failure("a string that is not UTF-8") }
            return text
        }
        return try unescape(raw)
    }

    /// Consumes a JSON string: its bytes as written (between the quotes), and whether they hold
    /// an escape.
    private mutating func stringBytes() throws(Failure) -> (UnsafeBufferPointer<UInt8>, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        while true {
            skipPlainWords()
            guard position < bytes.count else { throw failure("a string does not end") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw failure("a control character in a string") }
            if byte == UInt8(ascii: "\\") { escaped = true; position += 1 }
            position += 1
        }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        return (raw, escaped)
    }

    /// Moves over whole 8-byte words of a string that hold no quote, backslash or control
    /// character: the state file and item pages are mostly string bytes, and looking at them one
    /// at a time was the reader's largest cost.
    private mutating func skipPlainWords() {
        guard let base = bytes.baseAddress else { return }
        while position + 8 <= bytes.count,
              !Self.holdsQuoteBackslashOrControl(UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)) {
            position += 8
        }
    }

    /// Whether any byte of `word` is `"`, `\` or below 0x20 (exact: the classic "has a zero byte"
    /// test, `(x - 0x01…) & ~x & 0x80…`, has no false answers as a whole).
    static func holdsQuoteBackslashOrControl(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let belowSpace = (word &- ones &* 0x20) & ~word & highs != 0
        return hasZeroByte(quotes) || hasZeroByte(backslashes) || belowSpace
    }

    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for byte in raw[at..<at + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else { output.append(byte); index += 1; continue }
            guard index + 1 < raw.count else { throw failure("a string ends in an escape") }
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
                guard var scalar = hex4(index) else { throw failure("a bad \\u escape") }
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
                          let low = hex4(index + 2), (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate") }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw failure("a lone surrogate") }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw failure("an unknown escape")
            }
        }
        guard let text = String(validUTF8: output) else { throw failure("a string that is not UTF-8") }
        return text
    }

    /// Any JSON value, as a `JSONValue`.
    public mutating func value() throws(Failure) -> JSONValue {
        guard let next = peek() else { throw failure("expected a value") }
        switch next {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            try beginObject()
            var members: [String: JSONValue] = [:]
            // Room for three members at once: an item's metadata (usually three fields) grew
            // the table twice, 2% of a full listing's CPU. Not more: every listed item keeps
            // this table, and room for four doubles its buckets (20 MB at 100,000 items).
            if peek() != UInt8(ascii: "}") { members.reserveCapacity(3) }
            var first = true
            while let key = try nextKey(first: first) {
                members[key] = try value()
                first = false
            }
            return .object(members)
        case UInt8(ascii: "["):
            try beginArray()
            var elements: [JSONValue] = []
            var first = true
            while try nextElement(first: first) {
                elements.append(try value())
                first = false
            }
            return .array(elements)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try bool())
        case UInt8(ascii: "n"):
            guard null() else { throw failure("expected null") }
            return .null
        default: return try number()
        }
    }

    /// Passes over any well-formed JSON value.
    public mutating func skipValue() throws(Failure) {
        guard let next = peek() else { throw failure("expected a value") }
        // As strict as reading each value, without making a `String` or number of any: a page of
        // items skips several strings an item.
        switch next {
        case UInt8(ascii: "\""):
            let (raw, escaped) = try stringBytes()
            if escaped { _ = try unescape(raw) } else if !raw.isValidUTF8 { throw failure("a string that is not UTF-8") }
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextRawKey(first: first) != nil {
                try skipValue()
                first = false
            }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: first) {
                try skipValue()
                first = false
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): guard null() else { throw failure("expected null") }
        default:
            // What `number()` accepts: its grammar (any number in it parses, if only to infinity).
            let start = position
            while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
            guard Self.isJSONNumber(UnsafeBufferPointer(rebasing: bytes[start..<position])) else { throw failure("not a number") }
        }
    }
}

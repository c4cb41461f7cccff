/// A small XML reader for the two shapes S3 answers with here, `<ListBucketResult>` and
/// `<Error>` (and the emulator's requests, which have no body worth parsing). It builds a tree
/// of elements with their text; it knows the XML declaration, comments, CDATA, the five named
/// entities and numeric character references, and ignores attributes and namespace prefixes.
/// It does not validate: a document it cannot follow is nil, not an exception.
public struct S3XMLElement: Sendable, Hashable {
    /// Local name, without a namespace prefix.
    public var name: String
    public var children: [S3XMLElement]
    /// The element's own character data, entities decoded (text of children not included).
    public var text: String

    public init(name: String, children: [S3XMLElement] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first child named `name`.
    public func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }

    /// The text of the first child named `name`.
    public func value(_ name: String) -> String? { child(name)?.text }

    /// Every child named `name`, in order.
    public func all(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }

    /// The root element of `bytes`, or nil if they are not a document this reader can follow.
    public static func parse(_ bytes: [UInt8]) -> S3XMLElement? {
        var parser = Parser(input: bytes)
        return parser.document()
    }

    /// `text` with `& < > " '` escaped, for building answers.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private struct Parser {
    let input: [UInt8]
    var index = 0

    mutating func document() -> S3XMLElement? {
        while true {
            skipWhitespace()
            if starts(with: "<?") { guard skip(past: "?>") else { return nil } }
            else if starts(with: "<!--") { guard skip(past: "-->") else { return nil } }
            else if starts(with: "<!") { guard skip(past: ">") else { return nil } }
            else { break }
        }
        guard index < input.count, input[index] == UInt8(ascii: "<") else { return nil }
        return element()
    }

    /// At `<name …>`: the element through its end tag.
    mutating func element() -> S3XMLElement? {
        index += 1
        let nameStart = index
        while index < input.count, !isNameEnd(input[index]) { index += 1 }
        let qualified = String(decoding: input[nameStart..<index], as: UTF8.self)
        guard !qualified.isEmpty else { return nil }
        let name = qualified.split(separator: ":").last.map(String.init) ?? qualified
        // Attributes are skipped, quoted values included.
        var quote: UInt8?
        while index < input.count {
            let byte = input[index]
            if let open = quote { if byte == open { quote = nil } }
            else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { quote = byte }
            else if byte == UInt8(ascii: ">") { break }
            index += 1
        }
        guard index < input.count else { return nil }
        var result = S3XMLElement(name: name)
        if input[index - 1] == UInt8(ascii: "/") {
            index += 1
            return result
        }
        index += 1
        var text: [UInt8] = []
        while index < input.count {
            if starts(with: "</") {
                guard skip(past: ">") else { return nil }
                guard let decoded = decodeEntities(text) else { return nil }
                result.text = decoded
                return result
            } else if starts(with: "<!--") {
                guard skip(past: "-->") else { return nil }
            } else if starts(with: "<![CDATA[") {
                let start = index + 9
                guard skip(past: "]]>") else { return nil }
                // Kept raw: escaped so the entity pass below leaves it as it was.
                text += Array(S3XMLElement.escape(String(decoding: input[start..<(index - 3)], as: UTF8.self)).utf8)
            } else if input[index] == UInt8(ascii: "<") {
                guard let child = element() else { return nil }
                result.children.append(child)
            } else {
                text.append(input[index])
                index += 1
            }
        }
        return nil
    }

    private func decodeEntities(_ bytes: [UInt8]) -> String? {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var position = 0
        while position < bytes.count {
            guard bytes[position] == UInt8(ascii: "&") else { out.append(bytes[position]); position += 1; continue }
            guard let end = bytes[position...].firstIndex(of: UInt8(ascii: ";")) else { return nil }
            let entity = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
            switch entity {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let number: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { number = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { number = UInt32(entity.dropFirst()) }
                else { number = nil }
                guard let number, let scalar = Unicode.Scalar(number) else { return nil }
                out += Array(String(Character(scalar)).utf8)
            }
            position = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func isNameEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= input.count else { return false }
        return text.withUTF8Buffer { Array($0) == Array(input[index..<(index + count)]) }
    }

    /// Moves past the next `text`; false if there is none.
    private mutating func skip(past text: StaticString) -> Bool {
        let needle = text.withUTF8Buffer { Array($0) }
        while index + needle.count <= input.count {
            if Array(input[index..<(index + needle.count)]) == needle {
                index += needle.count
                return true
            }
            index += 1
        }
        return false
    }

    private mutating func skipWhitespace() {
        while index < input.count, [0x20, 0x09, 0x0A, 0x0D].contains(input[index]) { index += 1 }
    }
}

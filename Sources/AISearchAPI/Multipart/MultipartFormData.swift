/// A `multipart/form-data` body (RFC 7578), built in memory.
///
/// Field names and file names are sent as quoted strings in raw UTF-8, as browsers and curl send
/// them: `"` and `\` are backslash-escaped (RFC 9110 §5.6.4 quoted-string), CR and LF, which no
/// header may hold, are percent-encoded as the HTML standard does. No `filename*` parameter is
/// added: RFC 7578 §4.2 says it MUST NOT be used.
public struct MultipartFormData: Sendable {
    public let boundary: String
    private var bytes: [UInt8] = []

    /// - Parameter boundary: 1 to 70 characters from RFC 2046's set; it must not occur in any part.
    public init(boundary: String) {
        precondition(Self.isValidBoundary(boundary), "multipart boundary must be 1...70 safe characters")
        self.boundary = boundary
    }

    /// A boundary of 32 random letters and digits after a fixed prefix.
    public static func randomBoundary() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "aisearch-sync-" + String((0..<32).map { _ in alphabet.randomElement()! })
    }

    /// The value of the request's `Content-Type` header.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Appends a text field (no `Content-Type`, so `text/plain; charset=UTF-8` by RFC 7578 §4.4).
    public mutating func append(name: String, value: String) {
        appendHeader("Content-Disposition: form-data; name=\(Self.quoted(name))")
        appendBody(Array(value.utf8))
    }

    /// Appends a file field.
    public mutating func append(name: String, filename: String, contentType: String = "application/octet-stream",
                                contents: [UInt8]) {
        appendHeader("Content-Disposition: form-data; name=\(Self.quoted(name)); filename=\(Self.quoted(filename))",
                     "Content-Type: \(contentType)")
        appendBody(contents)
    }

    /// The complete body, closing delimiter included.
    public func encoded() -> [UInt8] {
        bytes + Array("--\(boundary)--\r\n".utf8)
    }

    /// Whether `contents` holds the delimiter line of `boundary`, which would cut the part short.
    public static func contains(boundary: String, in contents: [UInt8]) -> Bool {
        let needle = Array("--\(boundary)".utf8)
        guard contents.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while index <= contents.count - needle.count {
            if contents[index] == first, contents[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// A quoted-string in raw UTF-8: `"` and `\` escaped, CR and LF percent-encoded.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func isValidBoundary(_ boundary: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?")
        return (1...70).contains(boundary.count) && boundary.allSatisfy(allowed.contains)
    }

    private mutating func appendHeader(_ lines: String...) {
        bytes += Array("--\(boundary)\r\n".utf8)
        for line in lines { bytes += Array("\(line)\r\n".utf8) }
        bytes += Array("\r\n".utf8)
    }

    private mutating func appendBody(_ contents: [UInt8]) {
        bytes += contents
        bytes += Array("\r\n".utf8)
    }
}

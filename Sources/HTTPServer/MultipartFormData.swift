/// A `multipart/form-data` body (RFC 7578, framing of RFC 2046 section 5.1.1) split into parts.
///
/// Part bodies are byte-exact: only the CRLF that belongs to each delimiter is removed, and a
/// `\r\n--` inside a body that is not followed by the boundary (and then `--`, or optional
/// whitespace and CRLF) stays part of the body. Preamble and epilogue are ignored.
public enum MultipartFormData {
    /// Splits `body` into parts, using the boundary of `contentType`
    /// (e.g. `multipart/form-data; boundary="----abc"`).
    public static func parse(body: [UInt8], contentType: String) throws(MultipartFormDataError) -> [MultipartPart] {
        let delimiter = Array("--\(try boundary(fromContentType: contentType))".utf8)
        guard var position = nextDelimiter(in: body[...], delimiter: delimiter, atStartAllowed: true) else {
            throw .missingOpeningDelimiter
        }
        var parts: [MultipartPart] = []
        while true {
            // `position` is at a delimiter: a close delimiter ends the body, otherwise a part follows.
            var index = position + delimiter.count
            if body[index...].starts(with: [0x2D, 0x2D]) { return parts }
            while index < body.count, HTTPSyntax.isWhitespace(body[index]) { index += 1 }
            let partStart = index + 2
            guard let next = nextDelimiter(in: body[partStart...], delimiter: delimiter, atStartAllowed: false) else {
                throw .unterminatedBody
            }
            // The CRLF before the delimiter belongs to the delimiter, not to the part.
            parts.append(try part(body[partStart..<next - 2], index: parts.count))
            position = next
        }
    }

    /// The `boundary` parameter of a `multipart/*` content type, unquoted.
    public static func boundary(fromContentType contentType: String) throws(MultipartFormDataError) -> String {
        let bytes = Array(contentType.utf8)[...]
        let typeEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        let mediaType = String(decoding: HTTPSyntax.trimmed(bytes[..<typeEnd]), as: UTF8.self).lowercased()
        guard mediaType.hasPrefix("multipart/") else { throw .notMultipart(contentType: contentType) }
        guard let parameters = HTTPSyntax.parameters(bytes[typeEnd...]),
              let boundary = parameters.first(where: { $0.name == "boundary" })?.value else {
            throw .missingBoundary(contentType: contentType)
        }
        // RFC 2046 section 5.1.1: 1 to 70 characters, not ending with a space.
        guard (1...70).contains(boundary.utf8.count), boundary.last != " " else { throw .invalidBoundary(boundary) }
        return boundary
    }

    /// The index of the next delimiter line: `--boundary` preceded by CRLF (or at the very start,
    /// if allowed) and followed by `--`, or by optional whitespace and CRLF.
    private static func nextDelimiter(in bytes: ArraySlice<UInt8>, delimiter: [UInt8], atStartAllowed: Bool) -> Int? {
        if atStartAllowed, bytes.starts(with: delimiter), isDelimiterEnd(bytes, at: bytes.startIndex + delimiter.count) {
            return bytes.startIndex
        }
        let needle = [HTTPSyntax.cr, HTTPSyntax.lf] + delimiter
        var searchStart = bytes.startIndex
        while let range = bytes[searchStart...].firstRange(of: needle) {
            if isDelimiterEnd(bytes, at: range.upperBound) { return range.lowerBound + 2 }
            searchStart = range.lowerBound + 1
        }
        return nil
    }

    private static func isDelimiterEnd(_ bytes: ArraySlice<UInt8>, at start: Int) -> Bool {
        if bytes[start...].starts(with: [0x2D, 0x2D]) { return true }
        var index = start
        while index < bytes.endIndex, HTTPSyntax.isWhitespace(bytes[index]) { index += 1 }
        return bytes[index...].starts(with: [HTTPSyntax.cr, HTTPSyntax.lf])
    }

    /// One part: its header lines, an empty line, its body.
    private static func part(_ bytes: ArraySlice<UInt8>, index: Int) throws(MultipartFormDataError) -> MultipartPart {
        let headerEnd: Int
        let bodyStart: Int
        if bytes.starts(with: [HTTPSyntax.cr, HTTPSyntax.lf]) {
            (headerEnd, bodyStart) = (bytes.startIndex, bytes.startIndex + 2)
        } else if let range = bytes.firstRange(of: [HTTPSyntax.cr, HTTPSyntax.lf, HTTPSyntax.cr, HTTPSyntax.lf]) {
            (headerEnd, bodyStart) = (range.lowerBound, range.upperBound)
        } else {
            throw .malformedPartHeaders(partIndex: index)
        }
        var disposition: ArraySlice<UInt8>?
        var contentType: String?
        for line in bytes[bytes.startIndex..<headerEnd].split(separator: HTTPSyntax.lf) {
            let line = line.last == HTTPSyntax.cr ? line.dropLast() : line
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), HTTPSyntax.isToken(line[..<colon]) else {
                throw .malformedPartHeaders(partIndex: index)
            }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = HTTPSyntax.trimmed(line[(colon + 1)...])
            if name.caseInsensitiveEquals("Content-Disposition") { disposition = value }
            if name.caseInsensitiveEquals("Content-Type") { contentType = String(decoding: value, as: UTF8.self) }
        }
        guard let disposition else { throw .missingPartName(partIndex: index) }
        let typeEnd = disposition.firstIndex(of: UInt8(ascii: ";")) ?? disposition.endIndex
        guard let parameters = HTTPSyntax.parameters(disposition[typeEnd...]) else { throw .malformedPartHeaders(partIndex: index) }
        guard let name = parameters.first(where: { $0.name == "name" })?.value else { throw .missingPartName(partIndex: index) }
        let extendedFilename = parameters.first(where: { $0.name == "filename*" })?.value.flatMap(decodeExtendedValue)
        let filename = extendedFilename ?? parameters.first(where: { $0.name == "filename" })?.value
        return MultipartPart(name: name, filename: filename, contentType: contentType, body: Array(bytes[bodyStart...]))
    }

    /// An RFC 5987 / RFC 8187 `ext-value`: `charset'language'percent-encoded`, UTF-8 or
    /// ISO-8859-1. Nil if malformed, so the plain `filename` is used instead.
    static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        switch pieces[0].lowercased() {
        case "utf-8":
            return HTTPSyntax.percentDecoded(pieces[2].utf8, plusIsSpace: false)
        case "iso-8859-1":
            guard let bytes = HTTPSyntax.percentDecodedBytes(pieces[2].utf8, plusIsSpace: false) else { return nil }
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            return nil
        }
    }
}

/// Why a `multipart/form-data` body could not be split.
public enum MultipartFormDataError: Error, Hashable, Sendable, CustomStringConvertible {
    case notMultipart(contentType: String)
    case missingBoundary(contentType: String)
    case invalidBoundary(String)
    /// No `--boundary` line in the body.
    case missingOpeningDelimiter
    /// No closing `--boundary--` line after the last part.
    case unterminatedBody
    /// A part whose header lines are not `Name: value`, or that has no empty line after them.
    case malformedPartHeaders(partIndex: Int)
    /// A part without `Content-Disposition: form-data; name="..."` (RFC 7578 section 4.2).
    case missingPartName(partIndex: Int)

    public var description: String {
        switch self {
        case .notMultipart(let contentType):
            "Content-Type \(contentType) is not multipart: send multipart/form-data; boundary=..."
        case .missingBoundary(let contentType):
            "Content-Type \(contentType) has no boundary parameter"
        case .invalidBoundary(let boundary):
            "multipart boundary \"\(boundary)\" is invalid: it needs 1 to 70 characters, not ending in a space"
        case .missingOpeningDelimiter:
            "the multipart body does not contain its boundary: check the boundary of the Content-Type"
        case .unterminatedBody:
            "the multipart body ends without its closing boundary (--boundary--): was it truncated?"
        case .malformedPartHeaders(let index):
            "multipart part \(index) has malformed headers: expected `Name: value` lines, then an empty line"
        case .missingPartName(let index):
            "multipart part \(index) has no Content-Disposition: form-data; name=\"...\""
        }
    }
}

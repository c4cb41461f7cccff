// DELETE AT MERGE: a minimal stand-in for `HTTPServer.MultipartFormData`, which another engineer
// is writing. Only here so the Emulator target builds and its tests run before the merge. It
// handles what our tests and the SDK send: CRLF-delimited parts with a `Content-Disposition:
// form-data; name="…"; filename="…"` header and an optional `Content-Type`.
import HTTPServer

enum MultipartFormData {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(body: [UInt8], contentType: String) throws -> [MultipartPart] {
        guard let boundaryParameter = contentType.split(separator: ";").map({ $0.trimmingSpaces })
            .first(where: { $0.lowercased().hasPrefix("boundary=") }) else {
            throw ParseError(description: "no boundary in Content-Type")
        }
        var boundary = String(boundaryParameter.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MultipartPart] = []
        guard var cursor = find(delimiter, in: body, from: 0) else { throw ParseError(description: "no opening boundary") }
        cursor += delimiter.count
        while true {
            if body.count >= cursor + 2, body[cursor] == 0x2d, body[cursor + 1] == 0x2d { return parts }
            cursor += 2 // CRLF after the boundary
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: cursor) else {
                throw ParseError(description: "part without header end")
            }
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else {
                throw ParseError(description: "part without closing boundary")
            }
            var name = "", filename: String?, partType: String?
            for line in headerText.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    for parameter in line.split(separator: ";").dropFirst().map({ $0.trimmingSpaces }) {
                        guard let equals = parameter.firstIndex(of: "=") else { continue }
                        let key = parameter[..<equals].lowercased()
                        var value = String(parameter[parameter.index(after: equals)...])
                        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                        if key == "name" { name = value } else if key == "filename" { filename = value }
                    }
                } else if lower.hasPrefix("content-type:") {
                    partType = String(line.dropFirst("content-type:".count)).trimmingSpaces
                }
            }
            parts.append(MultipartPart(name: name, filename: filename, contentType: partType,
                                       body: Array(body[contentStart..<next])))
            cursor = next + 2 + delimiter.count
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

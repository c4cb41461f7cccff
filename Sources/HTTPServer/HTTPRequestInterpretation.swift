/// From a request line and header fields to an `HTTPRequestHead`: version, target, `Host`,
/// body framing (RFC 9112 section 6.3), persistence, expectations.
extension HTTPRequestParser {
    static func interpret(requestLine: ArraySlice<UInt8>, headers: HTTPHeaders, limits: Limits) throws(HTTPParseError) -> HTTPRequestHead {
        let parts = requestLine.split(separator: HTTPSyntax.space, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, HTTPSyntax.isToken(parts[0]), !parts[1].isEmpty else { throw .invalidRequestLine }
        let version = try Self.version(parts[2])
        let method = String(decoding: parts[0], as: UTF8.self)
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .invalidTarget }
        let (path, query) = try Self.target(parts[1], method: method)

        let hostCount = headers.values(for: "Host").count
        if hostCount > 1 || (version.minor >= 1 && hostCount == 0) { throw .invalidHost }

        let connectionOptions = headers.values(for: "Connection").flatMap(HTTPSyntax.listElements).map { $0.lowercased() }
        let isKeepAlive = version.minor >= 1 ? !connectionOptions.contains("close") : connectionOptions.contains("keep-alive")

        var expectsContinue = false
        if let expectation = headers["Expect"], version.minor >= 1 {
            // RFC 9110 section 10.1.1: 100-continue is the only expectation defined.
            guard expectation.trimmingWhitespace().lowercased() == "100-continue" else { throw .unsupportedExpectation }
            expectsContinue = true
        }

        return HTTPRequestHead(
            method: method, target: String(decoding: parts[1], as: UTF8.self), path: path, query: query,
            version: version, headers: headers, bodyFraming: try framing(headers, version: version, limits: limits),
            isKeepAlive: isKeepAlive, expectsContinue: expectsContinue)
    }

    /// `HTTP/1.0`, `HTTP/1.1` (and later 1.x); any other major version is refused with 505.
    private static func version(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let text = Array(bytes)
        guard text.count == 8, text.starts(with: Array("HTTP/".utf8)), text[6] == UInt8(ascii: "."),
              (0x30...0x39).contains(text[5]), (0x30...0x39).contains(text[7]) else { throw .invalidRequestLine }
        let version = HTTPVersion(major: Int(text[5] - 0x30), minor: Int(text[7] - 0x30))
        guard version.major == 1 else { throw .unsupportedVersion }
        return version
    }

    /// The decoded path and query of a request-target in any of the four forms of RFC 9112
    /// section 3.2.
    private static func target(_ bytes: ArraySlice<UInt8>, method: String) throws(HTTPParseError) -> (String, [(name: String, value: String)]) {
        var pathAndQuery = bytes
        if bytes.first != UInt8(ascii: "/") {
            let lowered = bytes.prefix(8).map { $0 | 0x20 }
            if lowered.starts(with: Array("http://".utf8)) || lowered.starts(with: Array("https://".utf8)) {
                // absolute-form: drop scheme and authority.
                let afterScheme = bytes[(bytes.firstIndex(of: UInt8(ascii: "/"))! + 2)...]
                let pathStart = afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? bytes.endIndex
                pathAndQuery = bytes[pathStart...]
                if pathAndQuery.first != UInt8(ascii: "/") { pathAndQuery = [UInt8(ascii: "/")] + pathAndQuery }
            } else if Array(bytes) == [UInt8(ascii: "*")] || method == "CONNECT" {
                // asterisk-form and authority-form: no path to decode.
                return (String(decoding: bytes, as: UTF8.self), [])
            } else {
                throw .invalidTarget
            }
        }
        let questionMark = pathAndQuery.firstIndex(of: UInt8(ascii: "?"))
        guard let path = HTTPSyntax.percentDecoded(pathAndQuery[..<(questionMark ?? pathAndQuery.endIndex)], plusIsSpace: false) else {
            throw .invalidTarget
        }
        guard let questionMark else { return (path, []) }
        return (path, try query(pathAndQuery[(questionMark + 1)...]))
    }

    /// `application/x-www-form-urlencoded` pairs: `&`-separated, `+` is a space, `name` alone
    /// has an empty value.
    static func query(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            guard let name = HTTPSyntax.percentDecoded(pair[..<equals], plusIsSpace: true),
                  let value = HTTPSyntax.percentDecoded(equals < pair.endIndex ? pair[(equals + 1)...] : [], plusIsSpace: true)
            else { throw .invalidTarget }
            pairs.append((name: name, value: value))
        }
        return pairs
    }

    /// RFC 9112 section 6.3, strictly: both framings at once is refused (not resolved in favour
    /// of chunked), differing lengths are refused, only `chunked` is decoded.
    private static func framing(_ headers: HTTPHeaders, version: HTTPVersion, limits: Limits) throws(HTTPParseError) -> HTTPBodyFraming {
        let codings = headers.values(for: "Transfer-Encoding").flatMap(HTTPSyntax.listElements).map { $0.lowercased() }
        let lengths = headers.values(for: "Content-Length").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { String($0.trimmingWhitespace()) }
        if !headers.values(for: "Transfer-Encoding").isEmpty {
            guard lengths.isEmpty else { throw .conflictingFraming }
            guard version.minor >= 1, codings.last == "chunked", codings.filter({ $0 == "chunked" }).count == 1 else {
                throw .invalidTransferEncoding
            }
            guard codings.count == 1 else { throw .unsupportedTransferEncoding }
            return .chunked
        }
        guard let first = lengths.first else { return .none }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .invalidContentLength
        }
        guard first.utf8.count <= 18, let length = Int(first), length <= limits.maxBodyBytes else { throw .bodyTooLarge }
        return .contentLength(length)
    }
}

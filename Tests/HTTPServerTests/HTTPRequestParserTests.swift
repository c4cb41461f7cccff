import Testing
@testable import HTTPServer

/// A request as the parser produced it, comparable.
struct ParsedRequest: Equatable, CustomStringConvertible {
    var method: String
    var target: String
    var path: String
    var query: [String]
    var headers: [String]
    var body: [UInt8]
    var trailers: [String]
    var isKeepAlive: Bool
    var framing: HTTPBodyFraming

    var description: String { "\(method) \(target) headers=\(headers) body=\(body.count)B trailers=\(trailers)" }
}

/// Feeds `pieces` one after the other, collecting every complete request; the error, if any,
/// comes after the requests completed before it.
func parse(_ pieces: [ArraySlice<UInt8>], limits: HTTPRequestParser.Limits = .init()) -> ([ParsedRequest], HTTPParseError?) {
    var parser = HTTPRequestParser(limits: limits)
    var requests: [ParsedRequest] = []
    var head: HTTPRequestHead?
    for piece in pieces {
        parser.append(piece)
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let parsed): head = parsed
                case .end(let body, let trailers):
                    let h = head!
                    requests.append(ParsedRequest(
                        method: h.method, target: h.target, path: h.path, query: h.query.map { "\($0.name)=\($0.value)" },
                        headers: h.headers.map { "\($0.name): \($0.value)" }, body: body,
                        trailers: trailers.map { "\($0.name): \($0.value)" }, isKeepAlive: h.isKeepAlive, framing: h.bodyFraming))
                }
            }
        } catch {
            return (requests, error)
        }
    }
    return (requests, nil)
}

func parse(_ text: String, limits: HTTPRequestParser.Limits = .init()) -> ([ParsedRequest], HTTPParseError?) {
    parse([Array(text.utf8)[...]], limits: limits)
}

@Suite struct HTTPRequestParserTests {
    /// RFC 9112 section 2.1, RFC 9110 examples, and a chunked body with extensions and trailers.
    static let wellFormed: [String] = [
        "GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n",
        "GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
        "GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
        "CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value;quoted=\"a \\\"b\\\"\"\r\nWiki\r\n5\r\npedia\r\nE ; ext\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-Checksum: abc\r\n\r\n",
        "\r\n\r\nGET / HTTP/1.0\r\n\r\n",
    ]

    @Test(arguments: wellFormed)
    func everySplitPointGivesTheSameRequests(_ text: String) {
        let bytes = Array(text.utf8)
        let (whole, wholeError) = parse([bytes[...]])
        #expect(wholeError == nil)
        #expect(whole.count == 1)
        for split in 0...bytes.count {
            let (pieces, error) = parse([bytes[..<split], bytes[split...]])
            #expect(error == nil, "split at \(split)")
            #expect(pieces == whole, "split at \(split)")
        }
        let (byteByByte, error) = parse(bytes.indices.map { bytes[$0...$0] })
        #expect(error == nil)
        #expect(byteByByte == whole)
    }

    @Test func requestLineAndHeadersOfRFC9112Example() throws {
        let (requests, error) = parse(Self.wellFormed[0])
        #expect(error == nil)
        let request = try #require(requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/hello.txt")
        #expect(request.headers == ["User-Agent: curl/7.64.1", "Host: www.example.com", "Accept-Language: en, mi"])
        #expect(request.isKeepAlive)
        #expect(request.framing == .none)
    }

    @Test func targetFormsGiveDecodedPaths() {
        #expect(parse(Self.wellFormed[1]).0.first?.query == ["q=now"])
        #expect(parse(Self.wellFormed[2]).0.first?.path == "/pub/WWW/TheProject.html")
        #expect(parse(Self.wellFormed[3]).0.first?.path == "www.example.com:80")
        #expect(parse(Self.wellFormed[4]).0.first?.path == "*")
        let (requests, _) = parse("GET /a%20b/%C3%A9t%C3%A9+x?name=J%C3%BCrgen+M&flag&&empty=&q=a%2Bb%26c HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(requests.first?.path == "/a b/été+x")
        #expect(requests.first?.query == ["name=Jürgen M", "flag=", "empty=", "q=a+b&c"])
    }

    @Test func chunkedBodyIsDechunkedWithTrailers() throws {
        let request = try #require(parse(Self.wellFormed[6]).0.first)
        #expect(request.body == Array("Wikipedia in\r\n\r\nchunks.".utf8))
        #expect(request.trailers == ["Expires: never", "X-Checksum: abc"])
        #expect(request.framing == .chunked)
    }

    @Test func http10ClosesUnlessKeepAliveAsked() {
        #expect(parse("GET / HTTP/1.0\r\n\r\n").0.first?.isKeepAlive == false)
        #expect(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").0.first?.isKeepAlive == true)
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").0.first?.isKeepAlive == false)
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\nGET /4 HTTP/1.1\r\nHost: h\r\n\r\n"
        let bytes = Array(text.utf8)
        for split in stride(from: 0, through: bytes.count, by: 7) {
            let (requests, error) = parse([bytes[..<split], bytes[split...]])
            #expect(error == nil)
            #expect(requests.map(\.path) == ["/1", "/2", "/3", "/4"])
            #expect(requests.map(\.body) == [[], Array("abc".utf8), Array("x".utf8), []])
        }
    }

    @Test func identicalContentLengthsAreAccepted() {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok").0.first?.body == Array("ok".utf8))
    }

    static let malformed: [(String, HTTPParseError)] = [
        ("GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n", .invalidRequestLine),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET nope HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET /%FF HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("GET / HTTP/1.1\nHost: h\n\n", .invalidLineEnding),
        ("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", .invalidLineEnding),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .invalidHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", .invalidHeader),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", .invalidHeader),
        ("GET / HTTP/1.1\r\nX: a\u{01}b\r\nHost: h\r\n\r\n", .invalidHeader),
        ("GET / HTTP/1.1\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingFraming),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .invalidTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .invalidTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;\"bad\"\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n", .invalidLineEnding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n", .bodyTooLarge),
        ("GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n", .unsupportedExpectation),
    ]

    @Test(arguments: malformed)
    func malformedRequestIsRefused(_ text: String, _ expected: HTTPParseError) {
        let (requests, error) = parse(text)
        #expect(requests.isEmpty)
        #expect(error == expected)
        #expect(error?.status != nil)
    }

    @Test func limitsGiveTheirStatusCodes() {
        let limits = HTTPRequestParser.Limits(maxRequestLineBytes: 32, maxHeaderBytes: 128, maxHeaderCount: 4, maxBodyBytes: 8)
        let longLine = "GET /" + String(repeating: "a", count: 40) + " HTTP/1.1\r\n"
        #expect(parse(longLine, limits: limits).1 == .requestLineTooLong)
        #expect(parse(String(longLine.dropLast(10)), limits: limits).1 == .requestLineTooLong, "refused before the line ends")
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "b", count: 120), limits: limits).1 == .headerTooLarge)
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n", limits: limits).1 == .headerTooLarge)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n", limits: limits).1 == .bodyTooLarge)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", limits: limits).1 == .bodyTooLarge)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n4\r\n1234\r\n"
        #expect(parse(chunked, limits: limits).1 == .bodyTooLarge)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n12345678", limits: limits).0.count == 1)
    }

    @Test func failedParserStaysFailed() {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.invalidRequestLine) { try parser.next() }
        #expect(throws: HTTPParseError.invalidRequestLine) { try parser.next() }
    }

    @Test func idlenessAndBufferedBytesAreReported() throws {
        var parser = HTTPRequestParser()
        #expect(parser.isIdle)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .head(let head) = try parser.next() else { Issue.record("no head"); return }
        #expect(head.expectsContinue)
        #expect(parser.bufferedByteCount == 0)
        #expect(!parser.isIdle)
        #expect(try parser.next() == nil)
        parser.append(Array("hi".utf8))
        guard case .end(let body, _) = try parser.next() else { Issue.record("no end"); return }
        #expect(body == Array("hi".utf8))
        #expect(parser.isIdle)
    }
}

extension HTTPRequestParser.Event: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.head(let a), .head(let b)): a.target == b.target
        case (.end(let a, _), .end(let b, _)): a == b
        default: false
        }
    }
}

/// `HTTP/1.0` or `HTTP/1.1` (a later 1.x minor version is answered as 1.1).
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// How the length of a request body is known (RFC 9112 section 6.3).
public enum HTTPBodyFraming: Hashable, Sendable {
    /// No `Content-Length` nor `Transfer-Encoding`: the request has no body.
    case none
    case contentLength(Int)
    case chunked

    /// Whether a body may follow the head (so `Expect: 100-continue` deserves an interim answer).
    public var mayHaveBody: Bool {
        switch self {
        case .none, .contentLength(0): false
        case .contentLength, .chunked: true
        }
    }
}

/// A request line and header section, checked against RFC 9112, before the body arrives.
public struct HTTPRequestHead: Sendable {
    public var method: String
    /// The request-target exactly as sent.
    public var target: String
    /// The path of the target, percent-decoded.
    public var path: String
    /// The query of the target, percent-decoded, `+` as space, in order.
    public var query: [(name: String, value: String)]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var bodyFraming: HTTPBodyFraming
    /// Whether the client wants the connection kept after the answer: HTTP/1.1 unless it sent
    /// `Connection: close`; HTTP/1.0 only if it sent `Connection: keep-alive`.
    public var isKeepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request.
    public var expectsContinue: Bool

    /// The complete request, as handed to an `HTTPHandler`.
    public func request(body: [UInt8], trailers: HTTPHeaders = [:], remoteAddress: String = "") -> HTTPRequest {
        var request = HTTPRequest(method: method, target: target, path: path, query: query,
                                  headers: headers, body: body, remoteAddress: remoteAddress)
        request.trailers = trailers
        return request
    }
}

/// Why a request was refused, with the status code the server answers before closing.
public enum HTTPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not `method SP request-target SP HTTP-version`.
    case invalidRequestLine
    /// A request-target that is not in origin, absolute, authority or asterisk form, or whose
    /// percent-encoding or UTF-8 is broken.
    case invalidTarget
    /// A line that ends in a bare LF or CR, where RFC 9112 asks for CRLF.
    case invalidLineEnding
    /// A header line that is not `name ":" OWS value OWS` (obs-fold included).
    case invalidHeader
    /// No `Host` in an HTTP/1.1 request, or more than one.
    case invalidHost
    /// A `Content-Length` that is not a number, or several that differ.
    case invalidContentLength
    /// Both `Content-Length` and `Transfer-Encoding`: a request smuggling vector, refused.
    case conflictingFraming
    /// `Transfer-Encoding` whose last coding is not `chunked`, or on an HTTP/1.0 request.
    case invalidTransferEncoding
    /// A transfer coding other than `chunked` (gzip, deflate...).
    case unsupportedTransferEncoding
    /// A malformed chunk-size line, chunk extension or chunk terminator.
    case invalidChunk
    /// The connection ended in the middle of a request.
    case truncatedRequest
    case requestLineTooLong
    case headerTooLarge
    case bodyTooLarge
    case unsupportedVersion
    /// An `Expect` other than `100-continue`.
    case unsupportedExpectation

    /// The status code the server answers with.
    public var status: Int {
        switch self {
        case .requestLineTooLong: 414
        case .headerTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupportedTransferEncoding: 501
        case .unsupportedVersion: 505
        case .unsupportedExpectation: 417
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .invalidRequestLine: "malformed request line: expected `METHOD /target HTTP/1.1`"
        case .invalidTarget: "malformed request target: expected an absolute path with valid percent-encoded UTF-8"
        case .invalidLineEnding: "malformed line ending: lines must end with CRLF"
        case .invalidHeader: "malformed header line: expected `Name: value` (no line folding, no control characters)"
        case .invalidHost: "an HTTP/1.1 request needs exactly one Host header"
        case .invalidContentLength: "malformed Content-Length: expected one decimal number"
        case .conflictingFraming: "both Content-Length and Transfer-Encoding are present: send one"
        case .invalidTransferEncoding: "Transfer-Encoding must end with `chunked` (and needs HTTP/1.1)"
        case .unsupportedTransferEncoding: "only the `chunked` transfer coding is supported"
        case .invalidChunk: "malformed chunked body: bad chunk size, extension or terminator"
        case .truncatedRequest: "the connection ended before the request was complete"
        case .requestLineTooLong: "request line too long"
        case .headerTooLarge: "header section too large"
        case .bodyTooLarge: "request body too large"
        case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are supported"
        case .unsupportedExpectation: "only `Expect: 100-continue` is supported"
        }
    }
}

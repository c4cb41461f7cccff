/// Header fields in arrival order; lookups ignore case, as RFC 9110 requires.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
        set {
            fields.removeAll { $0.name.caseInsensitiveEquals(name) }
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}

/// A parsed request, body complete (chunked bodies already de-chunked).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target exactly as sent, e.g. `/client/v4/accounts/a/x?page=2`.
    public var target: String
    /// The path part of `target`, percent-decoded.
    public var path: String
    /// The query parameters of `target`, percent-decoded, in order (`+` means space).
    public var query: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer, e.g. `127.0.0.1:53122`, for logs and per-client limits.
    public var remoteAddress: String
    /// Trailer fields sent after a chunked body (RFC 9112 section 7.1.2); kept apart from
    /// `headers` because a trailer may not be trusted as a header.
    public var trailers: HTTPHeaders = [:]

    public init(method: String, target: String, path: String, query: [(name: String, value: String)] = [],
                headers: HTTPHeaders = [:], body: [UInt8] = [], remoteAddress: String = "") {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// An answer. The server adds `Content-Length`, `Date` and `Connection` itself.
public struct HTTPResponse: Sendable {
    /// What the server does with the connection instead of (or after) answering.
    public enum Disposition: Sendable {
        /// Send the answer; keep the connection if the client wants it.
        case respond
        /// Send the answer, then close the connection.
        case respondAndClose
        /// Send nothing and reset the connection (RST), as a crashed peer would: fault injection.
        case resetConnection
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var disposition: Disposition

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], disposition: Disposition = .respond) {
        self.status = status
        self.headers = headers
        self.body = body
        self.disposition = disposition
    }

    /// A response with `Content-Type: application/json`.
    public static func json(status: Int = 200, _ body: [UInt8], headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// A plain-text response.
    public static func text(status: Int, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "text/plain; charset=utf-8"
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}

/// Whatever answers requests. Called concurrently, once per request; it may suspend (a slow
/// answer, `wait_for_completion`) without holding up other connections.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}

/// One part of a `multipart/form-data` body (RFC 7578).
public struct MultipartPart: Sendable, Hashable {
    /// The `name` parameter of `Content-Disposition: form-data`.
    public var name: String
    /// The `filename` parameter, if the part is a file (RFC 5987 `filename*` decoded).
    public var filename: String?
    public var contentType: String?
    public var body: [UInt8]

    public init(name: String, filename: String? = nil, contentType: String? = nil, body: [UInt8]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.body = body
    }
}

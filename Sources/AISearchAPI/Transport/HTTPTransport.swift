/// The HTTP methods the AI Search API uses, and HEAD (the S3 client's HeadObject).
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case head = "HEAD"
}

/// Header fields in order; lookups ignore case, as RFC 9110 requires.
public struct TransportHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, or nil. Setting replaces every field of that name.
    public subscript(name: String) -> String? {
        get { fields.first { Self.sameName($0.name, name) }?.value }
        set {
            fields.removeAll { Self.sameName($0.name, name) }
            if let newValue { fields.append(Field(name: name, value: newValue)) }
        }
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Field names compared with ASCII letters folded (names are tokens: RFC 9110 5.1), without
    /// the two lowercased copies per field per lookup that every answer's rate-limit reading made.
    static func sameName(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        let folded = { (byte: UInt8) in byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte }
        return zip(left.utf8, right.utf8).allSatisfy { folded($0) == folded($1) }
    }

    public mutating func add(name: String, value: String) { fields.append(Field(name: name, value: value)) }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// One HTTP request as the client hands it to a transport: complete, body in memory.
public struct TransportRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute URL, path segments and query already percent-encoded.
    public var url: String
    public var headers: TransportHeaders
    public var body: [UInt8]
    /// The most this exchange may take, from sending the first byte to receiving the last.
    public var timeout: Duration
    /// The largest answer body accepted; a larger one ends the exchange with
    /// `TransportError` `.responseTooLarge` as soon as that is known, so memory stays bounded.
    public var maxResponseBytes: Int

    /// 8 MiB: JSON answers (a listing page of 50 items is some 50 KB; search answers with chunk
    /// text a few hundred KB) with a wide margin.
    public static let defaultMaxResponseBytes = 8 * 1024 * 1024

    public init(method: HTTPMethod, url: String, headers: TransportHeaders = [:], body: [UInt8] = [],
                timeout: Duration = .seconds(60), maxResponseBytes: Int = Self.defaultMaxResponseBytes) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// One HTTP answer, body complete.
public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: TransportHeaders
    public var body: [UInt8]

    public init(status: Int, headers: TransportHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends one request and returns its answer. The seam between the client and the network:
/// production passes `CurlTransport`, tests pass a fake, the emulator may pass itself.
///
/// Contract: any HTTP status is an answer, not an error, except a redirect (3xx with a
/// `Location`), which is never followed and throws `TransportError` `.redirected`. A failure to
/// exchange the message at all (connect, TLS, timeout, reset, an answer over
/// `maxResponseBytes`) throws `TransportError`; cancellation throws `CancellationError`.
/// A transport never retries on its own; `AISearchClient` decides that.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
}

/// A request could not be exchanged with the server at all: no HTTP answer exists.
///
/// Thrown by transports; `AISearchClient` fills in `endpoint` and `attempts` before passing it on.
/// The description never holds a query string or a header value.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The exchange took longer than the request's timeout.
        case timedOut = "timed out"
        /// The host could not be resolved or refused the connection.
        case cannotConnect = "cannot connect"
        /// The connection broke before the answer was complete.
        case connectionLost = "connection lost"
        /// The TLS handshake or certificate check failed.
        case secureConnectionFailed = "TLS failure"
        /// The URL could not be used (bad scheme, bad characters).
        case badURL = "bad URL"
        case other = "transport failure"
    }

    public var code: Code
    /// What the transport said, without URLs or headers.
    public var detail: String
    /// `METHOD /path` of the call, set by the client.
    public var endpoint: String?
    /// How many times the client tried before giving up.
    public var attempts: Int

    public init(code: Code, detail: String = "", endpoint: String? = nil, attempts: Int = 1) {
        self.code = code
        self.detail = detail
        self.endpoint = endpoint
        self.attempts = attempts
    }

    /// Whether trying again may help. A bad URL never gets better.
    public var isRetryable: Bool { code != .badURL }

    public var description: String {
        var text = (endpoint.map { "\($0): " } ?? "") + "\(code.rawValue)"
        if !detail.isEmpty { text += " (\(detail))" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        switch code {
        case .timedOut: text += "; the server did not answer in time, retry later or raise the timeout"
        case .cannotConnect: text += "; check the network and the base URL"
        case .connectionLost: text += "; the network dropped the connection, retry later"
        case .secureConnectionFailed: text += "; check the system clock and CA certificates"
        case .badURL: text += "; check the base URL, account id and instance id"
        case .other: text += "; retry later"
        }
        return text
    }
}

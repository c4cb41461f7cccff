/// A request could not be exchanged with the server at all: no usable HTTP answer exists.
///
/// Thrown by transports; `AISearchClient` fills in `endpoint` and `attempts` before passing it on.
/// The description never holds a query string or a header value, and names what happened and
/// what to do.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The exchange took longer than the request's timeout.
        case timedOut = "timed out"
        /// The host name could not be resolved.
        case hostNotFound = "host not found"
        /// Nothing listens on that port: the connection was refused.
        case connectionRefused = "connection refused"
        /// The connection could not be made for another reason (unreachable, connect timeout).
        case cannotConnect = "cannot connect"
        /// The connection broke (reset, closed early) before the answer was complete.
        case connectionLost = "connection lost"
        /// The peer answered bytes that are not HTTP.
        case notHTTP = "not HTTP"
        /// The server's TLS certificate was rejected; the detail names the problem.
        case certificateRejected = "TLS certificate rejected"
        /// The TLS handshake failed for another reason.
        case secureConnectionFailed = "TLS failure"
        /// The server answered with a redirect, which is never followed (credentials stay home).
        case redirected = "redirect refused"
        /// The answer's body is larger than the call allows.
        case responseTooLarge = "answer too large"
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

    /// Whether trying again may help: not for what a retry would meet again (a certificate, a
    /// redirect, an over-large answer, a server that does not speak HTTP, a bad URL).
    public var isRetryable: Bool {
        switch code {
        case .timedOut, .hostNotFound, .connectionRefused, .cannotConnect, .connectionLost, .other: true
        case .notHTTP, .certificateRejected, .secureConnectionFailed, .redirected, .responseTooLarge, .badURL: false
        }
    }

    public var description: String {
        var text = (endpoint.map { "\($0): " } ?? "") + "\(code.rawValue)"
        if !detail.isEmpty { text += " (\(detail))" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text + "; " + advice
    }

    /// What a person can do about it.
    public var advice: String {
        switch code {
        case .timedOut: "the server did not answer in time; retry later or raise the timeout"
        case .hostNotFound: "check the base URL's host name and the DNS settings"
        case .connectionRefused: "nothing listens there; check the base URL's host and port"
        case .cannotConnect: "check the network and the base URL"
        case .connectionLost: "the connection broke; retry later"
        case .notHTTP: "the base URL points at something that does not speak HTTP (or https at plain http); check it"
        case .certificateRejected:
            "the server's certificate is not trusted; check the system clock, the CA certificates "
                + "(ca-certificates) and the base URL's host; not retried"
        case .secureConnectionFailed: "check the base URL (https to a plain-http port?) and the CA certificates; not retried"
        case .redirected:
            "redirects are not followed so the credentials only go to the base URL's host; "
                + "set the base URL (CLOUDFLARE_BASE_URL) to where the API really answers"
        case .responseTooLarge: "the server sent more than this call allows; check the base URL; not retried"
        case .badURL: "check the base URL, account id and instance id"
        case .other: "retry later"
        }
    }
}

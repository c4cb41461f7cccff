/// The API answered a call with a failure: a non-2xx status or `success: false`.
///
/// Carries Cloudflare's `errors` verbatim, the method and path of the call (never its query
/// string, never a header), and how many attempts were made. The description is one line that
/// names the call, what the server said, and what to do.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure class, as the Cloudflare SDKs name them.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case badRequest, authentication, permissionDenied, notFound, conflict, unprocessable, rateLimited,
             server, other

        public init(status: Int) {
            switch status {
            case 400: self = .badRequest
            case 401: self = .authentication
            case 403: self = .permissionDenied
            case 404: self = .notFound
            case 409: self = .conflict
            case 422: self = .unprocessable
            case 429: self = .rateLimited
            case 500...: self = .server
            default: self = .other
            }
        }

        /// What a person can do about it.
        var advice: String {
            switch self {
            case .badRequest, .unprocessable: "the request was rejected as invalid; fix what the errors name"
            case .authentication: "check the API token (CLOUDFLARE_API_TOKEN) or email and global key"
            case .permissionDenied: "the token lacks access; it needs AI Search:Edit and AI Search:Run on this account"
            case .notFound: "check the account id, namespace, instance id and item id"
            case .conflict: "it already exists or is busy; fetch its current state before changing it"
            case .rateLimited: "the account's API rate limit (1,200 requests per 5 minutes) is used up; wait and retry"
            case .server: "Cloudflare failed to answer; retry later"
            case .other: "unexpected answer; see the errors"
            }
        }
    }

    public var status: Int
    public var kind: Kind
    /// Cloudflare's `errors`, with control characters removed from the messages (see
    /// `sanitizedServerText`).
    public var errors: [APIMessage]
    public var method: HTTPMethod
    /// The path of the call after the base URL, without the query string.
    public var path: String
    public var attempts: Int

    public init(status: Int, kind: Kind? = nil, errors: [APIMessage], method: HTTPMethod, path: String,
                attempts: Int = 1) {
        self.status = status
        self.kind = kind ?? Kind(status: status)
        self.errors = errors
        self.method = method
        self.path = path
        self.attempts = attempts
    }

    /// Whether some error has this Cloudflare code.
    public func has(code: Int) -> Bool { errors.contains { $0.code == code } }

    public var description: String {
        var text = "\(method.rawValue) \(path): HTTP \(status) (\(kind.rawValue))"
        if !errors.isEmpty {
            text += " " + errors.map { "[\($0.code)] \($0.message)" }.joined(separator: "; ")
        }
        if attempts > 1 { text += ", after \(attempts) attempts" }
        return sanitizedServerText(text + "; " + kind.advice)
    }
}

/// The server's answer could not be understood: not JSON, or JSON of an unexpected shape.
public struct ResponseFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        /// The body is not JSON (an HTML error page from a proxy, say).
        case notJSON
        /// JSON, but not the envelope or result expected; the detail says where.
        case unexpectedShape(String)
        /// `success: true` without the `result` this call needs.
        case missingResult
    }

    public var method: HTTPMethod
    public var path: String
    public var status: Int
    public var contentType: String?
    public var problem: Problem
    public var attempts: Int

    public init(method: HTTPMethod, path: String, status: Int, contentType: String?, problem: Problem, attempts: Int = 1) {
        self.method = method
        self.path = path
        self.status = status
        self.contentType = contentType
        self.problem = problem
        self.attempts = attempts
    }

    /// The class of the HTTP status, as for `APIError`.
    public var kind: APIError.Kind { (200..<300).contains(status) ? .other : APIError.Kind(status: status) }

    public var description: String {
        let type = contentType ?? "no content type"
        var text = "\(method.rawValue) \(path): "
        switch problem {
        case .notJSON: text += "answer is not JSON (status \(status), \(type))"
        case .unexpectedShape(let detail): text += "answer has an unexpected shape (status \(status)): \(detail)"
        case .missingResult: text += "answer has no result (status \(status))"
        }
        if attempts > 1 { text += ", after \(attempts) attempts" }
        text += (200..<300).contains(status)
            ? "; the API may have changed, or the base URL points at something else"
            : "; " + kind.advice
        return sanitizedServerText(text)
    }
}

import AISearchAPI

// How the client's errors read at the terminal. One line each, naming the call by method and path
// (the `/accounts/{id}/ai-search` prefix shortened to `…`), the status, and Cloudflare's own
// errors; the hint says what to do. Rejected credentials (401, 403) exit 3, every other failure
// of the API exits 1. The client never puts credentials or query strings in these errors.

extension APIError: UserFacingError {
    /// `GET …/namespaces/default/instances/docs: 404 Not Found: [7003] Could not route to …`
    public var message: String {
        var text = "\(method.rawValue) \(APIErrorText.shortPath(path)): \(APIErrorText.statusLine(status))"
        if !errors.isEmpty {
            text += ": " + errors.map { "[\($0.code)] \($0.message)" }.joined(separator: "; ")
        }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return APIErrorText.oneLine(text)
    }

    public var exitCode: ExitCode { APIErrorText.exitCode(kind) }
    public var hint: String? { APIErrorText.hint(kind) }
}

extension ResponseFormatError: UserFacingError {
    public var message: String {
        APIErrorText.oneLine(description.replacing(path, with: APIErrorText.shortPath(path), maxReplacements: 1))
    }

    public var exitCode: ExitCode { APIErrorText.exitCode(kind) }
    public var hint: String? { kind == .authentication || kind == .permissionDenied ? APIErrorText.hint(kind) : nil }
}

extension TransportError: UserFacingError {
    public var message: String {
        var text = description
        if let endpoint, let space = endpoint.firstIndex(of: " ") {
            let path = String(endpoint[endpoint.index(after: space)...])
            text = text.replacing(path, with: APIErrorText.shortPath(path), maxReplacements: 1)
        }
        return APIErrorText.oneLine(text)
    }

    public var exitCode: ExitCode { .failure }
}

/// The wording shared by the three conformances.
enum APIErrorText {
    static func exitCode(_ kind: APIError.Kind) -> ExitCode {
        kind == .authentication || kind == .permissionDenied ? .configuration : .failure
    }

    static func hint(_ kind: APIError.Kind) -> String? {
        switch kind {
        case .authentication, .permissionDenied:
            "Check the API token (CLOUDFLARE_API_TOKEN, --token-file) or the email and global key, and that the "
                + "token has the AI Search:Edit and AI Search:Run permissions on this account."
        case .notFound:
            "Check the account id, the namespace (--namespace), and the instance, item or job id."
        case .rateLimited:
            "The account's API rate limit (1,200 requests per 5 minutes) is used up; wait a few minutes and retry."
        case .server:
            "Cloudflare failed to answer; retry later."
        case .conflict:
            "It already exists or is busy; look at its current state first."
        case .badRequest, .unprocessable, .other:
            nil
        }
    }

    /// `/accounts/abc/ai-search/namespaces/default/instances/docs` as `…/namespaces/default/instances/docs`.
    static func shortPath(_ path: String) -> String {
        guard path.hasPrefix("/accounts/"), let range = path.firstRange(of: "/ai-search/") else { return path }
        return "…" + path[path.index(before: range.upperBound)...]
    }

    /// `404 Not Found`.
    static func statusLine(_ status: Int) -> String {
        reasonPhrases[status].map { "\(status) \($0)" } ?? "HTTP \(status)"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static let reasonPhrases: [Int: String] = [
        200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        408: "Request Timeout", 409: "Conflict", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
        422: "Unprocessable Content", 429: "Too Many Requests",
        500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}

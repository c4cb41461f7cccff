import AISearchAPI

/// A failure answered with the v4 envelope. Every status/code/message the emulator uses is in
/// the table below, so the choices live in one place:
///
/// | case | status | code | message |
/// |---|---|---|---|
/// | `invalidRequest` | 400 | 1001 | `Invalid request: <detail>` |
/// | `jobAlreadyEnded` | 400 | 1004 | `Job <id> has already ended` (400, not 409: SDKs retry 409) |
/// | `namespaceNotEmpty` | 400 | 1005 | `Namespace <name> still has instances` |
/// | `defaultNamespaceProtected` | 400 | 1006 | `The default namespace cannot be deleted` |
/// | `authenticationMissing` | 401 | 10000 | `Authentication error` (no credentials sent) |
/// | `authenticationFailed` | 403 | 10000 | `Authentication error` (wrong token, or account not served) |
/// | `unknownAuthKey` | 403 | 9103 | `Unknown X-Auth-Key or X-Auth-Email` (wrong legacy pair) |
/// | `noRoute` | 404 | 7000 | `No route for that URI` |
/// | `notFound` | 404 | 7003 | `Could not route to <path>, perhaps your object identifier is invalid?` |
/// | `methodNotAllowed` | 405 | 7001 | `Method <M> not allowed for this route` (+ `Allow`) |
/// | `conflict` | 409 | 1002 | `<thing> already exists` |
/// | `payloadTooLarge` | 413 | 1003 | `File exceeds the maximum upload size of 4194304 bytes` |
/// | `rateLimited` | 429 | 971 | `Please wait and consider throttling your request speed` (+ `Retry-After`) |
/// | `internalError` | 500 | 1000 | `Internal server error` |
///
/// Injected 502 and 503 answer an HTML page, as Cloudflare's edge does, not an envelope.
public struct EmulatorError: Error, Sendable, Equatable {
    public var status: Int
    public var code: Int
    public var message: String
    public var headers: [String: String] = [:]

    public static func invalidRequest(_ detail: String) -> EmulatorError {
        EmulatorError(status: 400, code: 1001, message: "Invalid request: \(detail)")
    }
    public static func jobAlreadyEnded(_ id: String) -> EmulatorError {
        EmulatorError(status: 400, code: 1004, message: "Job \(id) has already ended")
    }
    public static func namespaceNotEmpty(_ name: String) -> EmulatorError {
        EmulatorError(status: 400, code: 1005, message: "Namespace \(name) still has instances; delete them first")
    }
    public static let defaultNamespaceProtected = EmulatorError(status: 400, code: 1006,
                                                           message: "The default namespace cannot be deleted")
    public static let authenticationMissing = EmulatorError(status: 401, code: 10000, message: "Authentication error")
    public static let authenticationFailed = EmulatorError(status: 403, code: 10000, message: "Authentication error")
    public static let unknownAuthKey = EmulatorError(status: 403, code: 9103, message: "Unknown X-Auth-Key or X-Auth-Email")
    public static let noRoute = EmulatorError(status: 404, code: 7000, message: "No route for that URI")
    public static func notFound(_ path: String) -> EmulatorError {
        EmulatorError(status: 404, code: 7003, message: "Could not route to \(path), perhaps your object identifier is invalid?")
    }
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> EmulatorError {
        EmulatorError(status: 405, code: 7001, message: "Method \(method) not allowed for this route",
                 headers: ["Allow": allowed.joined(separator: ", ")])
    }
    public static func conflict(_ thing: String) -> EmulatorError {
        EmulatorError(status: 409, code: 1002, message: "\(thing) already exists")
    }
    public static func payloadTooLarge(limit: Int) -> EmulatorError {
        EmulatorError(status: 413, code: 1003, message: "File exceeds the maximum upload size of \(limit) bytes")
    }
    public static func rateLimited(retryAfterSeconds: Int) -> EmulatorError {
        EmulatorError(status: 429, code: 971, message: "Please wait and consider throttling your request speed",
                 headers: ["Retry-After": String(retryAfterSeconds)])
    }
    public static let internalError = EmulatorError(status: 500, code: 1000, message: "Internal server error")
}

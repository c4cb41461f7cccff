import AISearchAPI
import Foundation
import HTTPServer

/// `/__emulator/…`, a path the real API does not have: no rate limit, not counted. When the
/// emulator was given credentials (`--accept-token`, or `--accept-email` with `--accept-key`),
/// these routes require the same ones (401 otherwise), so a client that may not call the API
/// cannot change its faults or wipe its state either; without credentials they are open.
///
/// | method and path | does |
/// |---|---|
/// | `GET /__emulator/faults` | the fault settings (JSON, `FaultSettings` keys) |
/// | `PUT /__emulator/faults` | replaces them (absent keys take defaults) and reseeds |
/// | `GET /__emulator/stats` | `{total, requests: [{method, route, status, count}], s3_requests: {operation: count}}` |
/// | `DELETE /__emulator/stats` | clears the counts |
/// | `GET /__emulator/requests?since=N` | `{last, requests: [{sequence, method, route, status, time}]}`: the answered API requests numbered above N (default 0), oldest first, from a log of the last 10,000; `time` is wall-clock seconds since 1970 when the answer was ready |
/// | `POST /__emulator/settle` | finishes all processing now |
/// | `POST /__emulator/reset` | fresh state, configured faults, no counts or rate windows |
extension EmulatorService {
    struct StatsAnswer: Codable {
        var total: Int
        var requests: [RequestCount]
        /// The R2 endpoint's S3 requests by operation (not REST API requests: not in `total`).
        var s3Requests: [String: Int]

        enum CodingKeys: String, CodingKey {
            case total, requests
            case s3Requests = "s3_requests"
        }
    }

    struct RequestLogAnswer: Codable {
        /// The sequence number of the last request answered (pass it as `since` next time).
        var last: Int
        var requests: [LoggedRequest]
    }

    func handleAdmin(_ request: HTTPRequest) async -> HTTPResponse {
        guard isAdminAllowed(request) else {
            return Self.adminError(401, "the admin endpoints need the credentials the emulator accepts "
                                   + "(--accept-token: send Authorization: Bearer <token>; or X-Auth-Email and X-Auth-Key)")
        }
        switch (request.path, request.method) {
        case ("/__emulator/faults", "GET"):
            return .json(JSONAnswers.encode(await traffic.currentFaults))
        case ("/__emulator/faults", "PUT"):
            guard let settings = try? JSONDecoder().decode(FaultSettings.self, from: Data(request.body)) else {
                return Self.adminError(400, "the body must be a JSON object of fault settings")
            }
            if let problem = settings.validationError { return Self.adminError(400, problem) }
            await traffic.setFaults(settings)
            return .json(JSONAnswers.encode(settings))
        case ("/__emulator/stats", "GET"):
            let counts = await traffic.requestCounts()
            return .json(JSONAnswers.encode(StatsAnswer(total: counts.reduce(0) { $0 + $1.count }, requests: counts,
                                                        s3Requests: store.buckets.requestCounts())))
        case ("/__emulator/stats", "DELETE"):
            await traffic.clearCounts()
            store.buckets.clearRequestCounts()
            return .json(JSONAnswers.encode(["cleared": true]))
        case ("/__emulator/requests", "GET"):
            let sinceText = request.queryValue("since") ?? "0"
            guard let since = Int(sinceText), since >= 0 else {
                return Self.adminError(400, "since must be a whole number of at least 0, not '\(sinceText)'")
            }
            let (requests, last) = await traffic.loggedRequests(since: since)
            return .json(JSONAnswers.encode(RequestLogAnswer(last: last, requests: requests)))
        case ("/__emulator/settle", "POST"):
            await store.settleAll()
            return .json(JSONAnswers.encode(["settled": true]))
        case ("/__emulator/reset", "POST"):
            await store.reset()
            await traffic.reset()
            return .json(JSONAnswers.encode(["reset": true]))
        case ("/__emulator/faults", _), ("/__emulator/stats", _), ("/__emulator/requests", _), ("/__emulator/settle", _),
             ("/__emulator/reset", _):
            return Self.adminError(405, "method \(request.method) not allowed here")
        default:
            return Self.adminError(404, "no admin endpoint \(request.path); see /__emulator/faults, stats, requests, settle, reset")
        }
    }

    /// True when no credentials are configured, or the request carries configured ones.
    private func isAdminAllowed(_ request: HTTPRequest) -> Bool {
        let token = configuration.apiToken
        let pair = configuration.email.flatMap { email in configuration.apiKey.map { (email, $0) } }
        guard token != nil || pair != nil else { return true }
        if let token, let authorization = request.headers["Authorization"], authorization == "Bearer \(token)" { return true }
        if let (email, key) = pair, request.headers["X-Auth-Email"] == email, request.headers["X-Auth-Key"] == key { return true }
        return false
    }

    private static func adminError(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status: status, JSONAnswers.encode(["error": message]))
    }
}

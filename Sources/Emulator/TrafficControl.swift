import Hashing
import AISearchAPI
import Foundation
import HTTPServer

/// How many requests one method/route/status triple has seen (`/__emulator/stats`).
public struct RequestCount: Codable, Hashable, Sendable {
    public var method: String
    /// The route template, e.g. `/accounts/{account_id}/ai-search/namespaces/{name}/instances/{id}/items`,
    /// or `unrouted`.
    public var route: String
    /// The answer's status; 0 for a connection reset.
    public var status: Int
    public var count: Int
}

/// One answered API request in the request log (`/__emulator/requests`).
public struct LoggedRequest: Codable, Hashable, Sendable {
    /// 1, 2, 3, … in answer order; never reused, not even by a reset.
    public var sequence: Int
    public var method: String
    public var route: String
    public var status: Int
    /// Wall-clock seconds since 1970 (`Date()`, whatever the emulator's clock) when the answer
    /// was ready: the request's arrival plus the emulator's handling of it.
    public var time: Double
}

/// What happens to one API request before it reaches the emulated API: authentication, the
/// per-credential rate limit, and injected faults. Also keeps the request counts. An actor, so
/// the fault generator is drawn in request-arrival order and every count is exact.
actor TrafficControl {
    enum Decision {
        /// Go on; slow the answer down first if `delay` is set.
        case proceed(delay: Duration?)
        case reject(EmulatorError)
        /// An injected answer, sent as is.
        case inject(HTTPResponse)
        case resetConnection
    }

    private let configuration: EmulatorConfiguration
    private var faults: FaultSettings
    private var generator: SeededGenerator
    /// Per credential: the same reading of the limit as the client's budget (`RequestWindow`).
    private var windows: [String: RequestWindow] = [:]
    private var counts: [RequestCountKey: Int] = [:]
    /// The last `requestLogCapacity` answered requests, oldest first once full (a ring).
    private var log: [LoggedRequest] = []
    private var logStart = 0
    private var lastSequence = 0
    /// API requests that arrived, answered or not (an answer may be held back by a slow fault).
    private(set) var arrivals = 0
    static let requestLogCapacity = 10_000

    private struct RequestCountKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    init(configuration: EmulatorConfiguration) {
        self.configuration = configuration
        faults = configuration.faults
        generator = SeededGenerator(seed: configuration.faults.seed)
    }

    // MARK: Admission

    /// Decides the fate of one request and returns it with the rate-limit headers every API
    /// answer carries. Order: rate limit (counted per presented credential, or per peer when none),
    /// authentication, account, then faults. A request refused for its rate does not count.
    func admit(_ request: HTTPRequest, account: String?) -> (decision: Decision, headers: HTTPHeaders) {
        arrivals += 1
        let credential = Self.presentedCredential(request)
        let limiterKey = credential?.limiterKey ?? "anonymous:\(request.remoteAddress)"
        let now = configuration.clock.now
        let policy = configuration.rateLimit
        let at = Duration.seconds(now.timeIntervalSince1970)
        var window = windows[limiterKey] ?? RequestWindow(limits: policy.limits)
        let limited = window.remaining(at: at) == 0
        if !limited { window.record(at: at) }
        windows[limiterKey] = window
        let reset = window.reset(at: at).components
        let resetIn = max(0, Int((Double(reset.seconds) + Double(reset.attoseconds) / 1e18).rounded(.up)))
        var headers = HTTPHeaders()
        headers["Ratelimit"] = "\"default\";r=\(window.remaining(at: at));t=\(resetIn)"
        headers["Ratelimit-Policy"] = "\"default\";q=\(policy.requests);w=\(policy.windowSeconds)"

        if limited { return (.reject(.rateLimited(retryAfterSeconds: max(1, resetIn))), headers) }
        if let failure = authenticate(credential) { return (.reject(failure), headers) }
        if let served = configuration.accountID, let account, account != served {
            return (.reject(.authenticationFailed), headers)
        }
        let fault = drawFault()
        if case .proceed = fault, faults.uploadErrorRate > 0, request.method == "POST", request.path.hasSuffix("/items"),
           generator.nextUnit() < faults.uploadErrorRate {
            return (.inject(Self.edgeErrorPage(status: 503, title: "Service temporarily unavailable")), headers)
        }
        return (fault, headers)
    }

    /// For an item-listing page: the skip fault's rate and a fresh seed for this page's draws.
    func listingSkips() -> (rate: Double, seed: UInt64)? {
        guard faults.listingSkipRate > 0 else { return nil }
        return (faults.listingSkipRate, generator.next())
    }

    private struct Credential {
        var limiterKey: String
        var token: String?
        var email: String?
        var key: String?
    }

    private static func presentedCredential(_ request: HTTPRequest) -> Credential? {
        if let authorization = request.headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            let token = parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : authorization
            return Credential(limiterKey: "token:\(token)", token: token)
        }
        if let email = request.headers["X-Auth-Email"], let key = request.headers["X-Auth-Key"] {
            return Credential(limiterKey: "email:\(email)", email: email, key: key)
        }
        return nil
    }

    /// Nil when allowed. No credentials configured: everything is allowed.
    private func authenticate(_ credential: Credential?) -> EmulatorError? {
        let tokenConfigured = configuration.apiToken != nil
        let pairConfigured = configuration.email != nil && configuration.apiKey != nil
        guard tokenConfigured || pairConfigured else { return nil }
        guard let credential else { return .authenticationMissing }
        if let token = credential.token { return tokenConfigured && token == configuration.apiToken ? nil : .authenticationFailed }
        let matches = pairConfigured && credential.email == configuration.email && credential.key == configuration.apiKey
        return matches ? nil : .unknownAuthKey
    }

    private func drawFault() -> Decision {
        let pick = generator.nextUnit()
        let slow = generator.nextUnit()
        let f = faults
        if pick < f.rateLimitRate {
            return .reject(.rateLimited(retryAfterSeconds: f.injectedRetryAfterSeconds))
        }
        if pick < f.rateLimitRate + f.serverErrorRate {
            let share = (pick - f.rateLimitRate) / f.serverErrorRate
            switch min(2, Int(share * 3)) {
            case 0: return .reject(.internalError)
            case 1: return .inject(Self.edgeErrorPage(status: 502, title: "Bad gateway"))
            default: return .inject(Self.edgeErrorPage(status: 503, title: "Service temporarily unavailable"))
            }
        }
        if pick < f.rateLimitRate + f.serverErrorRate + f.connectionResetRate { return .resetConnection }
        if slow < f.slowRate { return .proceed(delay: .milliseconds(f.slowDelayMilliseconds)) }
        return .proceed(delay: nil)
    }

    /// Cloudflare's edge answers 502/503 with an HTML page, not the JSON envelope.
    private static func edgeErrorPage(status: Int, title: String) -> HTTPResponse {
        let html = "<!DOCTYPE html><html><head><title>\(status): \(title)</title></head>"
            + "<body><h1>Error \(status)</h1><p>\(title)</p><p>Cloudflare (emulated)</p></body></html>"
        return HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=UTF-8"], body: Array(html.utf8))
    }

    // MARK: Faults and counts

    var currentFaults: FaultSettings { faults }

    /// Replaces the fault settings and restarts the generator from their seed.
    func setFaults(_ settings: FaultSettings) {
        faults = settings
        generator = SeededGenerator(seed: settings.seed)
    }

    func record(method: String, route: String, status: Int) {
        counts[RequestCountKey(method: method, route: route, status: status), default: 0] += 1
        lastSequence += 1
        let entry = LoggedRequest(sequence: lastSequence, method: method, route: route, status: status,
                                  time: Date().timeIntervalSince1970)
        if log.count < Self.requestLogCapacity {
            log.append(entry)
        } else {
            log[logStart] = entry
            logStart = (logStart + 1) % Self.requestLogCapacity
        }
    }

    /// Logged requests with a sequence number above `since`, oldest first, and the last number
    /// given out. Only the last `requestLogCapacity` are kept.
    func loggedRequests(since: Int) -> (requests: [LoggedRequest], last: Int) {
        // Numbers are consecutive, so the wanted ones are the newest `lastSequence - since`.
        let wanted = max(0, min(log.count, lastSequence - since))
        let newest = (logStart + log.count - 1) % max(1, log.count)
        let requests = (0..<wanted).reversed().map { back in log[(newest - back + log.count) % log.count] }
        return (requests, lastSequence)
    }

    func requestCounts() -> [RequestCount] {
        counts.map { RequestCount(method: $0.key.method, route: $0.key.route, status: $0.key.status, count: $0.value) }
            .sorted { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }
    }

    func clearCounts() { counts = [:] }

    /// Back to the start: configured faults (reseeded), fresh rate windows, no counts, an empty
    /// request log (sequence numbers go on).
    func reset() {
        setFaults(configuration.faults)
        windows = [:]
        counts = [:]
        log = []
        logStart = 0
    }
}

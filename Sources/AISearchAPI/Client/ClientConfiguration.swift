/// Everything an `AISearchClient` needs to know about where and how to call the API.
///
/// Safe to print: `description`, `debugDescription` and `dump` never show the token or key.
public struct ClientConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    /// How the client proves who it is.
    public enum Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable {
        /// `Authorization: Bearer <token>`; the token needs *AI Search:Edit* and *AI Search:Run*.
        case apiToken(String)
        /// The legacy pair `X-Auth-Email` + `X-Auth-Key` (global API key).
        case emailAndKey(email: String, key: String)

        /// The header fields that carry the credentials.
        var headerFields: [(name: String, value: String)] {
            switch self {
            case .apiToken(let token): [("Authorization", "Bearer \(token)")]
            case .emailAndKey(let email, let key): [("X-Auth-Email", email), ("X-Auth-Key", key)]
            }
        }

        public var description: String {
            switch self {
            case .apiToken: "API token (redacted)"
            case .emailAndKey(let email, _): "email \(email) + global API key (redacted)"
            }
        }

        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
    }

    /// Which of the two equivalent path families the client calls.
    public enum PathStyle: String, Sendable, Hashable, CaseIterable {
        /// `/accounts/{a}/ai-search/namespaces/{ns}/instances/...` (the default).
        case namespaced
        /// `/accounts/{a}/ai-search/instances/...` (deprecated in the SDK; the default namespace).
        case legacy
    }

    public static let defaultBaseURL = "https://api.cloudflare.com/client/v4"

    /// Base URL without a trailing slash, e.g. `https://api.cloudflare.com/client/v4`.
    public var baseURL: String
    public var accountID: String
    public var credentials: Credentials
    /// Namespace of instance calls in `.namespaced` style and of namespace-wide search.
    public var namespace: String
    public var pathStyle: PathStyle
    /// The most one HTTP exchange may take. Calls with `waitForCompletion` get at least
    /// `waitTimeout`, since the server may hold them about 40 s.
    public var timeout: Duration
    public var waitTimeout: Duration
    public var retryPolicy: RetryPolicy
    /// Limits of the client-side request budget the client creates when none is passed to it.
    public var budgetLimits: RequestBudget.Limits
    public var userAgent: String
    /// Told before the client sleeps: before a retry, or for the request budget (waits of a
    /// second or more). The agent logs these, so a run held up by the rate limit says so.
    public var waitObserver: (@Sendable (ClientWait) -> Void)?

    public init(accountID: String, credentials: Credentials, baseURL: String = Self.defaultBaseURL,
                namespace: String = "default", pathStyle: PathStyle = .namespaced,
                timeout: Duration = .seconds(60), waitTimeout: Duration = .seconds(90),
                retryPolicy: RetryPolicy = RetryPolicy(), budgetLimits: RequestBudget.Limits = .cloudflareDefault,
                userAgent: String = "aisearch-sync") {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.accountID = accountID
        self.credentials = credentials
        self.namespace = namespace
        self.pathStyle = pathStyle
        self.timeout = timeout
        self.waitTimeout = waitTimeout
        self.retryPolicy = retryPolicy
        self.budgetLimits = budgetLimits
        self.userAgent = userAgent
    }

    /// Reads what the Cloudflare tools read: `CLOUDFLARE_ACCOUNT_ID`, then `CLOUDFLARE_API_TOKEN`
    /// or `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`, and `CLOUDFLARE_BASE_URL` if set.
    /// Returns nil when the account id or the credentials are missing.
    public static func fromEnvironment(_ environment: [String: String]) -> ClientConfiguration? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let account = value("CLOUDFLARE_ACCOUNT_ID") else { return nil }
        let credentials: Credentials
        if let token = value("CLOUDFLARE_API_TOKEN") {
            credentials = .apiToken(token)
        } else if let email = value("CLOUDFLARE_EMAIL"), let key = value("CLOUDFLARE_API_KEY") {
            credentials = .emailAndKey(email: email, key: key)
        } else {
            return nil
        }
        return ClientConfiguration(accountID: account, credentials: credentials,
                                   baseURL: value("CLOUDFLARE_BASE_URL") ?? defaultBaseURL)
    }

    public var description: String {
        "ClientConfiguration(baseURL: \(baseURL), account: \(accountID), credentials: \(credentials), "
            + "namespace: \(namespace), paths: \(pathStyle.rawValue), timeout: \(timeout), "
            + "retries: \(retryPolicy.maxAttempts) attempts, budget: \(budgetLimits.requests) per \(budgetLimits.period))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "baseURL": baseURL, "accountID": accountID, "credentials": credentials.description,
            "namespace": namespace, "pathStyle": pathStyle, "timeout": timeout,
            "retryPolicy": retryPolicy, "budgetLimits": budgetLimits,
        ], displayStyle: .struct)
    }
}

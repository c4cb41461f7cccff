import AISearchAPI
import Foundation

/// Why an R2 configuration could not be made; each message names the setting and what to do.
public struct R2ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Everything `R2Client` needs: where the S3 endpoint is, the key pair, and how to retry and
/// pace requests (a budget of its own: R2's S3 API does not count against the Cloudflare REST
/// API's 1,200 requests per 5 minutes). `description` never holds the secret.
public struct R2Configuration: Sendable, CustomStringConvertible {
    /// `https://ACCOUNT_ID.r2.cloudflarestorage.com`, or another S3 endpoint (a jurisdiction's,
    /// moto, the emulator's `http://127.0.0.1:PORT/r2`); no trailing slash. Requests go to
    /// `{endpoint}/{bucket}/{key}` (path style).
    public var endpoint: String
    public var credentials: R2Credentials
    /// R2 signs with `auto`.
    public var region: String
    public var retryPolicy: RetryPolicy
    public var budgetLimits: RequestBudget.Limits
    /// Deadline of one exchange.
    public var timeout: Duration
    /// GetObject refuses bodies longer than this (it holds them in memory).
    public var maxObjectBytes: Int
    public var userAgent: String

    /// Fails when `endpoint` is not an absolute http(s) URL without query or fragment.
    public init(endpoint: String, credentials: R2Credentials, region: String = "auto",
                retryPolicy: RetryPolicy = RetryPolicy(), budgetLimits: RequestBudget.Limits = Self.defaultBudget,
                timeout: Duration = .seconds(120), maxObjectBytes: Int = 64 * 1024 * 1024,
                userAgent: String = "aisearch-sync-r2") throws(R2ConfigurationError) {
        self.endpoint = try Self.normalizedEndpoint(endpoint)
        self.credentials = credentials
        self.region = region
        self.retryPolicy = retryPolicy
        self.budgetLimits = budgetLimits
        self.timeout = timeout
        self.maxObjectBytes = maxObjectBytes
        self.userAgent = userAgent
    }

    /// 100 requests per second: far under what R2 takes, enough for a bulk load.
    public static let defaultBudget = RequestBudget.Limits(requests: 100, period: .seconds(1))

    /// The account's default endpoint, `https://ACCOUNT_ID.r2.cloudflarestorage.com`.
    public static func defaultEndpoint(accountID: String) -> String { "https://\(accountID).r2.cloudflarestorage.com" }

    /// Resolves the endpoint and the credentials the way the agent documents it:
    /// - endpoint: `endpoint` (a `--r2-endpoint` flag) if given, else `R2_ENDPOINT`, else the
    ///   account's default endpoint (needs `accountID`);
    /// - credentials: `credentialsFile` (a `--r2-credentials-file` flag) if given, else
    ///   `R2_CREDENTIALS_FILE`, else `R2_ACCESS_KEY_ID` + `R2_SECRET_ACCESS_KEY`, else
    ///   `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`. A pair must be complete.
    public static func resolve(accountID: String?, endpoint: String? = nil, credentialsFile: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(R2ConfigurationError) -> R2Configuration {
        let chosen: String
        if let endpoint, !endpoint.isEmpty { chosen = endpoint }
        else if let fromEnvironment = environment["R2_ENDPOINT"], !fromEnvironment.isEmpty { chosen = fromEnvironment }
        else if let accountID, !accountID.isEmpty { chosen = defaultEndpoint(accountID: accountID) }
        else { throw R2ConfigurationError("no R2 endpoint: set R2_ENDPOINT (or --r2-endpoint), or give the account id (CLOUDFLARE_ACCOUNT_ID)") }
        let credentials = try R2CredentialsLoader.resolve(credentialsFile: credentialsFile, environment: environment)
        return try R2Configuration(endpoint: chosen, credentials: credentials)
    }

    public var description: String { "R2 endpoint \(endpoint), \(credentials), region \(region)" }

    /// `scheme://host[:port]` (a default port dropped), lowercased, plus any path, no trailing `/`.
    static func normalizedEndpoint(_ raw: String) throws(R2ConfigurationError) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil, components.user == nil
        else {
            throw R2ConfigurationError("R2 endpoint \"\(raw)\" is not an http(s) URL like https://ACCOUNT_ID.r2.cloudflarestorage.com")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        guard path.utf8.allSatisfy({ AWSPercentEncoding.isUnreserved($0) || $0 == UInt8(ascii: "/") }) else {
            throw R2ConfigurationError("R2 endpoint \"\(raw)\": its path may hold only letters, digits, '-', '.', '_', '~' and '/'")
        }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var port = ""
        if let number = components.port, !(scheme == "https" && number == 443), !(scheme == "http" && number == 80) {
            port = ":\(number)"
        }
        return "\(scheme)://\(shownHost.lowercased())\(port)\(path)"
    }

    /// `host[:port]` as the `Host` header carries it, and the endpoint's path (empty or `/…`).
    var hostAndPath: (host: String, path: String) {
        let afterScheme = endpoint[endpoint.range(of: "://")!.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return (String(afterScheme), "") }
        return (String(afterScheme[..<slash]), String(afterScheme[slash...]))
    }
}

/// Reads an R2 key pair from the environment or a credentials file.
///
/// **Credentials file format**: text lines `name = value` (spaces around `=` optional); the
/// names are `access_key_id` and `secret_access_key` (`aws_access_key_id` and
/// `aws_secret_access_key` are accepted too, so an AWS-style file's default profile reads);
/// blank lines, `#` or `;` comments and `[section]` lines are skipped. Example:
/// ```
/// # R2 API token "docs-sync", bucket docs
/// access_key_id = 0123456789abcdef0123456789abcdef
/// secret_access_key = 0123…
/// ```
public enum R2CredentialsLoader {
    public static func resolve(credentialsFile: String?, environment: [String: String]) throws(R2ConfigurationError) -> R2Credentials {
        if let path = credentialsFile ?? environment["R2_CREDENTIALS_FILE"], !path.isEmpty { return try read(file: path) }
        if let pair = try pair(environment, id: "R2_ACCESS_KEY_ID", secret: "R2_SECRET_ACCESS_KEY") { return pair }
        if let pair = try pair(environment, id: "AWS_ACCESS_KEY_ID", secret: "AWS_SECRET_ACCESS_KEY") { return pair }
        throw R2ConfigurationError("no R2 credentials: set R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY (an R2 API token's "
            + "Access Key ID and Secret Access Key), or give --r2-credentials-file")
    }

    private static func pair(_ environment: [String: String], id: String, secret: String) throws(R2ConfigurationError) -> R2Credentials? {
        let idValue = environment[id].flatMap { $0.isEmpty ? nil : $0 }
        let secretValue = environment[secret].flatMap { $0.isEmpty ? nil : $0 }
        switch (idValue, secretValue) {
        case (nil, nil): return nil
        case (let idValue?, let secretValue?): return R2Credentials(accessKeyID: idValue, secretAccessKey: secretValue, origin: "\(id)/\(secret)")
        case (nil, _): throw R2ConfigurationError("\(secret) is set but \(id) is not: set both")
        case (_, nil): throw R2ConfigurationError("\(id) is set but \(secret) is not: set both")
        }
    }

    /// Reads the file format described above.
    public static func read(file path: String) throws(R2ConfigurationError) -> R2Credentials {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw R2ConfigurationError("cannot read the R2 credentials file \(path): it does not exist or is not readable")
        }
        return try parse(String(decoding: data, as: UTF8.self), origin: path)
    }

    public static func parse(_ text: String, origin: String) throws(R2ConfigurationError) -> R2Credentials {
        var id: String?
        var secret: String?
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("[") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw R2ConfigurationError("R2 credentials file \(origin), line \(number + 1): expected name = value")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "access_key_id", "aws_access_key_id": id = value
            case "secret_access_key", "aws_secret_access_key": secret = value
            default:
                // The value is not repeated: it may be a secret under a misspelt name.
                throw R2ConfigurationError("R2 credentials file \(origin), line \(number + 1): unknown name \"\(name)\" "
                    + "(expected access_key_id or secret_access_key)")
            }
        }
        guard let id, !id.isEmpty, let secret, !secret.isEmpty else {
            throw R2ConfigurationError("R2 credentials file \(origin) needs both access_key_id and secret_access_key")
        }
        return R2Credentials(accessKeyID: id, secretAccessKey: secret, origin: origin)
    }
}

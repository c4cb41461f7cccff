#if canImport(Glibc)
import Glibc
#endif
import AISearchAPI
import LinuxSystem

/// Turns the global options (already merged with their environment variables by the parser) into
/// a `ClientConfiguration`, or a `ClientSetupError` (exit 3) that says what to set.
///
/// **Which credentials win.** What is typed on the command line beats the environment. At the same
/// level an API token beats the email + global key pair, and a token given directly
/// (`--api-token`, `CLOUDFLARE_API_TOKEN`) beats a token file (`--token-file`,
/// `AISEARCH_TOKEN_FILE`); typing both `--api-token` and `--token-file` is a usage error. So a
/// `CLOUDFLARE_API_TOKEN` in the environment is used even when `CLOUDFLARE_EMAIL` and
/// `CLOUDFLARE_API_KEY` are set too (as the Cloudflare SDKs do), but `--email … --api-key …` typed
/// on the command line overrides it.
///
/// No message produced here contains a token or key.
public enum ClientFactory {
    /// The configuration for the running command.
    public static func configuration(from arguments: ParsedArguments) throws -> ClientConfiguration {
        guard let accountID = try nonEmpty(arguments.string(GlobalOptions.accountID.name)) else {
            throw ClientSetupError("no account id: pass --account-id or set CLOUDFLARE_ACCOUNT_ID")
        }
        let baseURL = try arguments.value(GlobalOptions.baseURL.name, expecting: "an http(s) URL") { text in
            text.hasPrefix("https://") || text.hasPrefix("http://") ? text : nil
        } ?? ClientConfiguration.defaultBaseURL
        let namespace = try arguments.string(GlobalOptions.namespace.name) ?? "default"
        let legacy = try arguments.flag(GlobalOptions.legacyPaths.name)
        if legacy, namespace != "default" {
            throw UsageError("--legacy-paths reaches the default namespace only; it cannot be used with namespace '\(namespace)'")
        }
        let timeout = try arguments.duration(GlobalOptions.timeout.name) ?? .seconds(60)
        guard timeout > .zero else { throw UsageError("--timeout: must be more than 0") }
        var configuration = ClientConfiguration(
            accountID: accountID, credentials: try credentials(from: arguments), baseURL: baseURL,
            namespace: namespace, pathStyle: legacy ? .legacy : .namespaced, timeout: timeout)
        configuration.waitTimeout = max(configuration.waitTimeout, timeout)
        return configuration
    }

    /// The credentials, by the precedence described on the type.
    static func credentials(from arguments: ParsedArguments) throws -> ClientConfiguration.Credentials {
        let token = try arguments.parsedValues(GlobalOptions.apiToken.name).last
        let tokenFile = try arguments.parsedValues(GlobalOptions.tokenFile.name).last
        let email = try arguments.parsedValues(GlobalOptions.email.name).last
        let key = try arguments.parsedValues(GlobalOptions.apiKey.name).last
        func typed(_ value: ParsedValue?) -> Bool { value?.source == .commandLine }

        if typed(token), typed(tokenFile) {
            throw UsageError("pass either --api-token or --token-file, not both")
        }
        for fromCommandLine in [true, false] {
            func here(_ value: ParsedValue?) -> ParsedValue? {
                guard let value, typed(value) == fromCommandLine else { return nil }
                return value
            }
            if let token = here(token) { return .apiToken(try checkedToken(token.text, origin: token)) }
            if let tokenFile = here(tokenFile) { return .apiToken(try readTokenFile(tokenFile)) }
            if here(email) != nil || here(key) != nil { return try emailAndKey(email: email, key: key) }
        }
        throw ClientSetupError(
            "no API credentials: set CLOUDFLARE_API_TOKEN (or pass --token-file), "
                + "or set CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY")
    }

    private static func emailAndKey(email: ParsedValue?, key: ParsedValue?) throws -> ClientConfiguration.Credentials {
        guard let email = nonEmpty(email?.text) else {
            throw ClientSetupError("an API key needs the account's email too: pass --email or set CLOUDFLARE_EMAIL")
        }
        guard let key = nonEmpty(key?.text) else {
            throw ClientSetupError("--email needs the global API key too: pass --api-key or set CLOUDFLARE_API_KEY "
                + "(or use an API token: CLOUDFLARE_API_TOKEN)")
        }
        return .emailAndKey(email: email, key: key)
    }

    private static func checkedToken(_ text: String, origin: ParsedValue) throws -> String {
        let token = text.trimmingWhitespace
        guard !token.isEmpty else {
            let name = if case .environment(let variable) = origin.source { variable } else { "--api-token" }
            throw ClientSetupError("the API token given by \(name) is empty")
        }
        return token
    }

    /// The token in the file, without surrounding whitespace; exit 3 naming the path if unreadable.
    private static func readTokenFile(_ value: ParsedValue) throws -> String {
        let path = value.text
        let origin = if case .environment(let variable) = value.source { " (from \(variable))" } else { "" }
        let bytes: [UInt8]
        do {
            bytes = try LocalFile.read(path)
        } catch {
            throw ClientSetupError("cannot read the token file \(path)\(origin): \(error.errno)")
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        guard !token.isEmpty else { throw ClientSetupError("the token file \(path)\(origin) is empty") }
        guard !token.contains(where: \.isNewline) else {
            throw ClientSetupError("the token file \(path)\(origin) has more than one line; it should hold only the token")
        }
        return token
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingWhitespace.isEmpty else { return nil }
        return text
    }
}

/// The client cannot be set up (no account id, no credentials, an unreadable token file): a
/// configuration error, exit code 3.
public typealias ClientSetupError = ConfigurationError

fileprivate extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

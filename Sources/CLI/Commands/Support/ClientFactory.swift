import AISearchAPI

/// Turns the effective settings (flags > environment > config file > defaults, see
/// `EffectiveConfiguration`) into a `ClientConfiguration`, or a `ConfigurationError` (exit 3)
/// that says what to set. No message produced here contains a token or key.
public enum ClientFactory {
    /// The configuration for the running command, in the top-level namespace.
    public static func configuration(for context: CommandContext) throws -> ClientConfiguration {
        let settings = try EffectiveConfiguration.load(from: context)
        return try configuration(settings, namespace: settings.namespace.value, legacyPaths: settings.legacyPaths.value,
                                 arguments: context.arguments)
    }

    /// The configuration for one sync: its own namespace and path style when it sets them.
    static func configuration(_ settings: EffectiveConfiguration, sync: SyncConfiguration,
                              arguments: ParsedArguments) throws -> ClientConfiguration {
        try configuration(settings, namespace: sync.namespaceName, legacyPaths: sync.legacyPaths.value, arguments: arguments)
    }

    private static func configuration(_ settings: EffectiveConfiguration, namespace: String, legacyPaths: Bool,
                                      arguments: ParsedArguments) throws -> ClientConfiguration {
        let accountID = try settings.requireAccountID()
        let credentials: ClientConfiguration.Credentials = switch try settings.requireCredentials() {
        case .apiToken(let token): .apiToken(token)
        case .globalAPIKey(let email, let key): .emailAndKey(email: email, key: key)
        }
        if legacyPaths, namespace != "default" {
            throw UsageError("--legacy-paths reaches the default namespace only; it cannot be used with namespace '\(namespace)'")
        }
        let timeout = try arguments.duration(GlobalOptions.timeout.name) ?? .seconds(60)
        guard timeout > .zero else { throw UsageError("--timeout: must be more than 0") }
        var configuration = ClientConfiguration(
            accountID: accountID, credentials: credentials, baseURL: settings.baseURL.value,
            namespace: namespace, pathStyle: legacyPaths ? .legacy : .namespaced, timeout: timeout,
            budgetLimits: settings.rateLimit.value.budgetLimits)
        configuration.waitTimeout = max(configuration.waitTimeout, timeout)
        return configuration
    }
}

/// The client cannot be set up (no account id, no credentials, an unreadable token file): a
/// configuration error, exit code 3.
public typealias ClientSetupError = ConfigurationError

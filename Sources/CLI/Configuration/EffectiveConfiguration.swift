import Agent
import Observability

/// Every setting the agent runs with, each with the place it came from, after combining the
/// command line, the environment, the config file and the defaults.
///
/// **Precedence**: flags > environment > config file > defaults, per setting. Within the file,
/// a sync's own key beats the top-level one (`syncs[1].max_delete` over `max_delete`).
///
/// **Environment**: `CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_ACCOUNT_ID`, `CLOUDFLARE_EMAIL`,
/// `CLOUDFLARE_API_KEY`, `CLOUDFLARE_BASE_URL` (the names Cloudflare's tools use), and
/// `AISEARCH_INSTANCE`, `AISEARCH_NAMESPACE`, `AISEARCH_STATE_DIR`, `AISEARCH_LOG_FORMAT`,
/// `AISEARCH_LOG_LEVEL`, `AISEARCH_TOKEN_FILE`, `AISEARCH_LISTEN`. An empty variable counts as
/// unset.
///
/// **Credentials** are taken whole from the highest layer that has any: `--token-file`; then
/// `CLOUDFLARE_API_TOKEN` or `AISEARCH_TOKEN_FILE` (not both), or `CLOUDFLARE_EMAIL` +
/// `CLOUDFLARE_API_KEY`; then `api_token` or `api_token_file` (not both), or `email` +
/// `api_key`. A token wins over an email + key pair in the same layer. Token files are read
/// with trailing whitespace (the newline `kubectl create secret` and editors add) removed.
///
/// **Syncs** (which folder goes to which instance):
/// - With a folder on the command line: one sync, its instance from `--instance`,
///   `AISEARCH_INSTANCE`, or the file's sync with the same root (whose overrides then apply).
/// - Otherwise the file's `syncs`. `--instance` / `AISEARCH_INSTANCE` then selects the syncs of
///   that instance, and supplies the instance of syncs that name none.
/// - Syncs into the same instance and namespace must have prefixes that do not overlap, or each
///   would delete the other's items.
///
/// Nothing here is required: commands ask with `requireCredentials()`, `requireAccountID()`
/// and `requireSyncs()`, so `config check` can show an incomplete configuration.
public struct EffectiveConfiguration: Sendable, Equatable {
    /// The config file's path, if one was read.
    public var configFile: String?
    public var accountID: Setting<String>?
    public var credentials: Setting<Credentials>?
    public var baseURL: Setting<String>
    /// The namespace of commands that name no sync (`instances list`); syncs may override it.
    public var namespace: Setting<String>
    public var legacyPaths: Setting<Bool>
    public var logFormat: Setting<LogFormat>
    public var logLevel: Setting<LogLevel>
    /// `nil` value: no health/metrics endpoint.
    public var listen: Setting<ListenAddress?>
    public var stateDirectory: Setting<String>
    public var wait: Setting<Bool>
    public var rateLimit: Setting<RateLimit>
    public var syncs: [SyncConfiguration]

    public static let defaultBaseURL = "https://api.cloudflare.com/client/v4"

    /// The strings to hand to the logger for redaction.
    public var secrets: [String] { credentials?.value.secrets ?? [] }

    /// Combines the layers. Pure except for reading token files through `readFile`.
    ///
    /// - Parameters:
    ///   - flags: what was typed on the command line.
    ///   - environment: the process environment.
    ///   - file: the parsed config file, if `--config` was given.
    ///   - readFile: reads a token file; the default reads the real file system.
    /// - Throws: `ConfigurationError` (exit code 3) for the first bad value, naming its source.
    public static func resolve(
        flags: CommandLineSettings, environment: [String: String], file: ConfigFile?,
        readFile: (String) throws -> String = { try ConfigurationFiles.readText($0) }
    ) throws -> EffectiveConfiguration {
        let layers = ConfigurationLayers(flags: flags, environment: environment, file: file)
        let stateDefault: String = if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            state + "/aisearch-sync"
        } else if let home = environment["HOME"], !home.isEmpty {
            home + "/.local/state/aisearch-sync"
        } else {
            "/var/lib/aisearch-sync"
        }
        return try EffectiveConfiguration(
            configFile: file?.path,
            accountID: layers.value(SettingKeys.accountID),
            credentials: CredentialResolver(layers: layers).resolve(readFile: readFile),
            baseURL: layers.value(SettingKeys.baseURL, default: defaultBaseURL),
            namespace: layers.value(SettingKeys.namespace, default: "default"),
            legacyPaths: layers.value(SettingKeys.legacyPaths, default: false),
            logFormat: layers.value(SettingKeys.logFormat, default: .human),
            logLevel: layers.value(SettingKeys.logLevel, default: .info),
            listen: layers.value(SettingKeys.listen, default: nil),
            stateDirectory: layers.value(SettingKeys.stateDirectory, default: stateDefault),
            wait: layers.value(SettingKeys.wait, default: false),
            rateLimit: rateLimit(layers),
            syncs: SyncResolver(layers: layers).resolve())
    }

    /// `rate_limit` from `--rate-limit n/s`, or from the file's two members (a missing member
    /// keeps its default).
    private static func rateLimit(_ layers: ConfigurationLayers) throws -> Setting<RateLimit> {
        if let flag = try layers.value(SettingKeys.rateLimit, from: [.flag]) { return flag }
        let requests = try layers.value(SettingKeys.rateLimitRequests, from: [.file])
        let seconds = try layers.value(SettingKeys.rateLimitSeconds, from: [.file])
        guard let source = requests?.source ?? seconds?.source else {
            return Setting(.cloudflareDefault, source: .defaultValue)
        }
        return Setting(RateLimit(requests: requests?.value ?? RateLimit.cloudflareDefault.requests,
                                 perSeconds: seconds?.value ?? RateLimit.cloudflareDefault.perSeconds), source: source)
    }

    // MARK: Requirements

    /// The credentials, or an error saying every way to give them.
    public func requireCredentials() throws -> Credentials {
        guard let credentials else {
            throw ConfigurationError(
                "no API credentials: set CLOUDFLARE_API_TOKEN, or pass --token-file, or set api_token_file in the config file",
                hint: "Create a token with AI Search Edit permission at https://dash.cloudflare.com/profile/api-tokens.")
        }
        return credentials.value
    }

    public func requireAccountID() throws -> String {
        guard let accountID else {
            throw ConfigurationError("no account ID: pass --account-id, set CLOUDFLARE_ACCOUNT_ID, or set account_id in the config file")
        }
        return accountID.value
    }

    public func requireSyncs() throws -> [SyncConfiguration] {
        guard !syncs.isEmpty else {
            throw ConfigurationError("nothing to sync: give a folder and --instance, or list syncs in the config file (--config)")
        }
        return syncs
    }
}

/// One folder synced into one instance, with its own settings.
public struct SyncConfiguration: Sendable, Equatable {
    /// How messages name this sync: `syncs[1]` in the file, or `<root>` from the command line.
    public var label: String
    public var root: Setting<String>
    public var instance: Setting<String>
    /// `""` or a prefix ending in `/` added to every key.
    public var prefix: Setting<String>
    /// Nil when no layer names one (then it is `default`, like the top-level setting).
    public var namespace: Setting<String>?
    /// Resolved through every layer, the top-level key included.
    public var legacyPaths: Setting<Bool>
    public var maxDelete: Setting<DeleteLimit>
    /// The owner marker; nil: the default (host name and folder, see `OwnerMarker`).
    public var owner: Setting<String>?
    public var deleteForeign: Setting<Bool>
    /// Read `.gitignore` files as ignore rules too.
    public var gitignore: Setting<Bool>
    public var concurrency: Setting<Int>
    public var settle: Setting<Duration>
    public var maxSettle: Setting<Duration>
    /// `nil` value: no periodic rescan.
    public var safetyRescan: Setting<Duration?>

    /// The namespace the sync's instance lives in.
    public var namespaceName: String { namespace?.value ?? "default" }

    public static let defaultMaxDelete = DeleteLimit.percentage(50)
    public static let defaultConcurrency = 4
    public static let defaultSettle = Duration.milliseconds(200)
    public static let defaultMaxSettle = Duration.seconds(10)
    public static let defaultSafetyRescan: Duration? = .seconds(3600)
}

import AISearchAPI

/// The root's global options: where the API is, who is calling, which namespace, how to print.
/// Every command below the root accepts them; `ClientFactory` reads them, so a command added
/// later (sync, watch, search…) gets a client configured the same way.
///
/// Each option falls back to the environment variable the Cloudflare tools use where one exists.
public enum GlobalOptions {
    public static let accountID = OptionSpec.value(
        "--account-id", valueName: "id", help: "The Cloudflare account id.",
        environment: "CLOUDFLARE_ACCOUNT_ID", isGlobal: true)
    public static let apiToken = OptionSpec.value(
        "--api-token", valueName: "token",
        help: "An API token with AI Search:Edit and AI Search:Run. Prefer the variable or --token-file: "
            + "a token on the command line shows in 'ps' and in shell history.",
        environment: "CLOUDFLARE_API_TOKEN", isGlobal: true)
    public static let tokenFile = OptionSpec.value(
        "--token-file", valueName: "path", help: "Read the API token from this file (surrounding whitespace is ignored).",
        environment: "AISEARCH_TOKEN_FILE", isGlobal: true)
    public static let email = OptionSpec.value(
        "--email", valueName: "address", help: "Account email, with --api-key (legacy global-key authentication).",
        environment: "CLOUDFLARE_EMAIL", isGlobal: true)
    public static let apiKey = OptionSpec.value(
        "--api-key", valueName: "key", help: "Global API key, with --email. An API token is preferred.",
        environment: "CLOUDFLARE_API_KEY", isGlobal: true)
    public static let baseURL = OptionSpec.value(
        "--base-url", valueName: "url", help: "The API's base URL (e.g. an emulator's).",
        defaultValue: ClientConfiguration.defaultBaseURL, environment: "CLOUDFLARE_BASE_URL", isGlobal: true)
    public static let namespace = OptionSpec.value(
        "--namespace", short: "n", valueName: "name", help: "The AI Search namespace.",
        defaultValue: "default", environment: "AISEARCH_NAMESPACE", isGlobal: true)
    public static let legacyPaths = OptionSpec.flag(
        "--legacy-paths", help: "Call the older /ai-search/instances/… paths (default namespace only).",
        isGlobal: true)
    public static let json = OptionSpec.flag(
        "--json", help: "Print the API's result as JSON instead of a table.", isGlobal: true)
    public static let timeout = OptionSpec.value(
        "--timeout", valueName: "duration", help: "The most one HTTP exchange may take (e.g. 30s, 2m).",
        defaultValue: "60s", isGlobal: true)

    public static let config = OptionSpec.value(
        "--config", valueName: "file", help: "Read settings from this JSON file (flags and environment override it; see 'config check').",
        environment: "AISEARCH_CONFIG", isGlobal: true)
    public static let logFormat = OptionSpec.value(
        "--log-format", valueName: "format", help: "human (default) or json: one JSON object per line, for containers and journald.",
        allowedValues: ["human", "json"], environment: "AISEARCH_LOG_FORMAT", isGlobal: true)
    public static let logLevel = OptionSpec.value(
        "--log-level", valueName: "level", help: "The least severe level logged.", defaultValue: "info",
        allowedValues: ["trace", "debug", "info", "notice", "warning", "error"], environment: "AISEARCH_LOG_LEVEL", isGlobal: true)

    /// All of them, in the order help shows them.
    public static let all: [OptionSpec] = [
        accountID, apiToken, tokenFile, email, apiKey, baseURL, namespace, legacyPaths, config, json, timeout, logFormat, logLevel,
    ]

    /// The ones that carry settings `EffectiveConfiguration` resolves (not `--config` itself,
    /// `--json` or `--timeout`).
    static let configurationOptions: [OptionSpec] = [
        accountID, apiToken, tokenFile, email, apiKey, baseURL, namespace, legacyPaths, logFormat, logLevel,
    ]
}

import Observability

/// Hides a secret for display: the first 4 characters and the length (`abcd… (40 chars)`), or
/// `****` when the secret is too short for 4 characters to be safe to show.
public enum SecretMask {
    public static func mask(_ secret: String) -> String {
        secret.count >= 16 ? "\(secret.prefix(4))… (\(secret.count) chars)" : "****"
    }
}

/// What `config check` shows: every effective setting, its value (secrets masked) and where it
/// came from, as a table or as JSON.
public struct ConfigurationReport: Sendable, Equatable {
    /// One line of the report.
    public struct Row: Sendable, Equatable, Encodable {
        /// The config-file key (`log_level`, `syncs[0].max_delete`).
        public var setting: String
        /// The value as text; secrets masked; `(not set)` when missing.
        public var value: String
        /// `flag`, `env`, `file`, `default`, or `-` when not set.
        public var source: String
        /// The flag, variable or file key it came from (`--max-delete`, `CLOUDFLARE_API_TOKEN`,
        /// `config.json: syncs[0].max_delete`); empty for defaults.
        public var origin: String
    }

    public var rows: [Row]

    public init(_ configuration: EffectiveConfiguration) {
        var rows: [Row] = []
        func add<Value>(_ name: String, _ setting: Setting<Value>?, _ text: (Value) -> String) {
            guard let setting else {
                rows.append(Row(setting: name, value: "(not set)", source: "-", origin: ""))
                return
            }
            let origin = setting.source == .defaultValue ? "" : setting.source.location
            rows.append(Row(setting: name, value: text(setting.value), source: setting.source.kind, origin: origin))
        }
        add("account_id", configuration.accountID) { $0 }
        switch configuration.credentials?.value {
        case .apiToken(let token):
            add("api_token", configuration.credentials) { _ in SecretMask.mask(token) }
        case .globalAPIKey(let email, let key):
            add("email", configuration.credentials) { _ in email }
            add("api_key", configuration.credentials) { _ in SecretMask.mask(key) }
        case nil:
            add("api_token", configuration.credentials) { _ in "" }
        }
        add("base_url", configuration.baseURL) { $0 }
        add("namespace", configuration.namespace) { $0 }
        add("legacy_paths", configuration.legacyPaths) { String($0) }
        add("log_format", configuration.logFormat) { $0.rawValue }
        add("log_level", configuration.logLevel) { $0.rawValue }
        add("listen", configuration.listen) { $0?.description ?? "off" }
        add("state_dir", configuration.stateDirectory) { $0 }
        add("wait", configuration.wait) { String($0) }
        add("rate_limit", configuration.rateLimit) { "\($0.requests) requests per \($0.description.split(separator: "/")[1]) s" }
        for (index, sync) in configuration.syncs.enumerated() {
            let prefix = "syncs[\(index)]."
            add(prefix + "root", sync.root) { $0 }
            add(prefix + "instance", sync.instance) { $0 }
            add(prefix + "prefix", sync.prefix) { $0.isEmpty ? "(none)" : $0 }
            add(prefix + "namespace", sync.namespace) { $0 }
            add(prefix + "legacy_paths", sync.legacyPaths) { String($0) }
            add(prefix + "max_delete", sync.maxDelete) { $0.description }
            add(prefix + "owner", sync.owner) { $0 }
            add(prefix + "delete_foreign", sync.deleteForeign) { String($0) }
            add(prefix + "gitignore", sync.gitignore) { String($0) }
            add(prefix + "concurrency", sync.concurrency) { String($0) }
            add(prefix + "settle_ms", sync.settle) { SyncResolver.milliseconds($0) }
            add(prefix + "max_settle_ms", sync.maxSettle) { SyncResolver.milliseconds($0) }
            add(prefix + "safety_rescan", sync.safetyRescan) { $0.map(Self.durationText) ?? "off" }
        }
        self.rows = rows
    }

    /// The table: `SETTING  VALUE  SOURCE`, the source as `env CLOUDFLARE_API_TOKEN`,
    /// `file config.json (syncs[0].root)`, `flag --max-delete` or `default`.
    public var table: Table {
        var table = Table(columns: [.init("SETTING", isTruncatable: false), .init("VALUE"), .init("SOURCE")],
                          emptyMessage: "No settings.")
        for row in rows {
            let source = switch row.source {
            case "flag": "flag " + row.origin
            case "env": "env " + row.origin
            case "file": "file " + row.origin
            default: row.source
            }
            table.append([row.setting, row.value, source])
        }
        return table
    }

    /// `config check --json`: `{"config_file": …, "settings": [{setting, value, source, origin}]}`.
    public func json(configFile: String?) throws -> String {
        struct Document: Encodable {
            var config_file: String?
            var settings: [Row]
        }
        return try JSONOutput.string(Document(config_file: configFile, settings: rows))
    }

    /// `1h`, `30m`, `90s`.
    static func durationText(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

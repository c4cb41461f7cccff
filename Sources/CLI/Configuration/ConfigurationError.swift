/// A setting is missing, malformed or contradictory, wherever it came from (flag, environment,
/// config file). Exit code 3. The message is one line naming the source and key, the value, and
/// what is allowed:
///
/// `config.json: syncs[1].max_delete: "150%" is not allowed; use a count like 100 or a percentage from 0% to 100%`
public struct ConfigurationError: UserFacingError, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var exitCode: ExitCode { .configuration }
    public var description: String { message }

    /// `<where>: <value> is not allowed; use <allowed>`.
    static func notAllowed(_ location: String, value: String, allowed: String) -> ConfigurationError {
        ConfigurationError("\(location): \(value) is not allowed; use \(allowed)")
    }
}

/// Where a setting's value came from, shown by `config check` and named in error messages.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    /// A command-line option, e.g. `--max-delete`.
    case flag(String)
    /// An environment variable, e.g. `CLOUDFLARE_API_TOKEN`.
    case environment(String)
    /// A key in the config file at `path`, e.g. `syncs[1].max_delete`.
    case file(path: String, key: String)
    /// Nothing set it; the built-in default.
    case defaultValue

    /// How error messages name the place: `--max-delete`, `CLOUDFLARE_API_TOKEN`,
    /// `config.json: syncs[1].max_delete`, `default`.
    public var location: String {
        switch self {
        case .flag(let name): name
        case .environment(let name): name
        case .file(let path, let key): "\(path): \(key)"
        case .defaultValue: "default"
        }
    }

    /// The `SOURCE` column of `config check`: `flag --max-delete`, `env CLOUDFLARE_API_TOKEN`,
    /// `file config.json (syncs[1].max_delete)`, `default`.
    public var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .environment(let name): "env \(name)"
        case .file(let path, let key): "file \(path) (\(key))"
        case .defaultValue: "default"
        }
    }

    /// `flag`, `env`, `file` or `default`, for `config check --json`.
    public var kind: String {
        switch self {
        case .flag: "flag"
        case .environment: "env"
        case .file: "file"
        case .defaultValue: "default"
        }
    }
}

/// A resolved value and where it came from.
public struct Setting<Value: Sendable>: Sendable {
    public var value: Value
    public var source: SettingSource

    public init(_ value: Value, source: SettingSource) {
        self.value = value
        self.source = source
    }
}

extension Setting: Equatable where Value: Equatable {}

import Agent
import Foundation
import Observability

/// One configurable setting: its config-file key, flag, environment variables, what it allows
/// (in words, for error messages) and how its text becomes a value. Every layer hands over text
/// (file numbers and Booleans are turned into text first), so one parser checks all of them.
struct SettingKey<Value: Sendable>: Sendable {
    var name: String
    var flag: String?
    var environment: [String] = []
    /// Completes "is not allowed; use …".
    var allowed: String
    var parse: @Sendable (String) -> Value?
    /// Whether a relative value from the config file is a path relative to the file's folder.
    var isPath = false
}

/// The catalogue of settings. `EffectiveConfiguration.resolve` reads them in layers.
enum SettingKeys {
    static let accountID = SettingKey<String>(
        name: "account_id", flag: "--account-id", environment: ["CLOUDFLARE_ACCOUNT_ID"],
        allowed: "the account ID from the dashboard (letters, digits, - and _)",
        parse: { isIdentifier($0) ? $0 : nil })
    static let baseURL = SettingKey<String>(
        name: "base_url", flag: "--base-url", environment: ["CLOUDFLARE_BASE_URL"],
        allowed: "an http:// or https:// URL like https://api.cloudflare.com/client/v4",
        parse: { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                  url.host?.isEmpty == false else { return nil }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        })
    static let namespace = SettingKey<String>(
        name: "namespace", flag: "--namespace", environment: ["AISEARCH_NAMESPACE"],
        allowed: "a namespace name (letters, digits, - and _)",
        parse: { isIdentifier($0) ? $0 : nil })
    static let legacyPaths = SettingKey<Bool>(
        name: "legacy_paths", flag: "--legacy-paths", allowed: "true or false", parse: boolean)
    static let logFormat = SettingKey<LogFormat>(
        name: "log_format", flag: "--log-format", environment: ["AISEARCH_LOG_FORMAT"],
        allowed: "one of: " + LogFormat.allCases.map(\.rawValue).joined(separator: ", "),
        parse: { LogFormat(rawValue: $0.lowercased()) })
    static let logLevel = SettingKey<LogLevel>(
        name: "log_level", flag: "--log-level", environment: ["AISEARCH_LOG_LEVEL"],
        allowed: "one of: " + LogLevel.allCases.map(\.rawValue).joined(separator: ", "),
        parse: { LogLevel(rawValue: $0.lowercased()) })
    static let listen = SettingKey<ListenAddress?>(
        name: "listen", flag: "--listen", environment: ["AISEARCH_LISTEN"],
        allowed: "a host and port like 127.0.0.1:9465, 0.0.0.0:9465 or [::]:9465, or off",
        parse: { $0 == "off" ? .some(nil) : ListenAddress($0).map { .some($0) } })
    static let stateDirectory = SettingKey<String>(
        name: "state_dir", flag: "--state-dir", environment: ["AISEARCH_STATE_DIR"],
        allowed: "a folder path", parse: { $0.isEmpty ? nil : $0 }, isPath: true)
    static let maxDelete = SettingKey<DeleteLimit>(
        name: "max_delete", flag: "--max-delete",
        allowed: "a count like 100 or a percentage from 0% to 100%", parse: { DeleteLimit($0) })
    static let owner = SettingKey<String>(
        name: "owner", flag: "--owner", environment: ["AISEARCH_OWNER"],
        allowed: "a name of 1 to 200 printable characters, like docs-server or team-handbook",
        parse: { text in
            text.isEmpty || text.utf8.count > 200 || text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f } ? nil : text
        })
    static let gitignore = SettingKey<Bool>(
        name: "gitignore", flag: "--gitignore", allowed: "true or false", parse: boolean)
    static let deleteForeign = SettingKey<Bool>(
        name: "delete_foreign", flag: "--delete-foreign", allowed: "true or false", parse: boolean)
    static let concurrency = SettingKey<Int>(
        name: "concurrency", flag: "--concurrency", allowed: "a whole number from 1 to 64",
        parse: { Int($0).flatMap { (1...64).contains($0) ? $0 : nil } })
    static let settle = SettingKey<Duration>(
        name: "settle_ms", flag: "--settle", allowed: "milliseconds from 0 to 600000, like 200 or 200ms or 1s",
        parse: milliseconds)
    static let maxSettle = SettingKey<Duration>(
        name: "max_settle_ms", flag: "--max-settle",
        allowed: "milliseconds from 0 to 600000 (like 10000 or 10s), at least settle_ms", parse: milliseconds)
    static let safetyRescan = SettingKey<Duration?>(
        name: "safety_rescan", flag: "--safety-rescan",
        allowed: "a duration of at least 1m like 30m or 1h, or off",
        parse: { text in
            if text == "off" || text == "0" { return .some(nil) }
            guard let duration = DurationText.parse(text), duration >= .seconds(60) else { return nil }
            return .some(duration)
        })
    static let wait = SettingKey<Bool>(
        name: "wait", flag: "--wait", allowed: "true or false", parse: boolean)
    static let rateLimit = SettingKey<RateLimit>(
        name: "rate_limit", flag: "--rate-limit",
        allowed: "requests/seconds like 1200/300 (1 to 1000000 requests per 1 to 86400 seconds)",
        parse: { RateLimit($0) })
    static let rateLimitRequests = SettingKey<Int>(
        name: "rate_limit.requests", allowed: "a whole number from 1 to 1000000", parse: { RateLimit.requests($0) })
    static let rateLimitSeconds = SettingKey<Double>(
        name: "rate_limit.per_seconds", allowed: "a number of seconds above 0 and at most 86400",
        parse: { RateLimit.seconds($0) })
    static let instance = SettingKey<String>(
        name: "instance", flag: "--instance", environment: ["AISEARCH_INSTANCE"],
        allowed: "an instance id (\(InstanceID.rule))", parse: { InstanceID.isValid($0) ? $0 : nil })
    static let root = SettingKey<String>(
        name: "root", allowed: "a folder path", parse: { $0.isEmpty ? nil : $0 }, isPath: true)
    static let prefix = SettingKey<String>(
        name: "prefix", flag: "--prefix",
        allowed: "a key prefix like handbook/ (no leading /, no empty, . or .. segments)", parse: keyPrefix)

    // MARK: Parsers

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    @Sendable static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// A whole number of milliseconds (the file's `settle_ms: 300`) or a duration with its unit
    /// (the flag's `--settle 300ms`), from 0 to 10 minutes.
    @Sendable static func milliseconds(_ text: String) -> Duration? {
        guard let duration = Int(text).map({ Duration.milliseconds($0) }) ?? DurationText.parse(text) else { return nil }
        return (.zero ... .seconds(600)).contains(duration) ? duration : nil
    }

    /// `handbook` → `handbook/`; `""` stays empty (no prefix).
    @Sendable static func keyPrefix(_ text: String) -> String? {
        if text.isEmpty { return "" }
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard !text.hasPrefix("/"), segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return nil }
        return trimmed + "/"
    }
}

import AISearchAPI
import Foundation
import Observability

/// The config file (`--config FILE`, or `AISEARCH_CONFIG`): JSON holding everything the flags
/// hold, plus any number of folder-to-instance syncs run by one process.
///
/// A full example, every key shown (all optional except `root` and `instance` in each sync):
///
/// ```json
/// {
///   "account_id": "023e105f4ecef8ad9ca31a8372d0c353",
///   "api_token_file": "/run/secrets/cloudflare-token",
///   "base_url": "https://api.cloudflare.com/client/v4",
///   "namespace": "default",
///   "legacy_paths": false,
///   "log_format": "json",
///   "log_level": "info",
///   "listen": "127.0.0.1:9465",
///   "state_dir": "/var/lib/aisearch-sync",
///   "max_delete": "10%",
///   "concurrency": 4,
///   "settle_ms": 300,
///   "max_settle_ms": 5000,
///   "safety_rescan": "1h",
///   "wait": false,
///   "rate_limit": { "requests": 1200, "per_seconds": 300 },
///   "syncs": [
///     { "root": "/srv/docs", "instance": "docs", "prefix": "docs/" },
///     { "root": "handbook", "instance": "docs", "prefix": "handbook/",
///       "max_delete": 50, "concurrency": 2, "settle_ms": 1000, "safety_rescan": "off" }
///   ]
/// }
/// ```
///
/// - Credentials: `api_token` (the token itself), `api_token_file` (a file holding it; a
///   trailing newline is ignored), or `email` + `api_key` (legacy global key). Prefer the file.
/// - Per-sync keys: `root`, `instance`, `prefix`, and overrides of `namespace`, `legacy_paths`,
///   `max_delete`, `concurrency`, `settle_ms`, `max_settle_ms`, `safety_rescan`.
/// - Relative paths (`root`, `api_token_file`, `state_dir`) are relative to the file's folder.
/// - `null` means "not set". Unknown keys are errors, with the closest known key suggested.
///
/// See `EffectiveConfiguration` for how the file combines with flags and the environment.
public struct ConfigFile: Sendable, Equatable {
    /// One value from the file, with its key path for messages (`syncs[1].max_delete`).
    public struct Entry: Sendable, Equatable {
        public var value: JSONValue
        public var keyPath: String
    }

    /// One element of `syncs`.
    public struct Sync: Sendable, Equatable {
        public var index: Int
        /// The sync's keys; `rate_limit` is not allowed here.
        public var entries: [String: Entry]
    }

    /// The path as given, used in messages.
    public var path: String
    /// Top-level keys other than `syncs`; `rate_limit`'s members as `rate_limit.requests` and
    /// `rate_limit.per_seconds`.
    public var entries: [String: Entry]
    public var syncs: [Sync]

    public static let topLevelKeys = [
        "account_id", "api_token", "api_token_file", "email", "api_key", "base_url", "namespace",
        "legacy_paths", "log_format", "log_level", "listen", "state_dir", "max_delete", "concurrency",
        "settle_ms", "max_settle_ms", "safety_rescan", "wait", "rate_limit", "owner", "delete_foreign", "gitignore", "syncs",
    ]
    public static let syncKeys = [
        "root", "instance", "prefix", "namespace", "legacy_paths", "max_delete", "concurrency",
        "settle_ms", "max_settle_ms", "safety_rescan", "owner", "delete_foreign", "gitignore",
    ]
    static let rateLimitKeys = ["requests", "per_seconds"]

    /// The folder relative paths in the file are resolved against (`""` for the current one).
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return path[..<slash].isEmpty ? "/" : String(path[..<slash])
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws -> ConfigFile {
        let text: String
        do {
            text = try ConfigurationFiles.readText(path)
        } catch {
            throw ConfigurationError("\(path): cannot read the config file: \(error.reason)",
                                     hint: "Check the path given to --config (or AISEARCH_CONFIG).")
        }
        return try parse(text, path: path)
    }

    /// Parses the JSON text of a config file; `path` is only used in messages.
    public static func parse(_ text: String, path: String) throws -> ConfigFile {
        let root: JSONValue
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
            root = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch let error as NSError {
            let detail = (error.userInfo["NSDebugDescription"] as? String) ?? error.localizedDescription
            throw ConfigurationError("\(path): not valid JSON: \(detail)")
        }
        guard case .object(let members) = root else {
            throw ConfigurationError("\(path): the top level must be a JSON object ({ ... }), not \(display(root))")
        }
        try checkKeys(members, known: topLevelKeys, path: path, prefix: "")
        var file = ConfigFile(path: path, entries: [:], syncs: [])
        for (key, value) in members where key != "syncs" && key != "rate_limit" && value != .null {
            file.entries[key] = Entry(value: value, keyPath: key)
        }
        if let rateLimit = members["rate_limit"], rateLimit != .null {
            guard case .object(let limit) = rateLimit else {
                throw ConfigurationError.notAllowed("\(path): rate_limit", value: display(rateLimit),
                                                    allowed: #"an object like {"requests": 1200, "per_seconds": 300}"#)
            }
            try checkKeys(limit, known: rateLimitKeys, path: path, prefix: "rate_limit.")
            for (key, value) in limit where value != .null {
                file.entries["rate_limit." + key] = Entry(value: value, keyPath: "rate_limit." + key)
            }
        }
        if let syncs = members["syncs"], syncs != .null {
            let allowed = #"a list of objects like [{"root": "/srv/docs", "instance": "docs"}]"#
            guard case .array(let list) = syncs else {
                throw ConfigurationError.notAllowed("\(path): syncs", value: display(syncs), allowed: allowed)
            }
            for (index, element) in list.enumerated() {
                guard case .object(let members) = element else {
                    throw ConfigurationError.notAllowed("\(path): syncs[\(index)]", value: display(element), allowed: allowed)
                }
                let prefix = "syncs[\(index)]."
                try checkKeys(members, known: syncKeys, path: path, prefix: prefix)
                var entries: [String: Entry] = [:]
                for (key, value) in members where value != .null {
                    entries[key] = Entry(value: value, keyPath: prefix + key)
                }
                file.syncs.append(Sync(index: index, entries: entries))
            }
        }
        return file
    }

    /// Unknown keys are errors, the first one (in sorted order) reported with a suggestion.
    private static func checkKeys(_ members: [String: JSONValue], known: [String], path: String, prefix: String) throws {
        guard let unknown = members.keys.sorted().first(where: { !known.contains($0) }) else { return }
        let elsewhere = prefix.hasPrefix("syncs[") && topLevelKeys.contains(unknown)
            ? " (\(unknown) is a top-level setting, it cannot be set per sync)" : ""
        if elsewhere.isEmpty, let suggestion = ClosestMatch.find(unknown, among: known) {
            throw ConfigurationError("\(path): \(prefix)\(unknown): unknown key; did you mean \"\(suggestion)\"?")
        }
        throw ConfigurationError("\(path): \(prefix)\(unknown): unknown key\(elsewhere)",
                                 hint: "Known keys here: \(known.joined(separator: ", ")).")
    }

    /// A JSON value as shown in messages: strings quoted, containers abbreviated.
    static func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .object: "{…}"
        case .array: "[…]"
        default: value.description
        }
    }

    /// `text` in double quotes, with quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        LogFormatter.jsonString(text)
    }
}

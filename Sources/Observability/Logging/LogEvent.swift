/// The stable, snake_case name of what happened (`upload_done`), written as the `event` field
/// of every JSON record so dashboards and alerts can match on it while messages stay free to
/// change. Declare new events here, next to the others, so the list is the contract:
///
/// ```swift
/// logger.info(.uploadDone, "uploaded \(key)", key: key, itemID: id, duration: elapsed)
/// ```
public struct LogEvent: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Whether the name is snake_case: lower-case ASCII letters and digits in words joined by
    /// single underscores, starting with a letter.
    public var isSnakeCase: Bool {
        let bytes = Array(rawValue.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
              bytes.last != UInt8(ascii: "_") else { return false }
        var previousUnderscore = false
        for byte in bytes {
            let isUnderscore = byte == UInt8(ascii: "_")
            let isWordByte = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            guard isUnderscore || isWordByte, !(isUnderscore && previousUnderscore) else { return false }
            previousUnderscore = isUnderscore
        }
        return true
    }
}

extension LogEvent {
    // Lifecycle
    public static let agentStarted: LogEvent = "agent_started"
    public static let agentStopping: LogEvent = "agent_stopping"
    public static let agentStopped: LogEvent = "agent_stopped"
    public static let configurationLoaded: LogEvent = "configuration_loaded"
    // Watching
    public static let watcherStarted: LogEvent = "watcher_started"
    public static let watcherFailed: LogEvent = "watcher_failed"
    public static let watcherOverflow: LogEvent = "watcher_overflow"
    public static let rescanStarted: LogEvent = "rescan_started"
    public static let rescanDone: LogEvent = "rescan_done"
    public static let fileSkipped: LogEvent = "file_skipped"
    /// Files left out of a scan, one record per reason, with `reason`, `count` and `examples`.
    public static let filesLeftOut: LogEvent = "files_left_out"
    // Reconciling
    public static let reconcileStarted: LogEvent = "reconcile_started"
    public static let reconcileDone: LogEvent = "reconcile_done"
    public static let deleteLimitExceeded: LogEvent = "delete_limit_exceeded"
    public static let uploadDone: LogEvent = "upload_done"
    public static let uploadFailed: LogEvent = "upload_failed"
    public static let deleteDone: LogEvent = "delete_done"
    public static let deleteFailed: LogEvent = "delete_failed"
    public static let reindexStarted: LogEvent = "reindex_started"
    public static let reindexDone: LogEvent = "reindex_done"
    public static let reindexFailed: LogEvent = "reindex_failed"
    // The API
    public static let apiRequest: LogEvent = "api_request"
    public static let apiRetry: LogEvent = "api_retry"
    public static let apiRateLimited: LogEvent = "api_rate_limited"
    public static let authFailed: LogEvent = "auth_failed"
    // Serving
    public static let listenerStarted: LogEvent = "listener_started"
    public static let listenerFailed: LogEvent = "listener_failed"
}

import Foundation

/// One log record after redaction, ready to be formatted. Built by `Logger` only when the
/// record's level is enabled.
public struct LogRecord: Sendable, Equatable {
    public var time: Date
    public var level: LogLevel
    public var event: LogEvent
    public var message: String
    /// The item key (the path relative to the root, as stored remotely).
    public var key: String?
    public var itemID: String?
    public var duration: Duration?
    /// A stable machine-readable error name (`rate_limited`, `http_500`, `ENOSPC`).
    public var errorCode: String?
    /// An HTTP status code.
    public var status: Int?
    /// Every other field, including the logger's context fields.
    public var fields: [String: LogValue]

    /// The names of the standard fields of the JSON format, in the order they are written. An
    /// extra field with one of these names is written with a leading underscore (`_level`) so it
    /// can never replace the real one.
    public static let reservedNames: Set<String> = [
        "time", "level", "event", "message", "key", "item_id", "duration_ms", "error_code", "status",
    ]

    /// `duration` in milliseconds, to the microsecond.
    var durationMilliseconds: Double? {
        guard let duration else { return nil }
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (milliseconds * 1000).rounded() / 1000
    }

    /// The standard optional fields that are set, then the extra fields sorted by name.
    var orderedFields: [(name: String, value: LogValue)] {
        var result: [(String, LogValue)] = []
        if let key { result.append(("key", .string(key))) }
        if let itemID { result.append(("item_id", .string(itemID))) }
        if let durationMilliseconds { result.append(("duration_ms", .double(durationMilliseconds))) }
        if let errorCode { result.append(("error_code", .string(errorCode))) }
        if let status { result.append(("status", .int(status))) }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            result.append((Self.reservedNames.contains(name) ? "_" + name : name, value))
        }
        return result
    }
}

/// How important a log record is. Ordered: `trace < debug < info < notice < warning < error`.
/// A logger set to a level writes records of that level and above.
public enum LogLevel: String, Sendable, CaseIterable, Comparable, Codable {
    /// Every step, e.g. each inotify event. Very noisy.
    case trace
    /// Decisions worth seeing when chasing a problem: why a file was skipped, a retry's delay.
    case debug
    /// What the agent did: uploads, deletes, reconcile summaries.
    case info
    /// Normal but significant: started, stopped, configuration reloaded, rescan after overflow.
    case notice
    /// Something went wrong and was handled: a retry, a rate limit, an ineligible file.
    case warning
    /// Something went wrong and was not handled: an upload that gave up, rejected credentials.
    case error

    /// The position in the order, for comparison and for the logger's atomic threshold.
    var rank: UInt8 {
        switch self {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .notice: 3
        case .warning: 4
        case .error: 5
        }
    }

    init?(rank: UInt8) {
        guard let level = Self.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }

    /// The upper-case label of human-format lines, padded to five columns (`INFO `, `ERROR`).
    var humanLabel: String {
        let label = rawValue.uppercased()
        return label.count < 5 ? label + String(repeating: " ", count: 5 - label.count) : label
    }
}

/// How log records are written.
public enum LogFormat: String, Sendable, CaseIterable, Codable {
    /// One readable line per record for a terminal:
    /// `2025-03-01T12:00:00.123Z INFO  uploaded guides/a.md key=guides/a.md event=upload_done`.
    case human
    /// One JSON object per line for log collectors (journald, Loki, Cloud Logging).
    case json
}

import Foundation
import Synchronization

/// The agent's structured logger: leveled records with a stable event name, written as human
/// lines or JSON lines to standard error (or any `LogSink`).
///
/// ```swift
/// let logger = Logger(level: .info, format: .json, secrets: [token])
/// let docs = logger.with(["instance": "docs"])
/// docs.info(.uploadDone, "uploaded \(key)", key: key, itemID: id, duration: elapsed, status: 200)
/// ```
///
/// Guarantees:
/// - **Thread-safe.** `Logger` is a `Sendable` value; copies made by `with(_:)` share one lock,
///   one sink, one level and one set of secrets. Each record is formatted and written while the
///   lock is held, so lines from concurrent tasks never interleave and appear in the order their
///   writes took the lock.
/// - **Cheap when off.** The level is checked with one atomic load before anything else; the
///   message and fields are autoclosures and are not evaluated for a disabled level.
/// - **Secrets never written.** Every occurrence of a secret given at creation or through
///   `addSecrets(_:)` is replaced by `[REDACTED]` in the message, the standard fields, and the
///   names and values of extra fields.
/// - **Never throws, never blocks on anything but the sink.** A failing sink loses the line.
public struct Logger: Sendable {
    private final class Core: Sendable {
        let threshold: Atomic<UInt8>
        let format: LogFormat
        let now: @Sendable () -> Date
        let state: Mutex<State>

        struct State: ~Copyable {
            var redactor: SecretRedactor
            let sink: any LogSink
        }

        init(level: LogLevel, format: LogFormat, redactor: SecretRedactor, sink: any LogSink,
             now: @escaping @Sendable () -> Date) {
            threshold = Atomic(level.rank)
            self.format = format
            self.now = now
            state = Mutex(State(redactor: redactor, sink: sink))
        }
    }

    private let core: Core
    /// Fields added to every record of this logger (e.g. `instance`), under the record's own.
    public let context: [String: LogValue]

    /// - Parameters:
    ///   - level: the lowest level written.
    ///   - format: human lines or JSON lines.
    ///   - secrets: strings that must never appear in the output (API token, API key).
    ///   - sink: where lines go; standard error by default.
    ///   - now: the clock stamped on records; injectable for tests.
    public init(level: LogLevel = .info, format: LogFormat = .human, secrets: [String] = [],
                sink: any LogSink = StandardErrorLogSink(), now: @escaping @Sendable () -> Date = { Date() }) {
        core = Core(level: level, format: format, redactor: SecretRedactor(secrets: secrets), sink: sink, now: now)
        context = [:]
    }

    private init(core: Core, context: [String: LogValue]) {
        self.core = core
        self.context = context
    }

    /// A logger that adds `fields` to every record, sharing everything else with this one.
    /// Later fields replace earlier ones of the same name.
    public func with(_ fields: [String: LogValue]) -> Logger {
        Logger(core: core, context: context.merging(fields) { _, new in new })
    }

    /// The lowest level written. Changing it affects every logger sharing this one's core.
    public var level: LogLevel {
        get { LogLevel(rank: core.threshold.load(ordering: .relaxed)) ?? .info }
        nonmutating set { core.threshold.store(newValue.rank, ordering: .relaxed) }
    }

    public var format: LogFormat { core.format }

    /// Whether a record of `level` would be written.
    @inline(__always)
    public func isEnabled(_ level: LogLevel) -> Bool {
        level.rank >= core.threshold.load(ordering: .relaxed)
    }

    /// Adds secrets to redact from now on, e.g. a token read after the logger was created.
    public func addSecrets(_ secrets: [String]) {
        core.state.withLock { $0.redactor.add(secrets) }
    }

    /// Writes one record if `level` is enabled.
    ///
    /// - Parameters:
    ///   - event: the stable snake_case name of what happened.
    ///   - message: one human sentence; evaluated only if the level is enabled.
    ///   - key: the item key concerned, if any.
    ///   - itemID: the remote item id, if known.
    ///   - duration: how long the operation took; written as `duration_ms`.
    ///   - errorCode: a stable error name, for failures.
    ///   - status: an HTTP status code.
    ///   - fields: anything else; evaluated only if the level is enabled.
    public func log(_ level: LogLevel, _ event: LogEvent, _ message: @autoclosure () -> String,
                    key: String? = nil, itemID: String? = nil, duration: Duration? = nil,
                    errorCode: String? = nil, status: Int? = nil,
                    fields: @autoclosure () -> [String: LogValue] = [:]) {
        guard isEnabled(level) else { return }
        write(level, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode, status: status,
              fields: fields())
    }

    /// Writes one record whatever the logger's level: for a command's final line, which `-q`
    /// keeps (`--log-format json` makes it a record like any other).
    public func always(_ level: LogLevel, _ event: LogEvent, _ message: String, fields: [String: LogValue] = [:]) {
        write(level, event, message, key: nil, itemID: nil, duration: nil, errorCode: nil, status: nil, fields: fields)
    }

    private func write(_ level: LogLevel, _ event: LogEvent, _ text: String, key: String?, itemID: String?, duration: Duration?,
                       errorCode: String?, status: Int?, fields extra: [String: LogValue]) {
        let merged = context.isEmpty ? extra : context.merging(extra) { _, new in new }
        let time = core.now()
        let format = core.format
        core.state.withLock { state in
            let redactor = state.redactor
            let record = LogRecord(
                time: time, level: level, event: event, message: redactor.redact(text),
                key: key.map(redactor.redact), itemID: itemID.map(redactor.redact), duration: duration,
                errorCode: errorCode.map(redactor.redact), status: status,
                fields: Dictionary(merged.map { (redactor.redact($0.key), redactor.redact($0.value)) },
                                   uniquingKeysWith: { first, _ in first }))
            state.sink.write(LogFormatter.line(for: record, format: format))
        }
    }
}

extension Logger {
    public func trace(_ event: LogEvent, _ message: @autoclosure () -> String, key: String? = nil,
                      itemID: String? = nil, duration: Duration? = nil, errorCode: String? = nil,
                      status: Int? = nil, fields: @autoclosure () -> [String: LogValue] = [:]) {
        log(.trace, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode,
            status: status, fields: fields())
    }

    public func debug(_ event: LogEvent, _ message: @autoclosure () -> String, key: String? = nil,
                      itemID: String? = nil, duration: Duration? = nil, errorCode: String? = nil,
                      status: Int? = nil, fields: @autoclosure () -> [String: LogValue] = [:]) {
        log(.debug, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode,
            status: status, fields: fields())
    }

    public func info(_ event: LogEvent, _ message: @autoclosure () -> String, key: String? = nil,
                     itemID: String? = nil, duration: Duration? = nil, errorCode: String? = nil,
                     status: Int? = nil, fields: @autoclosure () -> [String: LogValue] = [:]) {
        log(.info, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode,
            status: status, fields: fields())
    }

    public func notice(_ event: LogEvent, _ message: @autoclosure () -> String, key: String? = nil,
                       itemID: String? = nil, duration: Duration? = nil, errorCode: String? = nil,
                       status: Int? = nil, fields: @autoclosure () -> [String: LogValue] = [:]) {
        log(.notice, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode,
            status: status, fields: fields())
    }

    public func warning(_ event: LogEvent, _ message: @autoclosure () -> String, key: String? = nil,
                        itemID: String? = nil, duration: Duration? = nil, errorCode: String? = nil,
                        status: Int? = nil, fields: @autoclosure () -> [String: LogValue] = [:]) {
        log(.warning, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode,
            status: status, fields: fields())
    }

    public func error(_ event: LogEvent, _ message: @autoclosure () -> String, key: String? = nil,
                      itemID: String? = nil, duration: Duration? = nil, errorCode: String? = nil,
                      status: Int? = nil, fields: @autoclosure () -> [String: LogValue] = [:]) {
        log(.error, event, message(), key: key, itemID: itemID, duration: duration, errorCode: errorCode,
            status: status, fields: fields())
    }
}

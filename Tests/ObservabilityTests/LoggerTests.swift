import Foundation
import Observability
import Testing

/// The two formats, levels, context fields and thread-safety of `Logger`.
@Suite struct LoggerTests {
    static let fixedTime = Date(timeIntervalSince1970: 1_740_830_400.123_9) // 2025-03-01T12:00:00.123Z

    func makeLogger(level: LogLevel = .trace, format: LogFormat, secrets: [String] = []) -> (Logger, CapturingLogSink) {
        let sink = CapturingLogSink()
        return (Logger(level: level, format: format, secrets: secrets, sink: sink, now: { Self.fixedTime }), sink)
    }

    func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func jsonLineHasEveryStandardField() throws {
        let (logger, sink) = makeLogger(format: .json)
        logger.info(.uploadDone, "uploaded guides/a.md", key: "guides/a.md", itemID: "it_42",
                    duration: .milliseconds(12), errorCode: "none", status: 200,
                    fields: ["attempt": 2, "bytes": 1024, "ratio": 0.5, "retried": true])
        let line = try #require(sink.lines.first)
        let object = try parse(line)
        #expect(object["time"] as? String == "2025-03-01T12:00:00.123Z")
        #expect(object["level"] as? String == "info")
        #expect(object["event"] as? String == "upload_done")
        #expect(object["message"] as? String == "uploaded guides/a.md")
        #expect(object["key"] as? String == "guides/a.md")
        #expect(object["item_id"] as? String == "it_42")
        #expect(object["duration_ms"] as? Double == 12)
        #expect(object["error_code"] as? String == "none")
        #expect(object["status"] as? Int == 200)
        #expect(object["attempt"] as? Int == 2)
        #expect(object["ratio"] as? Double == 0.5)
        #expect(object["retried"] as? Bool == true)
        #expect(line.hasPrefix(#"{"time":"2025-03-01T12:00:00.123Z","level":"info","event":"upload_done","message":"#))
        #expect(!line.contains("\n"))
    }

    @Test func jsonLeavesOutUnsetOptionalFields() throws {
        let (logger, sink) = makeLogger(format: .json)
        logger.notice(.agentStarted, "started")
        let object = try parse(try #require(sink.lines.first))
        #expect(Set(object.keys) == ["time", "level", "event", "message"])
    }

    @Test(arguments: ["quote \" backslash \\ newline \n tab \t bell \u{07} é 🙂", "", "{\"not\":\"json\"}"])
    func jsonEscapesAnyMessage(message: String) throws {
        let (logger, sink) = makeLogger(format: .json)
        logger.warning(.apiRetry, message, fields: ["odd \"name\"": .string(message)])
        let lines = sink.lines
        #expect(lines.count == 1)
        let object = try parse(lines[0])
        #expect(object["message"] as? String == message)
        #expect(object["odd \"name\""] as? String == message)
    }

    @Test func extraFieldsCannotReplaceStandardOnes() throws {
        let (logger, sink) = makeLogger(format: .json)
        logger.error(.uploadFailed, "failed", fields: ["level": "fake", "time": "fake"])
        let object = try parse(try #require(sink.lines.first))
        #expect(object["level"] as? String == "error")
        #expect(object["_level"] as? String == "fake")
        #expect(object["_time"] as? String == "fake")
    }

    @Test func humanLineReadsLeftToRight() throws {
        let (logger, sink) = makeLogger(format: .human)
        logger.info(.uploadDone, "uploaded guides/a.md", key: "guides/a.md", duration: .milliseconds(12.5),
                    status: 200, fields: ["note": "two words", "empty": ""])
        #expect(sink.lines == [
            #"2025-03-01T12:00:00.123Z INFO  uploaded guides/a.md key=guides/a.md duration_ms=12.5 status=200 empty="" note="two words" event=upload_done"#,
        ])
    }

    @Test func humanLineStaysOnOneLine() throws {
        let (logger, sink) = makeLogger(format: .human)
        logger.error(.watcherFailed, "line one\nline two", fields: ["detail": "a\nb"])
        #expect(sink.lines == [
            #"2025-03-01T12:00:00.123Z ERROR line one\nline two detail="a\nb" event=watcher_failed"#,
        ])
    }

    @Test func recordsBelowTheLevelAreSkippedWithoutEvaluatingThem() {
        let (logger, sink) = makeLogger(level: .warning, format: .json)
        let evaluated = EvaluationCounter()
        logger.info(.uploadDone, evaluated.message(), fields: evaluated.fields())
        logger.debug(.uploadDone, evaluated.message())
        #expect(sink.lines.isEmpty)
        #expect(evaluated.count == 0)
        logger.warning(.apiRetry, evaluated.message())
        #expect(sink.lines.count == 1)
        #expect(evaluated.count == 1)
    }

    @Test func levelsAreOrdered() {
        #expect(LogLevel.allCases == [.trace, .debug, .info, .notice, .warning, .error])
        #expect(LogLevel.allCases.sorted() == LogLevel.allCases)
        let (logger, _) = makeLogger(level: .notice, format: .human)
        #expect(LogLevel.allCases.filter { logger.isEnabled($0) } == [.notice, .warning, .error])
        logger.level = .error
        #expect(!logger.isEnabled(.warning))
    }

    @Test func contextFieldsAreAddedAndOverridable() throws {
        let (logger, sink) = makeLogger(format: .json)
        let docs = logger.with(["instance": "docs", "root": "/srv/docs"])
        docs.info(.reconcileDone, "done", fields: ["root": "/other"])
        let object = try parse(try #require(sink.lines.first))
        #expect(object["instance"] as? String == "docs")
        #expect(object["root"] as? String == "/other")
    }

    @Test func concurrentWritersNeverInterleaveLines() async throws {
        let (logger, sink) = makeLogger(format: .json)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 {
                        logger.info(.uploadDone, String(repeating: "x", count: 100), fields: ["task": .int(task), "i": .int(index)])
                    }
                }
            }
        }
        let lines = sink.lines
        #expect(lines.count == 1600)
        for line in lines { _ = try parse(line) }
    }

    @Test(arguments: [(0.0, "1970-01-01T00:00:00.000Z"), (-0.0005, "1969-12-31T23:59:59.999Z"),
                      (951_782_400.5, "2000-02-29T00:00:00.500Z"), (4_107_542_399.999, "2100-02-28T23:59:59.999Z"),
                      (1_740_830_400.123_9, "2025-03-01T12:00:00.123Z")])
    func timestampsAreRFC3339InUTCWithMilliseconds(seconds: Double, expected: String) {
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func predeclaredEventNamesAreSnakeCase() {
        let events: [LogEvent] = [.agentStarted, .uploadDone, .watcherOverflow, .apiRateLimited, .listenerFailed]
        #expect(events.allSatisfy { $0.isSnakeCase })
        #expect(!LogEvent("UploadDone").isSnakeCase)
        #expect(!LogEvent("upload__done").isSnakeCase)
        #expect(!LogEvent("_upload").isSnakeCase)
    }
}

/// Counts how often log arguments are evaluated.
final class EvaluationCounter {
    var count = 0
    func message() -> String { count += 1; return "message" }
    func fields() -> [String: LogValue] { count += 1; return [:] }
}

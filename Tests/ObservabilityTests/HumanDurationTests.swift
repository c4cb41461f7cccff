import Observability
import Testing

/// Durations as people read them, and the record `-q` keeps.
@Suite struct HumanDurationTests {
    @Test(arguments: [
        (Duration.milliseconds(0), "0 s"), (.milliseconds(370), "370 ms"), (.milliseconds(999), "999 ms"),
        (.milliseconds(1000), "1 s"), (.milliseconds(4_240), "4.2 s"), (.milliseconds(9_960), "10 s"),
        (.seconds(47), "47 s"), (.seconds(60), "1 m"), (.seconds(287), "4 m 47 s"), (.milliseconds(286_999), "4 m 47 s"),
        (.seconds(130), "2 m 10 s"), (.seconds(3600), "1 h"), (.seconds(3900), "1 h 5 m"), (.seconds(-3), "0 s"),
    ])
    func durationsReadAsPeopleSayThem(duration: Duration, text: String) {
        #expect(HumanDuration.text(duration) == text)
    }

    @Test func secondsAsADoubleReadTheSame() {
        #expect(HumanDuration.text(seconds: 286.999327937) == "4 m 47 s")
        #expect(HumanDuration.text(seconds: 0.37) == "370 ms")
        #expect(HumanDuration.text(seconds: .infinity) == "0 s")
    }

    @Test func alwaysWritesBelowTheLevel() {
        let sink = CapturingLogSink()
        let logger = Logger(level: .error, format: .json, sink: sink)
        logger.notice("sync_done", "hidden")
        logger.always(.notice, "sync_done", "sync: 1 uploaded", fields: ["uploaded": .int(1)])
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.contains("\"event\":\"sync_done\"") == true && sink.lines.first?.contains("\"uploaded\":1") == true)
    }
}

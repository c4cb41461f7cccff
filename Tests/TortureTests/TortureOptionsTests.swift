import Testing
@testable import Torture

@Suite struct TortureOptionsTests {
    @Test(arguments: [("500ms", Duration.milliseconds(500)), ("90s", .seconds(90)), ("10m", .seconds(600)), ("1h", .seconds(3_600))])
    func durationsTakeTheirUnit(_ text: String, _ expected: Duration) throws {
        #expect(try TortureOptions.duration("--duration", text) == expected)
    }

    @Test(arguments: ["", "10", "m", "-5s", "1.5m"])
    func malformedDurationsAreRefused(_ text: String) {
        #expect(throws: TortureUsageError.self) { try TortureOptions.duration("--duration", text) }
    }

    @Test func flagsAreParsedAndRoundsDefaultToFive() throws {
        let options = try TortureOptions.parse(["--seed", "7", "--files", "12", "--keep", "--checksum", "opaque"],
                                               defaultAgentPath: "/bin/sh")
        #expect(options.seed == 7 && options.rounds == 5 && options.duration == nil)
        #expect(options.shape.initialFiles == 12 && options.keep && options.checksumMode == .opaque && !options.r2)
        #expect(try TortureOptions.parse(["--r2"], defaultAgentPath: "/bin/sh").r2)
        let skipping = try TortureOptions.parse(["--skip", "file-to-dir,swap"], defaultAgentPath: "/bin/sh")
        #expect(skipping.shape.skippedKinds == [.fileToDirectory, .swap])
        #expect(throws: TortureUsageError.self) { try TortureOptions.parse(["--skip", "teleport"], defaultAgentPath: "/bin/sh") }
        #expect(throws: TortureUsageError.self) { try TortureOptions.parse(["--bogus"], defaultAgentPath: "/bin/sh") }
        #expect(throws: TortureUsageError.self) { try TortureOptions.parse([], defaultAgentPath: "/nonexistent/agent") }
    }
}

import CLI
import Testing

/// The typed accessors: conversions, their error messages, and misuse by a command's author.
@Suite struct ParsedArgumentsTests {
    enum Format: String, CaseIterable { case json, table }

    static let tool = CommandSpec("tool", abstract: "", arguments: [.variadic("files", help: "")], options: [
        .value("--n", help: ""),
        .value("--ratio", help: ""),
        .value("--wait", help: ""),
        .value("--format", help: ""),
        .value("--port", help: "", isRepeatable: true),
        .flag("--quiet", help: ""),
    ]) { _ in }

    func parse(_ arguments: String...) throws -> ParsedArguments {
        guard case .run(_, let parsed) = try Self.tool.parse(arguments) else { throw ExitCode.failure }
        return parsed
    }

    @Test func wholeNumbers() throws {
        #expect(try parse("--n", "42").int("--n") == 42)
        #expect(try parse("--n", "-7").int("--n") == -7)
        #expect(try parse().int("--n") == nil)
        #expect(throws: UsageError("--n: '4.5' is not a whole number", commandPath: ["tool"])) { try parse("--n", "4.5").int("--n") }
        #expect(throws: UsageError("--n: '11' is more than 10", commandPath: ["tool"])) { try parse("--n", "11").int("--n", atMost: 10) }
        #expect(try parse("--port", "80", "--port", "443").ints("--port") == [80, 443])
    }

    @Test func decimals() throws {
        #expect(try parse("--ratio", "0.25").double("--ratio") == 0.25)
        #expect(throws: UsageError("--ratio: 'nan' is not a number", commandPath: ["tool"])) { try parse("--ratio", "nan").double("--ratio") }
    }

    @Test(arguments: [("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)),
                      ("1h", .seconds(3600)), ("1.5s", .milliseconds(1500)), ("2", .seconds(2))])
    func durations(text: String, expected: Duration) throws {
        #expect(try parse("--wait", text).duration("--wait") == expected)
    }

    @Test(arguments: ["soon", "-1s", "ms", "5d", ""])
    func malformedDurations(text: String) throws {
        #expect(throws: UsageError("--wait: '\(text)' is not a duration (e.g. 500ms, 30s, 5m, 1h)", commandPath: ["tool"])) {
            try parse("--wait=\(text)").duration("--wait")
        }
    }

    @Test func stringEnums() throws {
        #expect(try parse("--format", "json").value("--format", as: Format.self) == .json)
        #expect(throws: UsageError("--format: 'xml' is not one of: json, table", commandPath: ["tool"])) {
            try parse("--format", "xml").value("--format", as: Format.self)
        }
    }

    @Test func customConversion() throws {
        let even = { (text: String) in Int(text).flatMap { $0 % 2 == 0 ? $0 : nil } }
        #expect(try parse("--n", "4").value("--n", expecting: "an even number", even) == 4)
        #expect(throws: UsageError("--n: '3' is not an even number", commandPath: ["tool"])) {
            try parse("--n", "3").value("--n", expecting: "an even number", even)
        }
        #expect(throws: UsageError("<files>: 'x' is not an even number", commandPath: ["tool"])) {
            try parse("2", "x").values("files", expecting: "an even number", even)
        }
    }

    @Test func requireStringOnAnAbsentOption() {
        #expect(throws: UsageError("missing required option '--n <value>'", commandPath: ["tool"])) { try parse().requireString("--n") }
    }

    @Test func undeclaredNameIsADefinitionError() {
        #expect(throws: CommandDefinitionError("'tool' reads '--nope', which it does not declare")) { try parse().string("--nope") }
    }

    @Test func singleValueAccessorOnRepeatableOptionIsADefinitionError() {
        #expect(throws: CommandDefinitionError("'--port' is repeatable; read it with strings(_:)")) { try parse().string("--port") }
        #expect(throws: CommandDefinitionError("<files> is variadic; read it with strings(_:)")) { try parse().string("files") }
        #expect(throws: CommandDefinitionError("'--quiet' is a flag; read it with flag(_:) or count(_:)")) { try parse().string("--quiet") }
        #expect(throws: CommandDefinitionError("'--n' is read as a flag by 'tool' but not declared as one")) { try parse().flag("--n") }
    }
}

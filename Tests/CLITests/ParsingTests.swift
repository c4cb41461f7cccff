import CLI
import Testing

@Suite struct ParsingTests {
    @Test func subcommandsAtDepthSelectTheLeaf() async {
        let result = await run("jobs", "list", "--instance", "docs")
        #expect(result.status == 0)
        #expect(result.output == "list instance=docs page=1 status=- tags= json=false verbose=0 config=-\n")
        #expect(result.error == "")
    }

    @Test(arguments: [
        ["jobs", "list", "--instance=docs", "--page=3"],
        ["jobs", "list", "--instance", "docs", "--page", "3"],
        ["jobs", "list", "-i", "docs", "-p", "3"],
        ["jobs", "list", "-idocs", "-p3"],
        ["jobs", "list", "-i=docs", "-p=3"],
        ["jobs", "-i", "docs", "list", "-p", "3"],
    ])
    func longAndShortValueSpellingsAreEquivalent(arguments: [String]) async throws {
        let parsed = try leaf(arguments)
        #expect(try parsed.string("--instance") == "docs")
        #expect(try parsed.int("--page") == 3)
    }

    @Test func valueMayContainEqualsSigns() throws {
        let parsed = try leaf(["jobs", "list", "-i", "docs", "--tag=a=b"])
        #expect(try parsed.strings("--tag") == ["a=b"])
    }

    @Test func combinedShortFlags() async throws {
        let result = await run("items", "upload", "-nyvv", "docs", "a.md")
        #expect(result.output == "upload instance=docs paths=a.md dryRun=true yes=true concurrency=4 offset=-\n")
        let parsed = try leaf(["items", "upload", "-nyvv", "docs", "a.md"])
        #expect(try parsed.count("--verbose") == 2)
    }

    @Test func combinedShortFlagsMayEndWithAValueOption() throws {
        let parsed = try leaf(["items", "upload", "-nc", "8", "docs", "a.md"])
        #expect(try parsed.flag("--dry-run"))
        #expect(try parsed.int("--concurrency") == 8)
        let glued = try leaf(["items", "upload", "-nc8", "docs", "a.md"])
        #expect(try glued.int("--concurrency") == 8)
    }

    @Test func optionsMayComeBeforeBetweenAndAfterPositionals() async {
        let expected = "upload instance=docs paths=a.md,b.md dryRun=true yes=false concurrency=2 offset=-\n"
        for arguments in [
            ["items", "upload", "--dry-run", "-c", "2", "docs", "a.md", "b.md"],
            ["items", "upload", "docs", "--dry-run", "a.md", "-c", "2", "b.md"],
            ["items", "upload", "docs", "a.md", "b.md", "-c2", "-n"],
        ] {
            let result = await run(arguments)
            #expect(result.output == expected, "\(arguments)")
        }
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try leaf(["items", "upload", "-n", "--", "docs", "--yes", "-c", "--"])
        #expect(try parsed.strings("paths") == ["--yes", "-c", "--"])
        #expect(try parsed.flag("--yes") == false)
        #expect(try parsed.flag("--dry-run"))
    }

    @Test func doubleDashHidesHelpAndVersion() throws {
        let parsed = try leaf(["items", "upload", "docs", "--", "--help", "-h", "--version"])
        #expect(try parsed.strings("paths") == ["--help", "-h", "--version"])
    }

    @Test func singleDashIsAPositional() throws {
        let parsed = try leaf(["items", "upload", "docs", "-"])
        #expect(try parsed.strings("paths") == ["-"])
    }

    @Test func negativeNumbersAreValuesAndPositionals() throws {
        let parsed = try leaf(["items", "upload", "--offset", "-5", "docs", "-3"])
        #expect(try parsed.int("--offset") == -5)
        #expect(try parsed.strings("paths") == ["-3"])
    }

    @Test(arguments: [
        ["-v", "--config", "a.toml", "jobs", "list", "-i", "docs"],
        ["jobs", "-v", "list", "--config=a.toml", "-i", "docs"],
        ["jobs", "list", "-i", "docs", "--config", "a.toml", "--verbose"],
    ])
    func globalOptionsAreAcceptedAtAnyLevel(arguments: [String]) throws {
        let parsed = try leaf(arguments)
        #expect(try parsed.count("--verbose") == 1)
        #expect(try parsed.string("--config") == "a.toml")
    }

    @Test func environmentFallbackFillsAnOptionNotOnTheCommandLine() async {
        let result = await run("jobs", "list", environment: ["AISEARCH_INSTANCE": "from-env", "AISEARCH_CONFIG": "/etc/a.toml"])
        #expect(result.output == "list instance=from-env page=1 status=- tags= json=false verbose=0 config=/etc/a.toml\n")
    }

    @Test func commandLineWinsOverEnvironment() throws {
        let parsed = try leaf(["jobs", "list", "-i", "cli"], environment: ["AISEARCH_INSTANCE": "env"])
        #expect(try parsed.string("--instance") == "cli")
        #expect(try parsed.parsedValues("--instance") == [ParsedValue("cli", source: .commandLine)])
        #expect(try parsed.isGiven("--instance"))
    }

    @Test func emptyEnvironmentVariableIsIgnored() async {
        let result = await run("jobs", "list", environment: ["AISEARCH_INSTANCE": ""])
        #expect(result.status == 2)
        #expect(result.error.hasPrefix("aisearch-sync: error: missing required option '--instance <name>' (or set AISEARCH_INSTANCE)\n"))
    }

    @Test(arguments: [("1", true), ("yes", true), ("TRUE", true), ("on", true), ("0", false), ("no", false), ("off", false)])
    func flagEnvironmentFallbackReadsYesAndNo(value: String, expected: Bool) throws {
        let parsed = try leaf(["items", "upload", "docs", "a"], environment: ["AISEARCH_YES": value])
        #expect(try parsed.flag("--yes") == expected)
    }

    @Test func defaultsApplyAndAreMarkedAsDefaults() throws {
        let parsed = try leaf(["jobs", "list", "-i", "docs"])
        #expect(try parsed.parsedValues("--page") == [ParsedValue("1", source: .defaultValue)])
        #expect(try parsed.isGiven("--page") == false)
        #expect(try parsed.string("--status") == nil)
    }

    @Test func optionalPositionalTakesItsDefault() async {
        #expect(await run("status").output == "status path=.\n")
        #expect(await run("status", "docs").output == "status path=docs\n")
    }

    @Test func repeatableOptionCollectsEveryValueInOrder() throws {
        let parsed = try leaf(["jobs", "list", "-i", "d", "-t", "a", "--tag", "b", "--tag=c"])
        #expect(try parsed.strings("--tag") == ["a", "b", "c"])
    }

    @Test func allowedValueIsAccepted() throws {
        #expect(try leaf(["jobs", "list", "-i", "d", "--status", "done"]).string("--status") == "done")
    }

    @Test func versionAtTheRoot() async {
        let result = await run("--version")
        #expect(result.status == 0)
        #expect(result.output == "0.1.0-test\n")
    }

    @Test func optionValueMayLookLikeASubcommand() throws {
        let parsed = try leaf(["--config", "jobs", "jobs", "list", "-i", "list"])
        #expect(try parsed.string("--config") == "jobs")
        #expect(try parsed.string("--instance") == "list")
    }

    @Test func commandPathIsReported() throws {
        #expect(try leaf(["jobs", "get", "-i", "d", "7"]).commandPath == ["aisearch-sync", "jobs", "get"])
    }
}

/// Parses `arguments` against the demo tree, expecting a command to run.
func leaf(_ arguments: [String], environment: [String: String] = [:]) throws -> ParsedArguments {
    guard case .run(_, let parsed) = try Demo.root.parse(arguments, environment: environment) else {
        Issue.record("expected a command to run for \(arguments)")
        throw ExitCode.failure
    }
    return parsed
}

import CLI
import Testing

/// Every command-line mistake is one `aisearch-sync: error: ...` line plus a hint, exit code 2.
@Suite struct UsageErrorTests {
    @Test(arguments: [
        (["jobs", "list", "--instnace", "docs"],
         "unknown option '--instnace'; did you mean '--instance'?", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "--jsno"],
         "unknown option '--jsno'; did you mean '--json'?", "aisearch-sync jobs list"),
        (["--verison"], "unknown option '--verison'; did you mean '--version'?", "aisearch-sync"),
        (["jobs", "list", "-i", "d", "--frobnicate"], "unknown option '--frobnicate'", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "-x"], "unknown option '-x'", "aisearch-sync jobs list"),
        (["jobs", "lsit"], "unknown command 'lsit' for 'aisearch-sync jobs'; did you mean 'list'?", "aisearch-sync jobs"),
        (["jbos", "list"], "unknown command 'jbos' for 'aisearch-sync'; did you mean 'jobs'?", "aisearch-sync"),
        (["deploy"], "unknown command 'deploy' for 'aisearch-sync'", "aisearch-sync"),
        (["jobs", "list", "--instance"], "missing value for option '--instance <name>'", "aisearch-sync jobs list"),
        (["jobs", "list", "--instance", "--json"], "missing value for option '--instance <name>'", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "-p"], "missing value for option '--page <n>'", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "-p", "-t", "x"], "missing value for option '--page <n>'", "aisearch-sync jobs list"),
        (["jobs", "list"], "missing required option '--instance <name>' (or set AISEARCH_INSTANCE)", "aisearch-sync jobs list"),
        (["fail"], "missing required option '--kind <value>'", "aisearch-sync fail"),
        (["jobs", "get", "-i", "d"], "missing argument <id>", "aisearch-sync jobs get"),
        (["items", "upload", "docs"], "missing argument <paths>", "aisearch-sync items upload"),
        (["jobs", "get", "-i", "d", "7", "8"],
         "unexpected argument '8'; 'aisearch-sync jobs get' takes <id>", "aisearch-sync jobs get"),
        (["status", "a", "b"],
         "unexpected argument 'b'; 'aisearch-sync status' takes [<path>]", "aisearch-sync status"),
        (["jobs", "list", "-i", "d", "extra"],
         "unexpected argument 'extra'; 'aisearch-sync jobs list' takes no arguments", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "--json=yes"], "option '--json' does not take a value", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "-i", "e"], "option '--instance' was given more than once", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "--status", "lost"],
         "--status: 'lost' is not one of: running, done, failed", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "--page", "abc"], "--page: 'abc' is not a whole number", "aisearch-sync jobs list"),
        (["jobs", "list", "-i", "d", "--page", "0"], "--page: '0' is less than 1", "aisearch-sync jobs list"),
        (["jobs"], "missing subcommand for 'aisearch-sync jobs'; expected one of: list, get", "aisearch-sync jobs"),
        ([], "missing command; expected one of: jobs, items, status, fail", "aisearch-sync"),
        (["jobs", "--version"], "unknown option '--version'", "aisearch-sync jobs"),
        (["fail", "--kind", "usage"], "--since and --all cannot be used together", "aisearch-sync fail"),
    ])
    func mistakeIsOneLineWithHintAndExitCodeTwo(arguments: [String], message: String, helpPath: String) async {
        let result = await run(arguments)
        #expect(result.status == 2)
        #expect(result.output == "")
        #expect(result.error == "aisearch-sync: error: \(message)\nRun '\(helpPath) --help' for usage.\n")
    }

    @Test func malformedEnvironmentValueNamesTheVariable() async {
        let result = await run(["jobs", "list", "-i", "d"], environment: ["AISEARCH_CONFIG": "x"])
        #expect(result.status == 0)
        let env = await run(["items", "upload", "d", "a"], environment: ["AISEARCH_YES": "maybe"])
        #expect(env.status == 2)
        #expect(env.error.hasPrefix("aisearch-sync: error: AISEARCH_YES: 'maybe' is not a yes/no value for --yes (use 1 or 0)\n"))
    }

    @Test func disallowedEnvironmentValueNamesTheVariable() throws {
        let tree = CommandSpec("tool", abstract: "", options: [
            .value("--format", help: "", allowedValues: ["json", "table"], environment: "TOOL_FORMAT"),
        ]) { _ in }
        #expect(throws: UsageError("--format: 'xml' (from TOOL_FORMAT) is not one of: json, table", commandPath: ["tool"])) {
            try tree.parse([], environment: ["TOOL_FORMAT": "xml"])
        }
    }

    @Test func malformedNumberFromEnvironmentNamesTheVariable() throws {
        let tree = CommandSpec("tool", abstract: "", options: [
            .value("--page", help: "", environment: "TOOL_PAGE"),
        ]) { _ in }
        guard case .run(_, let parsed) = try tree.parse([], environment: ["TOOL_PAGE": "two"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(throws: UsageError("--page: 'two' (from TOOL_PAGE) is not a whole number", commandPath: ["tool"])) {
            try parsed.int("--page")
        }
    }

    @Test func groupOptionCannotPrecedeASubcommand() throws {
        let tree = CommandSpec("tool", abstract: "", options: [.flag("--local", help: "")], subcommands: [
            CommandSpec("sub", abstract: "") { _ in },
        ]) { _ in }
        #expect(throws: UsageError("option '--local' belongs to 'tool'; it cannot be used with 'sub'", commandPath: ["tool"])) {
            try tree.parse(["--local", "sub"])
        }
    }

    @Test func usageErrorThrownByACommandPointsAtItsHelp() async {
        let result = await run(["fail", "--kind", "usage"])
        #expect(result.error.hasSuffix("Run 'aisearch-sync fail --help' for usage.\n"))
    }
}

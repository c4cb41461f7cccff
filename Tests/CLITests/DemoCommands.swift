import CLI

/// A small three-level tree shaped like the real one, used to exercise the parser, help and
/// error reporting. Each leaf prints what it parsed, so tests compare one line of output.
enum Demo {
    static let instance = OptionSpec.value(
        "--instance", short: "i", valueName: "name", help: "The AI Search instance to act on.",
        environment: "AISEARCH_INSTANCE", isRequired: true)
    static let json = OptionSpec.flag("--json", help: "Print JSON instead of a table.")

    static let root = CommandSpec(
        "aisearch-sync", abstract: "Keep a Cloudflare AI Search instance in step with a folder.",
        discussion: "Reads the API token from CLOUDFLARE_API_TOKEN. Every command accepts --help.",
        version: "0.1.0-test",
        options: [
            .flag("--verbose", short: "v", help: "Print more detail; repeat for even more.", isRepeatable: true, isGlobal: true),
            .value("--config", valueName: "path", help: "The configuration file.", environment: "AISEARCH_CONFIG", isGlobal: true),
        ],
        subcommands: [jobs, items, status, fail])

    static let jobs = CommandSpec(
        "jobs", abstract: "List and inspect indexing jobs.",
        discussion: """
        Jobs are created by the service when an instance re-indexes its data source. They run \
        one at a time per instance.

        Examples:
          aisearch-sync jobs list -i docs
          aisearch-sync jobs get -i docs 42
        """,
        options: [instance.global],
        subcommands: [jobsList, jobsGet])

    static let jobsList = CommandSpec(
        "list", abstract: "List the instance's jobs, newest first.",
        options: [
            .value("--page", short: "p", valueName: "n", help: "The page to show.", defaultValue: "1"),
            .value("--status", valueName: "state", help: "Only jobs in this state.", allowedValues: ["running", "done", "failed"]),
            .value("--tag", short: "t", valueName: "tag", help: "Only jobs with this tag.", isRepeatable: true),
            json,
        ]
    ) { context in
        let arguments = context.arguments
        let page = try arguments.int("--page", atLeast: 1) ?? 0
        let status = try arguments.string("--status") ?? "-"
        context.print("list instance=\(try arguments.requireString("--instance")) page=\(page) status=\(status) "
            + "tags=\(try arguments.strings("--tag").joined(separator: ",")) json=\(try arguments.flag("--json")) "
            + "verbose=\(try arguments.count("--verbose")) config=\(try arguments.string("--config") ?? "-")")
    }

    static let jobsGet = CommandSpec(
        "get", abstract: "Show one job.",
        arguments: [.required("id", help: "The job's id.")],
        options: [json]
    ) { context in
        context.print("get instance=\(try context.arguments.requireString("--instance")) id=\(try context.arguments.requireString("id"))")
    }

    static let items = CommandSpec(
        "items", abstract: "Upload, list and delete the instance's items.",
        subcommands: [itemsUpload])

    static let itemsUpload = CommandSpec(
        "upload", abstract: "Upload files as items.",
        arguments: [
            .required("instance", help: "The instance to upload to."),
            .variadic("paths", help: "The files to upload.", atLeastOne: true),
        ],
        options: [
            .flag("--dry-run", short: "n", help: "Show what would be uploaded."),
            .flag("--yes", short: "y", help: "Do not ask for confirmation.", environment: "AISEARCH_YES"),
            .value("--concurrency", short: "c", valueName: "n", help: "Uploads at a time.", defaultValue: "4"),
            .value("--offset", valueName: "n", help: "A signed number."),
        ]
    ) { context in
        let arguments = context.arguments
        context.print("upload instance=\(try arguments.requireString("instance")) "
            + "paths=\(try arguments.strings("paths").joined(separator: ",")) dryRun=\(try arguments.flag("--dry-run")) "
            + "yes=\(try arguments.flag("--yes")) concurrency=\(try arguments.int("--concurrency") ?? 0) "
            + "offset=\(try arguments.int("--offset").map(String.init) ?? "-")")
    }

    static let status = CommandSpec(
        "status", abstract: "Show what a sync would change.",
        arguments: [.optional("path", help: "The folder to compare.", defaultValue: ".")]
    ) { context in
        context.print("status path=\(try context.arguments.requireString("path"))")
    }

    /// Throws whatever `--kind` names, to test the error-to-exit-code mapping.
    static let fail = CommandSpec(
        "fail", abstract: "Fail on purpose.",
        options: [.value("--kind", help: "What to throw.", isRequired: true)]
    ) { context in
        switch try context.arguments.requireString("--kind") {
        case "usage": throw UsageError("--since and --all cannot be used together")
        case "config": throw DemoError(message: "CLOUDFLARE_API_TOKEN is not set", exitCode: .configuration)
        case "remote": throw DemoError(message: "GET /jobs: 500 Internal Server Error", exitCode: .failure)
        case "silent":
            context.print("2 of 3 files uploaded")
            throw ExitCode.failure
        case "cancel": throw CancellationError()
        case "definition": _ = try context.arguments.string("--undeclared")
        default: throw PlainError()
        }
    }
}

struct DemoError: UserFacingError {
    var message: String
    var exitCode: ExitCode
    var hint: String? { exitCode == .configuration ? "Set it to an API token with AI Search permissions." : nil }
}

struct PlainError: Error, CustomStringConvertible {
    var description: String { "something odd happened" }
}

/// The result of one `runCLI` call with a capturing terminal.
struct Run {
    var status: Int32
    var output: String
    var error: String
}

func run(_ arguments: String..., environment: [String: String] = [:], width: Int = 80) async -> Run {
    await run(arguments, environment: environment, width: width)
}

/// Runs the demo tree through `runCLI` with a capturing terminal of `width` columns.
func run(_ arguments: [String], environment: [String: String] = [:], width: Int = 80) async -> Run {
    let terminal = CapturingTerminal(width: width)
    let status = await runCLI(arguments: arguments, commands: Demo.root, terminal: terminal, environment: environment)
    return Run(status: status, output: terminal.standardOutput, error: terminal.standardError)
}

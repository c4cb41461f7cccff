/// The declaration of one command: its name, its help text, what it accepts, and what it does.
/// A tree of these, rooted at the program itself, is the whole command-line interface; parsing,
/// help screens and error messages are all derived from it.
///
/// A command either has `subcommands` (a group, like `jobs`) or `arguments` (a leaf, like
/// `jobs get <id>`), not both; a group may still have a `run` closure for when it is invoked
/// without a subcommand. One file per command group keeps the tree readable:
///
/// ```swift
/// // Sources/CLI/Commands/JobsCommand.swift
/// extension CommandSpec {
///     static let jobs = CommandSpec("jobs", abstract: "List and inspect indexing jobs.",
///                                   subcommands: [jobsList, jobsGet])
///
///     static let jobsList = CommandSpec(
///         "list", abstract: "List the instance's jobs, newest first.",
///         options: [.instance, .value("--page", short: "p", valueName: "n", help: "Page to show.",
///                                     defaultValue: "1"), .json]
///     ) { context in
///         let instance = try context.arguments.requireString("--instance")
///         let page = try context.arguments.int("--page", atLeast: 1) ?? 1
///         let jobs = try await makeClient(context).listJobs(instance: instance, page: page) // the file's own helper
///         if try context.arguments.flag("--json") {
///             try context.printJSON(jobs)
///         } else {
///             var table = Table(columns: [.init("ID"), .init("STATUS"), .init("STARTED")],
///                               emptyMessage: "No jobs yet.")
///             for job in jobs { table.append([job.id, job.status, job.started]) }
///             context.printTable(table)
///         }
///     }
///
///     static let jobsGet = CommandSpec(
///         "get", abstract: "Show one job.",
///         arguments: [.required("id", help: "The job id.")], options: [.instance, .json]
///     ) { context in
///         let id = try context.arguments.requireString("id")
///         // ...
///     }
/// }
/// ```
///
/// `CommandSpec` is a plain value: building one does no work, and the same tree can be parsed
/// any number of times concurrently.
public struct CommandSpec: Sendable {
    /// What a command does once its arguments are parsed. Throw a `UserFacingError` (or any
    /// error) to fail; throw `ExitCode.failure` to exit non-zero after printing your own report.
    public typealias Run = @Sendable (CommandContext) async throws -> Void

    /// The word typed to select the command (`list`); for the root, the program name.
    public var name: String
    /// One line, shown in the parent's subcommand list and at the top of the command's help.
    public var abstract: String
    /// Longer help text: paragraphs separated by blank lines are re-wrapped to the terminal;
    /// lines starting with a space (examples) are kept as written.
    public var discussion: String
    /// The root's version string, printed by `--version`. Ignored below the root.
    public var version: String?
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var subcommands: [CommandSpec]
    public var run: Run?

    public init(
        _ name: String, abstract: String, discussion: String = "", version: String? = nil,
        arguments: [ArgumentSpec] = [], options: [OptionSpec] = [], subcommands: [CommandSpec] = [],
        run: Run? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.version = version
        self.arguments = arguments
        self.options = options
        self.subcommands = subcommands
        self.run = run
    }

    /// The direct subcommand called `name`, if any.
    public func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}

/// Everything a command's `run` closure gets: its parsed arguments, where to write, and the
/// environment. Tests build it indirectly through `runCLI` with a `CapturingTerminal`.
public struct CommandContext: Sendable {
    /// The parsed command line, with environment fallbacks and defaults applied.
    public let arguments: ParsedArguments
    /// Where output goes. Commands write only through it, never with `print`, so tests capture it.
    public let terminal: any Terminal
    /// The environment `runCLI` was given (not necessarily the process's).
    public let environment: [String: String]
    /// SIGINT, SIGTERM and SIGHUP, for a command that handles them itself (`watch`).
    public let signals: CommandSignals

    public init(arguments: ParsedArguments, terminal: any Terminal, environment: [String: String],
                signals: CommandSignals = CommandSignals()) {
        self.arguments = arguments
        self.terminal = terminal
        self.environment = environment
        self.signals = signals
    }

    /// The words that selected the command, e.g. `["aisearch-sync", "jobs", "list"]`.
    public var commandPath: [String] { arguments.commandPath }
}

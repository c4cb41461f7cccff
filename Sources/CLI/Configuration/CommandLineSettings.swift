/// The configuration given on the command line: option values by long name, and the folder
/// argument. Only what was typed counts; environment fallbacks are read by
/// `EffectiveConfiguration.resolve`, so each value's source is known exactly.
public struct CommandLineSettings: Sendable, Equatable {
    /// Option values by long name: `["--max-delete": "10%", "--wait": "true"]`. Flags that were
    /// given have the value `"true"`.
    public var options: [String: String]
    /// The folder to sync, when the command takes one (`watch <root>`).
    public var root: String?

    public init(options: [String: String] = [:], root: String? = nil) {
        self.options = options
        self.root = root
    }

    /// The settings typed on a parsed command line. Options in `CommandLineSettings.options`
    /// that the command did not declare are skipped; values that came from an option's
    /// `environment` fallback or default are skipped too (the resolver reads those itself).
    ///
    /// - Parameter rootArgument: the name of the positional holding the folder, if any.
    public init(_ arguments: ParsedArguments, rootArgument: String? = "root") throws {
        var options: [String: String] = [:]
        for spec in Self.options where arguments.options[spec.name] != nil {
            let typed = try arguments.parsedValues(spec.name).filter { $0.source == .commandLine }
            if spec.kind == .flag {
                if !typed.isEmpty { options[spec.name] = "true" }
            } else if let last = typed.last {
                options[spec.name] = last.text
            }
        }
        var root: String?
        if let rootArgument, arguments.positionals[rootArgument] != nil {
            root = try arguments.parsedValues(rootArgument).first { $0.source == .commandLine }?.text
        }
        self.init(options: options, root: root)
    }

    /// The options that carry settings, as the commands declare them (`GlobalOptions`,
    /// `SyncOptions.options`, `watch`'s own). The declarations keep their environment fallbacks
    /// for help and for commands that read them directly; only typed values are taken here.
    public static let options: [OptionSpec] = GlobalOptions.configurationOptions + [
        .value("--instance", short: "i", valueName: "id", help: "The AI Search instance."),
        .value("--prefix", valueName: "prefix", help: "Key prefix for the folder's items, e.g. handbook/."),
        .value("--state-dir", valueName: "path", help: "Where sync state is kept."),
        .value("--max-delete", valueName: "n|p%", help: "Most deletions per reconcile: a count or a percentage."),
        .value("--concurrency", valueName: "n", help: "Parallel requests (1-64)."),
        .value("--owner", valueName: "name", help: "This agent's owner marker on its items."),
        .flag("--delete-foreign", help: "Also delete items under the prefix that this agent did not upload."),
        .flag("--gitignore", help: "Read .gitignore files as ignore rules too."),
        .value("--settle", valueName: "duration", help: "Quiet time before a changed file is uploaded."),
        .value("--max-settle", valueName: "duration", help: "Longest wait for a file that keeps changing."),
        .value("--safety-rescan", valueName: "duration", help: "Full rescan interval (e.g. 1h), or off."),
        .value("--listen", valueName: "host:port", help: "Serve /healthz, /readyz and /metrics here."),
        .flag("--wait", help: "Wait for indexing to finish."),
        .value("--rate-limit", valueName: "n/seconds", help: "Request budget, e.g. 1200/300."),
    ]
}

/// The root of the command tree: `aisearch-sync` with its global options and every command group.
///
/// The API commands (`namespaces`, `instances`, `items`, `jobs`) are built here. Other commands
/// (sync, watch, plan, emulator, search, status, config) join through `extraCommands`; a command
/// that talks to the API builds its client with `dependencies.client(for: context)`, which reads
/// the same global options, so it gets the same account, credentials, namespace and path style:
///
/// ```swift
/// // Sources/CLI/Commands/SyncCommand.swift
/// enum SyncCommand {
///     static func spec(_ dependencies: CommandDependencies) -> CommandSpec {
///         CommandSpec("sync", abstract: "…", arguments: [.required("folder", help: "…")]) { context in
///             let client = try dependencies.client(for: context)
///             // …
///         }
///     }
/// }
/// // and in `CommandSpec.aisearchSync` below:
/// RootCommand.spec(dependencies: .live, extraCommands: [SyncCommand.spec(.live)])
/// ```
public enum RootCommand {
    /// What `--version` prints.
    public static let version = "0.1.0"

    /// The whole tree.
    /// - Parameters:
    ///   - dependencies: the network and the standard streams; tests pass a fake transport.
    ///   - extraCommands: more command groups, listed after the API commands.
    public static func spec(dependencies: CommandDependencies = .live, extraCommands: [CommandSpec] = []) -> CommandSpec {
        CommandSpec(
            "aisearch-sync", abstract: "Keep a Cloudflare AI Search instance in step with a local folder.",
            discussion: """
            Credentials come from CLOUDFLARE_API_TOKEN (or --token-file), or CLOUDFLARE_EMAIL and \
            CLOUDFLARE_API_KEY; the account from CLOUDFLARE_ACCOUNT_ID. An API token needs the AI \
            Search:Edit and AI Search:Run permissions. Typed options win over the environment, and a \
            token wins over an email and key.

            Exit status: 0 done, 1 the API failed, 2 bad command line, 3 configuration or \
            credentials, 4 local file error, 130 interrupted.

            Examples:
              aisearch-sync instances list
              aisearch-sync items list --instance docs --all
              aisearch-sync items upload notes.md --instance docs --wait
              aisearch-sync jobs list docs
            """,
            version: version,
            options: GlobalOptions.all,
            subcommands: apiCommands(dependencies: dependencies) + extraCommands)
    }

    /// The groups that drive the REST API one call at a time, in the words of `wrangler ai-search`.
    public static func apiCommands(dependencies: CommandDependencies) -> [CommandSpec] {
        [
            NamespacesCommand.spec(dependencies),
            InstancesCommand.spec(dependencies),
            ItemsCommand.spec(dependencies),
            JobsCommand.spec(dependencies),
        ]
    }
}

extension CommandSpec {
    /// The program's command tree, as `main.swift` runs it. Add other command groups here, in
    /// `extraCommands`.
    public static var aisearchSync: CommandSpec {
        RootCommand.spec(dependencies: .live, extraCommands: SyncCommands.specs(.live) + [SearchCommand.spec(.live), StatusCommand.spec(.live), ConfigCommand.spec(), EmulatorCommand.spec()])
    }
}

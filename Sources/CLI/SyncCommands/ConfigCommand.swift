/// `config check`: validates the configuration (flags, environment, `--config` file) and
/// prints every effective setting, where it came from, with secrets masked.
enum ConfigCommand {
    static func spec() -> CommandSpec {
        let check = CommandSpec(
            "check", abstract: "Validate the configuration and print the effective settings (secrets masked).",
            discussion: """
            Reads the flags, the environment and the config file (--config FILE or AISEARCH_CONFIG) the way \
            plan, sync and watch do, and prints each setting with its source: flag, env, file or default. \
            Exit 0 when valid; a bad value exits 3 with one line naming the key, the value and what is allowed.
            """,
            arguments: [SyncOptions.rootArgument],
            options: SyncOptions.options.filter { $0.name != "--emulator" } + [
                .value("--settle", valueName: "duration", help: "As for watch."),
                .value("--max-settle", valueName: "duration", help: "As for watch."),
                .value("--safety-rescan", valueName: "duration", help: "As for watch."),
                .value("--listen", valueName: "host:port", help: "As for watch.", environment: "AISEARCH_LISTEN"),
            ]) { context in
            let settings = try EffectiveConfiguration.load(from: context)
            let report = ConfigurationReport(settings)
            if try context.arguments.flag(GlobalOptions.json.name) {
                context.print(try report.json(configFile: settings.configFile))
            } else {
                if let file = settings.configFile { context.print("config file: \(file)") }
                context.printTable(report.table)
                if settings.syncs.isEmpty {
                    context.printError("note: no syncs: give a folder and --instance, or list syncs in the config file")
                }
            }
        }
        return CommandSpec("config", abstract: "Inspect the configuration.", subcommands: [check])
    }
}

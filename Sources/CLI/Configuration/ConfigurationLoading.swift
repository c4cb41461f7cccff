extension EffectiveConfiguration {
    /// The settings of a running command: what it was given on the command line, the
    /// environment it runs in, and the config file named by `--config` or `AISEARCH_CONFIG`.
    public static func load(from context: CommandContext) throws -> EffectiveConfiguration {
        let arguments = context.arguments
        let path = try arguments.options[GlobalOptions.config.name] == nil ? nil : arguments.string(GlobalOptions.config.name)
        let file = try path.flatMap { $0.isEmpty ? nil : try ConfigFile.load(path: $0) }
        let rootArgument: String? = arguments.positionals["root"] == nil ? nil : "root"
        return try resolve(flags: CommandLineSettings(arguments, rootArgument: rootArgument),
                           environment: context.environment, file: file)
    }
}

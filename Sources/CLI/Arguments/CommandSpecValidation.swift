extension CommandSpec {
    /// Mistakes in the tree itself, one line each, empty when the tree is sound. `runCLI` refuses
    /// to run a tree with problems; a test calling this on the real tree catches them at build time.
    ///
    /// Checked: option names start with `--` and are unique among the options a command accepts
    /// (its own plus inherited global ones), short names likewise; `--help`, `-h` and (at the
    /// root) `--version` are reserved; flags have no default or allowed values; defaults are among
    /// the allowed values; positionals go required, optional, variadic, with one variadic at most;
    /// a command has subcommands or positionals, not both; a command without subcommands has a
    /// `run`; subcommand names are unique and not `help`.
    public func definitionProblems() -> [String] {
        var problems: [String] = []
        collectProblems(path: [name], inherited: [], into: &problems)
        return problems
    }

    private func collectProblems(path: [String], inherited: [OptionSpec], into problems: inout [String]) {
        let here = path.joined(separator: " ")
        func problem(_ text: String) { problems.append("'\(here)': \(text)") }

        if name.isEmpty || name.hasPrefix("-") || name.contains(" ") { problem("'\(name)' is not a valid command name") }
        if run == nil, subcommands.isEmpty { problem("has neither subcommands nor a run closure") }
        if !subcommands.isEmpty, !arguments.isEmpty { problem("has both subcommands and positional arguments") }

        var longNames: Set<String> = ["--help"]
        var shortNames: Set<Character> = ["h"]
        if path.count == 1 { longNames.insert("--version") }
        for option in inherited {
            longNames.insert(option.name)
            if let short = option.short { shortNames.insert(short) }
        }
        for option in options {
            if !option.name.hasPrefix("--") || option.name.count < 3 || option.name.contains("=") || option.name.contains(" ") {
                problem("option '\(option.name)' must be '--' followed by a name")
            }
            if !longNames.insert(option.name).inserted { problem("option '\(option.name)' is declared twice or is reserved") }
            if let short = option.short {
                if short == "-" || short.isNumber || short.isWhitespace { problem("option '\(option.name)' has an invalid short name '\(short)'") }
                if !shortNames.insert(short).inserted { problem("short option '-\(short)' is declared twice or is reserved") }
            }
            if option.kind == .flag, option.defaultValue != nil || !option.allowedValues.isEmpty {
                problem("flag '\(option.name)' cannot have a default or allowed values")
            }
            if let fallback = option.defaultValue, !option.allowedValues.isEmpty, !option.allowedValues.contains(fallback) {
                problem("default '\(fallback)' of '\(option.name)' is not among its allowed values")
            }
        }

        var argumentNames: Set<String> = []
        var lastArity: ArgumentSpec.Arity?
        for argument in arguments {
            if argument.name.isEmpty || argument.name.hasPrefix("-") { problem("argument '\(argument.name)' needs a name without dashes") }
            if !argumentNames.insert(argument.name).inserted { problem("argument <\(argument.name)> is declared twice") }
            switch (lastArity, argument.arity) {
            case (.variadic, _): problem("<\(argument.name)> comes after a variadic argument")
            case (.optional, .required): problem("required <\(argument.name)> comes after an optional argument")
            default: break
            }
            if let fallback = argument.defaultValue, !argument.allowedValues.isEmpty, !argument.allowedValues.contains(fallback) {
                problem("default '\(fallback)' of <\(argument.name)> is not among its allowed values")
            }
            lastArity = argument.arity
        }

        var subcommandNames: Set<String> = ["help"]
        for subcommand in subcommands where !subcommandNames.insert(subcommand.name).inserted {
            problem("subcommand '\(subcommand.name)' is declared twice or is reserved")
        }
        let passedDown = inherited + options.filter(\.isGlobal)
        for subcommand in subcommands {
            subcommand.collectProblems(path: path + [subcommand.name], inherited: passedDown, into: &problems)
        }
    }
}

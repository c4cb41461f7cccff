/// What a command line asks for.
public enum ParseOutcome: Sendable {
    /// Run `command` (the last element of `path`) with `arguments`.
    case run(path: [CommandSpec], arguments: ParsedArguments)
    /// Show the help of the last command in `path` (`--help`, `-h`, or `help <command>`).
    case help(path: [CommandSpec])
    /// Print the root's version (`--version`).
    case version(String)
}

extension CommandSpec {
    /// Parses `arguments` (without the program name) against this tree, rooted at `self`.
    ///
    /// Rules: subcommands are matched by exact name at any depth; `--name value`,
    /// `--name=value`, `-n value`, `-nvalue` and combined short flags (`-yv`) are accepted;
    /// `--` ends options; options may come before or after positionals; options declared
    /// `isGlobal` are accepted by the declaring command and everything below it. `--help`/`-h`
    /// anywhere before `--` wins over every other problem on the line.
    ///
    /// - Throws: `UsageError` (with `commandPath` set) for anything that does not fit.
    public func parse(_ arguments: [String], environment: [String: String] = [:]) throws(UsageError) -> ParseOutcome {
        var parser = CommandLineParser(root: self, tokens: arguments, environment: environment)
        return try parser.parse()
    }
}

/// One pass over the tokens; see `CommandSpec.parse(_:environment:)` for the rules.
struct CommandLineParser {
    let tokens: [String]
    let environment: [String: String]
    private(set) var path: [CommandSpec]
    private var values: [String: [ParsedValue]] = [:]
    /// Which command each option value was parsed for, to catch a group's own option before a subcommand.
    private var owners: [String: Int] = [:]
    private var positionals: [String] = []
    private var index = 0

    init(root: CommandSpec, tokens: [String], environment: [String: String]) {
        self.path = [root]
        self.tokens = tokens
        self.environment = environment
    }

    private var current: CommandSpec { path[path.count - 1 ] }
    private var words: [String] { path.map(\.name) }

    private func usage(_ message: String) -> UsageError { UsageError(message, commandPath: words) }

    /// The options the current command accepts: its own plus the global ones of its ancestors.
    private var activeOptions: [OptionSpec] {
        path.dropLast().flatMap { $0.options.filter(\.isGlobal) } + current.options
    }

    mutating func parse() throws(UsageError) -> ParseOutcome {
        let optionTokens = tokens.prefix { $0 != "--" }
        if optionTokens.contains("--help") || optionTokens.contains("-h") {
            return .help(path: helpPath())
        }
        var onlyPositionals = false
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if onlyPositionals {
                positionals.append(token)
            } else if token == "--" {
                onlyPositionals = true
            } else if token == "--version", path.count == 1, let version = current.version {
                return .version(version)
            } else if token.hasPrefix("--") {
                try parseLong(token)
            } else if token.hasPrefix("-"), token.count > 1, !isNegativeNumber(token) {
                try parseShortCluster(token)
            } else if let outcome = try parseWord(token) {
                return outcome
            }
        }
        return .run(path: path, arguments: try finish())
    }

    // MARK: Words: subcommands, `help`, positionals

    private mutating func parseWord(_ token: String) throws(UsageError) -> ParseOutcome? {
        guard !current.subcommands.isEmpty, positionals.isEmpty else {
            positionals.append(token)
            return nil
        }
        if let subcommand = current.subcommand(named: token) {
            try descend(into: subcommand)
            return nil
        }
        if token == "help" {
            var helpPath = path
            for word in tokens[index...] where !word.hasPrefix("-") {
                guard let next = helpPath.last!.subcommand(named: word) else {
                    throw unknownCommand(word, in: helpPath)
                }
                helpPath.append(next)
            }
            return .help(path: helpPath)
        }
        if current.arguments.isEmpty { throw unknownCommand(token, in: path) }
        positionals.append(token)
        return nil
    }

    private mutating func descend(into subcommand: CommandSpec) throws(UsageError) {
        for (name, owner) in owners where owner == path.count - 1 {
            guard let option = current.options.first(where: { $0.name == name }), option.isGlobal else {
                throw usage("option '\(name)' belongs to '\(words.joined(separator: " "))'; it cannot be used with '\(subcommand.name)'")
            }
        }
        path.append(subcommand)
    }

    private func unknownCommand(_ word: String, in path: [CommandSpec]) -> UsageError {
        let parent = path.last!
        var message = "unknown command '\(word)' for '\(path.map(\.name).joined(separator: " "))'"
        let names = parent.subcommands.map(\.name) + (path.count == 1 ? ["help"] : [])
        if let suggestion = ClosestMatch.find(word, among: names) { message += "; did you mean '\(suggestion)'?" }
        return UsageError(message, commandPath: path.map(\.name))
    }

    // MARK: Options

    private mutating func parseLong(_ token: String) throws(UsageError) {
        let name: String
        var inlineValue: String?
        if let equals = token.firstIndex(of: "=") {
            name = String(token[..<equals])
            inlineValue = String(token[token.index(after: equals)...])
        } else {
            name = token
        }
        guard let option = activeOptions.first(where: { $0.name == name }) else {
            throw unknownOption(name)
        }
        if option.kind == .flag {
            guard inlineValue == nil else { throw usage("option '\(name)' does not take a value") }
            try record(option, "")
        } else {
            let value = if let inlineValue { inlineValue } else { try takeValue(for: option) }
            try record(option, value)
        }
    }

    private mutating func parseShortCluster(_ token: String) throws(UsageError) {
        let letters = Array(token.dropFirst())
        for (offset, letter) in letters.enumerated() {
            guard let option = activeOptions.first(where: { $0.short == letter }) else {
                throw unknownOption("-\(letter)")
            }
            if option.kind == .flag {
                try record(option, "")
                continue
            }
            var rest = String(letters[(offset + 1)...])
            if rest.hasPrefix("=") { rest.removeFirst() }
            try record(option, rest.isEmpty ? takeValue(for: option) : rest)
            return
        }
    }

    /// The token after a value option; an option-looking token there means the value is missing.
    private mutating func takeValue(for option: OptionSpec) throws(UsageError) -> String {
        guard index < tokens.count, !looksLikeOption(tokens[index]) else {
            throw usage("missing value for option '\(option.usageLabel)'")
        }
        index += 1
        return tokens[index - 1]
    }

    private func looksLikeOption(_ token: String) -> Bool {
        if token.hasPrefix("--") { return true }
        guard token.hasPrefix("-"), token.count > 1 else { return false }
        return activeOptions.contains { $0.short == token.dropFirst().first } || token == "-h"
    }

    private func isNegativeNumber(_ token: String) -> Bool {
        guard Double(token) != nil else { return false }
        return !activeOptions.contains { $0.short == token.dropFirst().first }
    }

    private mutating func record(_ option: OptionSpec, _ text: String) throws(UsageError) {
        if !option.isRepeatable, values[option.name] != nil {
            throw usage("option '\(option.name)' was given more than once")
        }
        values[option.name, default: []].append(ParsedValue(text, source: .commandLine))
        owners[option.name] = path.firstIndex { $0.options.contains(option) } ?? path.count - 1
    }

    private func unknownOption(_ name: String) -> UsageError {
        var message = "unknown option '\(name)'"
        var candidates = activeOptions.map(\.name) + ["--help"]
        if path.count == 1, current.version != nil { candidates.append("--version") }
        if name.hasPrefix("--"), let suggestion = ClosestMatch.find(name, among: candidates) {
            message += "; did you mean '\(suggestion)'?"
        }
        return usage(message)
    }

    // MARK: Finishing

    /// Checks what was collected against the declaration of the command that will run.
    private func finish() throws(UsageError) -> ParsedArguments {
        if current.run == nil {
            let names = current.subcommands.map(\.name).joined(separator: ", ")
            throw usage(path.count == 1 ? "missing command; expected one of: \(names)"
                                        : "missing subcommand for '\(words.joined(separator: " "))'; expected one of: \(names)")
        }
        var collected = values
        try assignPositionals(into: &collected)
        for option in activeOptions {
            try resolve(option, into: &collected)
        }
        return ParsedArguments(commandPath: words, options: activeOptions, positionals: current.arguments, values: collected)
    }

    private func assignPositionals(into collected: inout [String: [ParsedValue]]) throws(UsageError) {
        var remaining = positionals[...]
        for argument in current.arguments {
            switch argument.arity {
            case .required, .optional:
                if let value = remaining.popFirst() {
                    try checkAllowed(value, allowed: argument.allowedValues, label: "<\(argument.name)>", origin: "")
                    collected[argument.name] = [ParsedValue(value, source: .commandLine)]
                } else if argument.arity == .required {
                    throw usage("missing argument <\(argument.name)>")
                } else if let fallback = argument.defaultValue {
                    collected[argument.name] = [ParsedValue(fallback, source: .defaultValue)]
                }
            case .variadic:
                if argument.isRequired, remaining.isEmpty { throw usage("missing argument <\(argument.name)>") }
                for value in remaining {
                    try checkAllowed(value, allowed: argument.allowedValues, label: "<\(argument.name)>", origin: "")
                }
                collected[argument.name] = remaining.map { ParsedValue($0, source: .commandLine) }
                remaining = []
            }
        }
        if let extra = remaining.first {
            let command = words.joined(separator: " ")
            if current.arguments.isEmpty {
                throw usage("unexpected argument '\(extra)'; '\(command)' takes no arguments")
            }
            let expected = current.arguments.map(\.usageLabel).joined(separator: " ")
            throw usage("unexpected argument '\(extra)'; '\(command)' takes \(expected)")
        }
    }

    /// Applies the environment fallback and the default, then checks allowed values and `isRequired`.
    private func resolve(_ option: OptionSpec, into collected: inout [String: [ParsedValue]]) throws(UsageError) {
        if let given = collected[option.name] {
            for value in given {
                try checkAllowed(value.text, allowed: option.allowedValues, label: option.name, origin: "")
            }
            return
        }
        if let variable = option.environment, let text = environment[variable], !text.isEmpty {
            if option.kind == .flag {
                switch text.lowercased() {
                case "1", "true", "yes", "on": collected[option.name] = [ParsedValue("", source: .environment(variable))]
                case "0", "false", "no", "off": break
                default: throw usage("\(variable): '\(text)' is not a yes/no value for \(option.name) (use 1 or 0)")
                }
                return
            }
            try checkAllowed(text, allowed: option.allowedValues, label: option.name, origin: " (from \(variable))")
            collected[option.name] = [ParsedValue(text, source: .environment(variable))]
            return
        }
        if let fallback = option.defaultValue {
            collected[option.name] = [ParsedValue(fallback, source: .defaultValue)]
            return
        }
        if option.isRequired {
            let hint = option.environment.map { " (or set \($0))" } ?? ""
            throw usage("missing required option '\(option.usageLabel)'\(hint)")
        }
    }

    private func checkAllowed(_ value: String, allowed: [String], label: String, origin: String) throws(UsageError) {
        guard !allowed.isEmpty, !allowed.contains(value) else { return }
        throw usage("\(label): '\(value)'\(origin) is not one of: \(allowed.joined(separator: ", "))")
    }

    // MARK: Help

    /// The deepest command named before `--`, skipping option values; never fails.
    private func helpPath() -> [CommandSpec] {
        var helpPath = path
        var position = 0
        func active() -> [OptionSpec] { helpPath.dropLast().flatMap { $0.options.filter(\.isGlobal) } + helpPath.last!.options }
        while position < tokens.count, tokens[position] != "--" {
            let token = tokens[position]
            position += 1
            if token.hasPrefix("--") {
                if !token.contains("="), active().contains(where: { $0.name == token && $0.kind == .value }) { position += 1 }
            } else if token.hasPrefix("-"), token.count > 1 {
                let letters = Array(token.dropFirst())
                for (offset, letter) in letters.enumerated() {
                    guard let option = active().first(where: { $0.short == letter }), option.kind == .value else { continue }
                    if offset == letters.count - 1 { position += 1 }
                    break
                }
            } else if let next = helpPath.last!.subcommand(named: token) {
                helpPath.append(next)
            }
        }
        return helpPath
    }
}

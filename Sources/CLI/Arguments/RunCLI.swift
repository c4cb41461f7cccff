/// Parses `arguments`, runs the selected command and returns the process exit status. This is
/// the whole of the executable's `main.swift`:
///
/// ```swift
/// import CLI
/// import Foundation
/// let environment = ProcessInfo.processInfo.environment
/// exit(await runCLI(arguments: Array(CommandLine.arguments.dropFirst()), commands: .aisearchSync,
///                   terminal: SystemTerminal(environment: environment), environment: environment))
/// ```
///
/// - `--help`, `-h` or `help <command>`: the help screen on standard output, exit 0.
/// - `--version` at the root: the version on standard output, exit 0.
/// - Anything thrown, by the parser or the command, is reported by `ErrorReport`:
///   `<program>: error: <message>` and an optional hint line on standard error, exit code per
///   `ExitCode`. `ExitCode` itself is thrown silently.
/// - A tree with `definitionProblems()` is refused (exit 1) before anything is parsed.
///
/// - Parameters:
///   - arguments: the command line without the program name.
///   - commands: the root of the command tree; its `name` is the program name in messages.
///   - environment: where options' environment fallbacks are read, and what commands see.
public func runCLI(arguments: [String], commands: CommandSpec, terminal: any Terminal,
                   environment: [String: String]) async -> Int32 {
    let problems = commands.definitionProblems()
    if !problems.isEmpty {
        return report(CommandDefinitionError(problems), program: commands.name, commandPath: nil, terminal: terminal)
    }
    let outcome: ParseOutcome
    do {
        outcome = try commands.parse(arguments, environment: environment)
    } catch {
        return report(error, program: commands.name, commandPath: nil, terminal: terminal)
    }
    switch outcome {
    case .help(let path):
        terminal.write(HelpFormatter(path: path, width: terminal.width).render(), to: .standardOutput)
        return ExitCode.success.rawValue
    case .version(let version):
        terminal.print(version)
        return ExitCode.success.rawValue
    case .run(let path, let parsed):
        guard let run = path.last?.run else { return ExitCode.usage.rawValue }
        do {
            try await run(CommandContext(arguments: parsed, terminal: terminal, environment: environment))
            return ExitCode.success.rawValue
        } catch {
            return report(error, program: commands.name, commandPath: parsed.commandPath, terminal: terminal)
        }
    }
}

private func report(_ error: any Error, program: String, commandPath: [String]?, terminal: any Terminal) -> Int32 {
    let report = ErrorReport(error, commandPath: commandPath)
    if let message = report.message {
        let label = terminal.styled("error:", .red, for: .standardError)
        terminal.printError("\(program): \(label) \(message)")
        if let hint = report.hint { terminal.printError(hint) }
    }
    return report.exitCode.rawValue
}

import Observability

/// Parses `arguments`, runs the selected command and returns the process exit status. This is
/// the whole of the executable's `main.swift`:
///
/// ```swift
/// import CLI
/// import Foundation
/// let environment = ProcessInfo.processInfo.environment
/// exit(await runCLI(arguments: Array(CommandLine.arguments.dropFirst()), commands: .aisearchSync,
///                   terminal: SystemTerminal(environment: environment), environment: environment,
///                   cancelsOnInterrupt: true))
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
///   - cancelsOnInterrupt: while the command runs, SIGINT, SIGTERM and SIGHUP cancel its task
///     instead of killing the process; a command interrupted by SIGINT exits 130 (a second SIGINT
///     exits 130 at once). A command may take the signals over (`context.signals`): `watch`
///     stops gracefully and exits 0. Pass `true` from `main`; tests leave it off.
public func runCLI(arguments: [String], commands: CommandSpec, terminal: any Terminal,
                   environment: [String: String], cancelsOnInterrupt: Bool = false) async -> Int32 {
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
        let watcher = cancelsOnInterrupt ? InterruptWatcher() : nil
        let context = CommandContext(arguments: parsed, terminal: terminal, environment: environment,
                                     signals: watcher?.signals ?? CommandSignals())
        defer { watcher?.stop() }
        let task = Task { try await run(context) }
        watcher?.attach(task)
        let status: Int32
        do {
            try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
            status = ExitCode.success.rawValue
        } catch {
            // With --log-format json (or AISEARCH_LOG_FORMAT=json) the error is a record too, so
            // every line a command writes parses.
            if (try? parsed.string("--log-format")) == "json" {
                status = reportAsRecord(error, commandPath: parsed.commandPath, terminal: terminal)
            } else {
                status = report(error, program: commands.name, commandPath: parsed.commandPath, terminal: terminal)
            }
        }
        return watcher?.wasInterrupted == true ? ExitCode.interrupted.rawValue : status
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

/// The error as one `command_failed` JSON record on standard error (`message`, `hint`, `exit_code`).
private func reportAsRecord(_ error: any Error, commandPath: [String]?, terminal: any Terminal) -> Int32 {
    let report = ErrorReport(error, commandPath: commandPath)
    if let message = report.message {
        let logger = Logger(level: .error, format: .json, sink: TerminalLogSink(terminal: terminal))
        var fields: [String: LogValue] = ["exit_code": .int(Int(report.exitCode.rawValue))]
        if let hint = report.hint { fields["hint"] = .string(hint) }
        logger.error("command_failed", message, fields: fields)
    }
    return report.exitCode.rawValue
}

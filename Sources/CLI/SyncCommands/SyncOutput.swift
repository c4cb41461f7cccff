import Agent
import Observability
import SyncCore

/// How much `plan`, `sync` and `status` print, and in which form. One place decides, so the
/// three commands agree:
///
/// | level | standard error | standard output |
/// |---|---|---|
/// | `-q` | errors | the final line |
/// | default | errors, warnings, files left out summarised by reason | the command's lines |
/// | `-v` | the same, with every file left out on its own line | the same |
///
/// With `--log-format json` every line meant for standard error is a JSON record instead (the
/// logger's format), and `sync`'s final line is a `sync_done` record, so every line the command
/// writes parses. `--json` answers are printed by the command itself and are unaffected.
struct SyncOutput: Sendable {
    enum Level: Sendable, Comparable { case quiet, normal, verbose }

    static let quietOption = OptionSpec.flag("--quiet", short: "q", help: "Print only errors and the final line.")
    static let verboseOption = OptionSpec.flag("--verbose", short: "v", help: "List every file left out (and log at debug level).")

    let context: CommandContext
    let level: Level
    let logger: Logger
    /// Whether diagnostics are JSON records (`--log-format json`).
    var isJSON: Bool { logger.format == .json }

    init(context: CommandContext, logger: Logger) throws {
        self.context = context
        self.logger = logger
        level = try Self.level(context.arguments)
    }

    /// `-q` or `-v` (not both: a usage error).
    static func level(_ arguments: ParsedArguments) throws -> Level {
        let quiet = try arguments.flag(quietOption.name)
        let verbose = try arguments.flag(verboseOption.name)
        if quiet, verbose { throw UsageError("--quiet and --verbose contradict each other; give one of them", commandPath: arguments.commandPath) }
        return quiet ? .quiet : verbose ? .verbose : .normal
    }

    /// An error: always shown.
    func error(_ event: LogEvent, _ text: String, key: ItemKey? = nil, status: Int? = nil) {
        if isJSON {
            logger.error(event, text, key: key?.description, status: status)
        } else {
            context.printError("aisearch-sync: " + text)
        }
    }

    /// A warning: shown unless `-q`.
    func warning(_ event: LogEvent, _ text: String, key: ItemKey? = nil, fields: [String: LogValue] = [:]) {
        guard level > .quiet else { return }
        if isJSON {
            logger.warning(event, text, key: key?.description, fields: fields)
        } else {
            context.printError(text)
        }
    }

    /// Files left out: one line per reason by default, one per file with `-v`, none with `-q`.
    func leftOut(_ summary: LeftOutSummary, prefix: String = "skipped  ") {
        guard level > .quiet, !summary.isEmpty else { return }
        if level == .verbose {
            for group in summary.groups {
                for entry in group.entries {
                    if isJSON {
                        logger.notice(.fileSkipped, "left out \(entry.key): \(entry.reason)", key: entry.key.description,
                                      fields: ["reason": .string(entry.reason.code)])
                    } else {
                        context.printError("\(prefix)\(entry.key): \(entry.reason)")
                    }
                }
            }
            return
        }
        for group in summary.groups {
            if isJSON {
                logger.notice(.filesLeftOut, group.line(),
                              fields: ["reason": .string(group.code), "count": .int(group.count),
                                       "examples": .string(group.entries.prefix(3).map(\.key.rawValue).joined(separator: ", "))])
            } else {
                context.printError(group.line())
            }
        }
    }

    /// A line of the command's own output (standard output): not with `-q`.
    func line(_ text: String) {
        guard level > .quiet else { return }
        context.print(text)
    }

    /// The final line: always printed; a record with `fields` under `--log-format json`.
    func final(_ event: LogEvent, _ text: String, fields: [String: LogValue] = [:]) {
        if isJSON {
            logger.always(.notice, event, text, fields: fields)
        } else {
            context.print(text)
        }
    }
}

/// An error that knows how to explain itself to the person at the terminal, and which exit code
/// it means.
///
/// `runCLI` prints `message` as `aisearch-sync: error: <message>`, then `hint` (if any) on its own
/// line, and exits with `exitCode`. Errors from other modules join in by conforming in the CLI
/// target, which keeps those modules free of presentation concerns:
///
/// ```swift
/// extension APIError: UserFacingError {
///     public var message: String { "\(endpoint): \(statusCode) \(summary)" }
///     public var exitCode: ExitCode { statusCode == 401 || statusCode == 403 ? .configuration : .failure }
/// }
/// ```
///
/// A good message names the thing (file, key, flag, endpoint), says what happened, and, where
/// possible, what to do about it. It is one line; put the "what to do" in `hint` if it is long.
public protocol UserFacingError: Error {
    /// One line, no trailing period needed, no `error:` prefix.
    var message: String { get }
    /// The exit status this error maps to.
    var exitCode: ExitCode { get }
    /// An optional second line, e.g. "Run 'aisearch-sync jobs --help' for usage.".
    var hint: String? { get }
}

extension UserFacingError {
    public var hint: String? { nil }
}

/// The command line could not be understood: unknown option or command, malformed or missing
/// value, too many arguments. Always exit code 2 and a hint pointing at the relevant `--help`.
///
/// Throw it from a command's run closure for cross-option checks the declaration cannot express
/// (`throw UsageError("--since and --all cannot be used together")`); `runCLI` fills in the hint
/// for the running command.
public struct UsageError: UserFacingError, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// The command whose help the hint points at, as words (`["aisearch-sync", "jobs"]`). `nil`
    /// until the parser or `runCLI` knows which command was meant.
    public var commandPath: [String]?

    public init(_ message: String, commandPath: [String]? = nil) {
        self.message = message
        self.commandPath = commandPath
    }

    public var exitCode: ExitCode { .usage }

    public var hint: String? {
        guard let commandPath, !commandPath.isEmpty else { return nil }
        return "Run '\(commandPath.joined(separator: " ")) --help' for usage."
    }

    public var description: String { message }
}

/// The command tree itself is wrong (a programming error, not the user's): an accessor asked
/// for an option the command never declared, or two options share a name. Exit code 1.
public struct CommandDefinitionError: UserFacingError, Equatable, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(_ problems: [String]) { self.problems = problems }
    public init(_ problem: String) { self.problems = [problem] }

    public var message: String { "internal error in the command definitions: " + problems.joined(separator: "; ") }
    public var exitCode: ExitCode { .failure }
    public var description: String { message }
}

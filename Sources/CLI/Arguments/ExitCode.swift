/// The process exit status of `aisearch-sync`. These numbers are part of the public interface:
/// scripts and systemd units branch on them, so a case's value never changes.
///
/// `ExitCode` is also an `Error`: a command that has already printed what went wrong (say, a
/// sync summary with failures) ends with `throw ExitCode.failure`, and `runCLI` exits with that
/// status without printing anything more.
public enum ExitCode: Int32, Error, Sendable, CaseIterable {
    /// Everything asked for was done.
    case success = 0
    /// The remote API failed, or a sync finished incomplete.
    case failure = 1
    /// The command line was wrong: unknown option, malformed value, missing argument.
    case usage = 2
    /// The configuration is unusable: missing API token, bad config file, rejected credentials.
    case configuration = 3
    /// A local file-system error: the root folder is missing, the state file is unreadable.
    case localIO = 4
    /// Stopped by SIGINT (Ctrl-C), following the shell's 128 + signal number convention.
    case interrupted = 130
}

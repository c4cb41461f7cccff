import Foundation
import LinuxSystem

/// The one place that turns any thrown error into what the user sees and the exit status.
///
/// - `ExitCode`: nothing printed (the command reported already), that status.
/// - `UsageError`: its message and a hint naming the command's `--help`; exit 2.
/// - any other `UserFacingError`: its message, hint and exit code.
/// - `CancellationError`: "interrupted"; exit 130.
/// - `SystemError` (from LinuxSystem) and Foundation file errors: exit 4 (local I/O).
/// - anything else: its description; exit 1.
public struct ErrorReport: Sendable, Equatable {
    /// The line after `<program>: error: `, or `nil` when nothing should be printed.
    public var message: String?
    public var hint: String?
    public var exitCode: ExitCode

    /// - Parameter commandPath: the command that was running, for usage errors thrown without one.
    public init(_ error: any Error, commandPath: [String]? = nil) {
        switch error {
        case let code as ExitCode:
            self.init(message: nil, hint: nil, exitCode: code)
        case var usage as UsageError:
            if usage.commandPath == nil { usage.commandPath = commandPath }
            self.init(message: usage.message, hint: usage.hint, exitCode: .usage)
        case let error as any UserFacingError:
            self.init(message: error.message, hint: error.hint, exitCode: error.exitCode)
        case is CancellationError:
            self.init(message: "interrupted", hint: nil, exitCode: .interrupted)
        case let error as CocoaError where error.isFileError:
            self.init(message: error.localizedDescription, hint: nil, exitCode: .localIO)
        default:
            self.init(message: String(describing: error), hint: nil, exitCode: .failure)
        }
    }

    public init(message: String?, hint: String?, exitCode: ExitCode) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }
}

/// A failed system call on this machine is a local I/O error.
extension SystemError: UserFacingError {
    public var message: String { description }
    public var exitCode: ExitCode { .localIO }
}

#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// The process's real standard output and error (descriptors 1 and 2).
///
/// Decided once, at creation, from the environment it is given: colour is off when `NO_COLOR`
/// is set to anything non-empty (https://no-color.org) or `TERM` is `dumb`. The width is
/// `COLUMNS` when that is a positive number, else the TTY's window size, else 80; it is read on
/// every access so a resized window is followed.
///
/// Writes go straight to the descriptor with `write(2)` (no buffering, so stdout and stderr
/// stay in order), retrying short writes; write errors such as `EPIPE` are ignored, since there
/// is nowhere left to report them.
public struct SystemTerminal: Terminal {
    private let environment: [String: String]
    private let interactiveOutput: Bool
    private let interactiveError: Bool
    private let colorAllowed: Bool

    public init(environment: [String: String]) {
        self.environment = environment
        interactiveOutput = isatty(1) == 1
        interactiveError = isatty(2) == 1
        colorAllowed = Self.allowsColor(environment)
    }

    /// Whether the environment permits colour at all: no non-empty `NO_COLOR`, no `TERM=dumb`.
    static func allowsColor(_ environment: [String: String]) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// `COLUMNS` when it is a positive whole number (at least 20), else `nil`.
    static func columns(_ environment: [String: String]) -> Int? {
        guard let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 else { return nil }
        return max(20, columns)
    }

    public func isInteractive(_ stream: TerminalStream) -> Bool {
        stream == .standardOutput ? interactiveOutput : interactiveError
    }

    public var width: Int {
        if let columns = Self.columns(environment) { return columns }
        if interactiveOutput || interactiveError {
            var size = winsize()
            let descriptor: Int32 = interactiveOutput ? 1 : 2
            if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return max(20, Int(size.ws_col)) }
        }
        return 80
    }

    public func usesColor(_ stream: TerminalStream) -> Bool {
        colorAllowed && isInteractive(stream)
    }

    public func write(_ text: String, to stream: TerminalStream) {
        let descriptor: Int32 = stream == .standardOutput ? 1 : 2
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written: Int? = bytes.withUnsafeBytes { buffer in
                try? retryingOnInterrupt("write") { Glibc.write(descriptor, buffer.baseAddress, buffer.count) }
            }
            guard let written, written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

import Synchronization

/// A `Terminal` that records what is written, for tests: run a command through `runCLI` with
/// one, then compare `standardOutput` and `standardError` with the expected text.
///
/// Whether it behaves like a TTY, its width and whether it uses colour are set at creation, so
/// both the interactive and the piped behaviour of a command can be tested. Thread-safe.
public final class CapturingTerminal: Terminal {
    private struct Captured {
        var output = ""
        var error = ""
        var writes: [(TerminalStream, String)] = []
    }

    private let captured = Mutex(Captured())
    private let interactive: Bool
    private let colour: Bool
    public let width: Int

    /// - Parameters:
    ///   - width: the columns reported to commands.
    ///   - isInteractive: whether both streams claim to be TTYs.
    ///   - usesColor: whether both streams claim to accept ANSI colour.
    public init(width: Int = 80, isInteractive: Bool = false, usesColor: Bool = false) {
        self.width = width
        self.interactive = isInteractive
        self.colour = usesColor
    }

    public func isInteractive(_ stream: TerminalStream) -> Bool { interactive }
    public func usesColor(_ stream: TerminalStream) -> Bool { colour }

    public func write(_ text: String, to stream: TerminalStream) {
        captured.withLock { captured in
            switch stream {
            case .standardOutput: captured.output += text
            case .standardError: captured.error += text
            }
            captured.writes.append((stream, text))
        }
    }

    /// Everything written to standard output so far.
    public var standardOutput: String { captured.withLock { $0.output } }
    /// Everything written to standard error so far.
    public var standardError: String { captured.withLock { $0.error } }
    /// Every write in order, with its stream.
    public var writes: [(stream: TerminalStream, text: String)] { captured.withLock { $0.writes.map { ($0.0, $0.1) } } }
}

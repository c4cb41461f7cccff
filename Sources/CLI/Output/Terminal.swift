/// One of the two output streams a command writes to.
public enum TerminalStream: Sendable, Equatable {
    /// Results: tables, JSON, help. What a script pipes onward.
    case standardOutput
    /// Diagnostics: errors, warnings, progress.
    case standardError
}

/// Where commands write, and what they may assume about it. Commands never call `print`;
/// they write through a `Terminal` so tests can capture output with `CapturingTerminal`, and so
/// colour and progress decisions are made in one place.
///
/// Conformers must be safe to call from any task; each `write` appears whole (it is never
/// interleaved with another `write` to the same stream).
public protocol Terminal: Sendable {
    /// Whether `stream` is connected to a terminal (a TTY), so carriage-return progress and
    /// colour make sense there.
    func isInteractive(_ stream: TerminalStream) -> Bool
    /// The number of columns to lay text out in (help, tables, progress), at least 20.
    var width: Int { get }
    /// Whether ANSI colour may be written to `stream`: never when `NO_COLOR` is set, when
    /// `TERM=dumb`, or when the stream is not a TTY.
    func usesColor(_ stream: TerminalStream) -> Bool
    /// Writes `text` as is (add your own newline).
    func write(_ text: String, to stream: TerminalStream)
}

/// A text style for `Terminal.styled(_:_:for:)`.
public enum TextStyle: Sendable {
    case bold, dim, red, green, yellow

    var code: String {
        switch self {
        case .bold: "1"
        case .dim: "2"
        case .red: "31"
        case .green: "32"
        case .yellow: "33"
        }
    }
}

extension Terminal {
    /// Writes `line` and a newline to standard output.
    public func print(_ line: String = "") {
        write(line + "\n", to: .standardOutput)
    }

    /// Writes `line` and a newline to standard error.
    public func printError(_ line: String) {
        write(line + "\n", to: .standardError)
    }

    /// `text` wrapped in the ANSI codes for `style` when `stream` uses colour, else unchanged.
    public func styled(_ text: String, _ style: TextStyle, for stream: TerminalStream = .standardOutput) -> String {
        usesColor(stream) ? "\u{1B}[\(style.code)m\(text)\u{1B}[0m" : text
    }
}

extension CommandContext {
    /// Writes `line` and a newline to standard output.
    public func print(_ line: String = "") {
        terminal.print(line)
    }

    /// Writes `line` and a newline to standard error.
    public func printError(_ line: String) {
        terminal.printError(line)
    }

    /// Renders `table` on standard output: fitted to the terminal's width on a terminal, whole
    /// when piped (a script gets every character of every cell).
    public func printTable(_ table: Table) {
        let width = terminal.isInteractive(.standardOutput) ? terminal.width : nil
        terminal.write(table.render(width: width), to: .standardOutput)
    }

    /// Prints `value` as pretty JSON with sorted, snake_case keys (see `JSONOutput`) on standard output.
    public func printJSON(_ value: some Encodable) throws {
        terminal.write(try JSONOutput.string(value) + "\n", to: .standardOutput)
    }
}

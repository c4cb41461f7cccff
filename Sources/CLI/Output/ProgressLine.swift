import Synchronization

/// A one-line progress indicator ("uploading 12/40 docs/intro.md").
///
/// On a TTY each `update` rewrites the same line (carriage return, text cut to the width, clear
/// to end of line). Elsewhere (a pipe, a log file, journald) each update that differs from the
/// previous one is written as a plain line, so logs show the steps without control characters.
/// Writes to standard error by default, keeping standard output for results. Thread-safe.
public final class ProgressLine: Sendable {
    private struct State {
        var last: String?
        var isShowing = false
    }

    private let terminal: any Terminal
    private let stream: TerminalStream
    private let state = Mutex(State())

    public init(terminal: any Terminal, stream: TerminalStream = .standardError) {
        self.terminal = terminal
        self.stream = stream
    }

    /// Shows `text` as the current progress.
    public func update(_ text: String) {
        let line = text.replacing("\n", with: " ")
        let output: String? = state.withLock { state in
            guard line != state.last else { return nil }
            state.last = line
            if terminal.isInteractive(stream) {
                state.isShowing = true
                return "\r" + TextLayout.truncate(line, to: terminal.width - 1) + "\u{1B}[K"
            }
            return line + "\n"
        }
        if let output { terminal.write(output, to: stream) }
    }

    /// Writes `text` (whole lines, ending in a newline) above the progress line: on a TTY the
    /// line is erased, `text` written, and the line drawn again below it, so a log line never
    /// lands inside the bar. Elsewhere `text` is written as it is.
    public func writeAbove(_ text: String, to target: TerminalStream = .standardError) {
        state.withLock { state in
            guard terminal.isInteractive(stream), state.isShowing, let last = state.last else {
                terminal.write(text, to: target)
                return
            }
            // Written while the lock is held, so no update can come between the erase and the redraw.
            if target == stream {
                terminal.write("\r\u{1B}[K" + text + "\r" + TextLayout.truncate(last, to: terminal.width - 1) + "\u{1B}[K", to: stream)
            } else {
                terminal.write("\r\u{1B}[K", to: stream)
                terminal.write(text, to: target)
                terminal.write("\r" + TextLayout.truncate(last, to: terminal.width - 1) + "\u{1B}[K", to: stream)
            }
        }
    }

    /// Removes the progress line (on a TTY), e.g. before printing a result.
    public func clear() {
        finish(nil)
    }

    /// Ends the progress: on a TTY the line is replaced by `text` (or removed when `nil`) and a
    /// newline; elsewhere `text` is written as a last line.
    public func finish(_ text: String?) {
        let output: String = state.withLock { state in
            defer { state.last = nil; state.isShowing = false }
            if terminal.isInteractive(stream) {
                let erase = state.isShowing ? "\r\u{1B}[K" : ""
                return erase + (text.map { $0 + "\n" } ?? "")
            }
            return text.map { $0 + "\n" } ?? ""
        }
        if !output.isEmpty { terminal.write(output, to: stream) }
    }
}

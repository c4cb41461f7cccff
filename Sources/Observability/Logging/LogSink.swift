#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where finished log lines go. The logger calls `write` with one complete line (ending in
/// `\n`) at a time, while holding its lock, so a sink never sees two writes at once and lines
/// never interleave.
public protocol LogSink: Sendable {
    func write(_ line: String)
}

/// Standard error, written with `write(2)` (looping over short writes and `EINTR`), so each
/// line reaches the file descriptor whole and unbuffered: nothing is lost if the process is
/// killed right after logging.
public struct StandardErrorLogSink: LogSink {
    public init() {}

    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return // stderr is gone; there is nowhere left to report that.
                }
            }
        }
    }
}

/// Keeps every line in memory, for tests. Thread-safe.
public final class CapturingLogSink: LogSink {
    private let captured = Mutex<[String]>([])

    public init() {}

    public func write(_ line: String) {
        captured.withLock { $0.append(line) }
    }

    /// The lines written so far, without their trailing newlines.
    public var lines: [String] {
        captured.withLock { lines in lines.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 } }
    }

    /// Everything written so far, as one string.
    public var text: String { captured.withLock { $0.joined() } }
}

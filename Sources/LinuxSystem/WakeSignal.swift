#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that wakes a thread blocked in `poll(2)` from any other thread: a reader polls
/// `readEnd` alongside its real descriptor; `signal()` makes it readable until `drain()`.
/// (`eventfd` is not exported by Swift's Glibc module; a non-blocking pipe does the same job.)
public final class WakeSignal: Sendable {
    public let readEnd: FileDescriptor
    private let writeEnd: FileDescriptor

    public init() throws(SystemError) {
        (readEnd, writeEnd) = try FileDescriptor.makePipe(nonBlocking: true)
    }

    /// Makes `readEnd` readable. Safe from any thread, any number of times.
    public func signal() {
        var byte: UInt8 = 1
        _ = Glibc.write(writeEnd.rawValue, &byte, 1)
    }

    /// Empties the pipe so the next `poll` blocks again.
    public func drain() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while true {
            let count = scratch.withUnsafeMutableBytes { Glibc.read(readEnd.rawValue, $0.baseAddress, $0.count) }
            if count <= 0 { return }
        }
    }
}

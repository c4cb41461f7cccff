#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The one owner of an open file descriptor: it closes the descriptor exactly once, either when
/// `close()` is called or when the owner is released. Nothing else in the code base calls
/// `close(2)` on a descriptor it did not create here.
///
/// Thread-safety: every method may be called from any thread; `close()` racing with a read on
/// another thread makes that read fail with `EBADF`, never touch a reused descriptor number,
/// because the number is swapped out atomically before it is closed.
public final class FileDescriptor: Sendable, CustomStringConvertible {
    private let storage: Atomic<Int32>

    /// Takes ownership of `rawValue`, which must be an open descriptor nobody else closes.
    public init(owning rawValue: Int32) {
        precondition(rawValue >= 0, "FileDescriptor(owning:) needs an open descriptor")
        storage = Atomic(rawValue)
    }

    deinit {
        let raw = storage.load(ordering: .relaxed)
        if raw >= 0 { _ = Glibc.close(raw) }
    }

    /// The descriptor number, or -1 once closed. Use only for the duration of one system call.
    public var rawValue: Int32 { storage.load(ordering: .acquiring) }

    public var isOpen: Bool { rawValue >= 0 }

    public var description: String { "fd \(rawValue)" }

    /// Closes the descriptor now. Closing twice is harmless.
    public func close() {
        let raw = storage.exchange(-1, ordering: .acquiringAndReleasing)
        if raw >= 0 { _ = Glibc.close(raw) }
    }

    /// Opens `path` (raw bytes, never re-encoded) with `flags` (`O_CLOEXEC` is always added).
    public static func open(_ path: FilePathBytes, flags: Int32, mode: mode_t = 0o644) throws(SystemError) -> FileDescriptor {
        let raw = try path.withCString { (cPath) throws(SystemError) -> Int32 in
            try retryingOnInterrupt("open", subject: path.description) { Glibc.open(cPath, flags | O_CLOEXEC, mode) }
        }
        return FileDescriptor(owning: raw)
    }

    /// Reads at most `buffer.count` bytes; returns 0 at end of file. `EAGAIN` is thrown as is.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try retryingOnInterrupt("read") { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes some of `buffer`; returns how many bytes were written.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        try retryingOnInterrupt("write") { Glibc.write(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `bytes`, looping over short writes.
    public func writeAll(_ bytes: some Collection<UInt8>) throws(SystemError) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            // Array.withUnsafeBytes is untyped-rethrows, so the call result is carried out as a value.
            let result: Result<Int, SystemError> = array.withUnsafeBytes { raw in
                Result { () throws(SystemError) -> Int in try write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            offset += try result.get()
        }
    }

    /// Flushes the file's data and metadata to stable storage.
    public func sync() throws(SystemError) {
        _ = try retryingOnInterrupt("fsync") { Glibc.fsync(rawValue) }
    }

    /// Sets or clears `O_NONBLOCK`.
    public func setNonBlocking(_ enabled: Bool = true) throws(SystemError) {
        let flags = try retryingOnInterrupt("fcntl") { fcntl(rawValue, F_GETFL) }
        let updated = enabled ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        _ = try retryingOnInterrupt("fcntl") { fcntl(rawValue, F_SETFL, updated) }
    }
}

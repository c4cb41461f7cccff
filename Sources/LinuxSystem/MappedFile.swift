#if canImport(Glibc)
import Glibc
#endif

/// A file mapped read-only into memory, read in place: no copy of it on the heap. A reader that
/// goes through it front to back hands the pages behind it back (`release(before:)`), so at most
/// a window of the file is resident at a time, whatever its size.
///
/// Why: the state file is ~300 bytes per tracked file (31 MB at 100,000 files), and reading it
/// into an array held all of it beside the table being built from it: the agent's peak memory.
/// A released page of a private read-only mapping is read again from the page cache if touched,
/// so releasing too early costs time, never correctness.
///
/// Reading while another process truncates the file raises SIGBUS; the state file is only ever
/// replaced by `rename`, which leaves this mapping on the old inode.
public final class MappedFile {
    /// The file's size in bytes when it was mapped.
    public let count: Int
    private let base: UnsafeMutableRawPointer?
    private var releasedUpTo = 0
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `path`; nil when it does not exist.
    public static func open(_ path: FilePathBytes) throws(SystemError) -> MappedFile? {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, flags: O_RDONLY | O_CLOEXEC)
        } catch where error.errno == .noSuchFile {
            return nil
        }
        defer { descriptor.close() }
        let size = Int(try FileStatus.of(descriptor).size)
        guard size > 0 else { return MappedFile(base: nil, count: 0) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor.rawValue, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1) else {  // MAP_FAILED
            throw SystemError("mmap", subject: path.description)
        }
        // The reader goes front to back: ask the kernel to read ahead.
        _ = madvise(mapped, size, MADV_SEQUENTIAL)
        return MappedFile(base: mapped, count: size)
    }

    private init(base: UnsafeMutableRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// The file's bytes, valid inside `body` only.
    public func withBytes<Result, Failure: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result) throws(Failure) -> Result {
        guard let base else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// The reader starts again from the front (a second pass): pages it passes are released again.
    public func rewind() { releasedUpTo = 0 }

    /// Hands back the whole pages before `offset` (from the last release, or the last `rewind`):
    /// they leave this process's resident memory.
    public func release(before offset: Int) {
        guard let base else { return }
        let end = min(offset, count) / Self.pageSize * Self.pageSize
        guard end > releasedUpTo else { return }
        _ = madvise(base + releasedUpTo, end - releasedUpTo, MADV_DONTNEED)
        releasedUpTo = end
    }
}

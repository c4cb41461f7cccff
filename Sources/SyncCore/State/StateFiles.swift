#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// The few file operations the state store needs, each wrapping one system call over
/// `FileDescriptor` / `FilePathBytes`, `EINTR` retried, failures typed.
enum StateFiles {
    /// Creates `path` and any missing parents with `mode`; existing directories are left as they are.
    static func makeDirectories(_ path: FilePathBytes, mode: mode_t = 0o700) throws(SystemError) {
        var current: FilePathBytes = path.bytes.first == UInt8(ascii: "/") ? "/" : FilePathBytes([])
        for component in path.components {
            current = current.appending(component)
            let result = current.withCString { Glibc.mkdir($0, mode) }
            if result != 0 {
                let error = Errno.current
                if error.rawValue == EEXIST { continue }
                throw SystemError("mkdir", subject: current.description, errno: error)
            }
        }
    }

    /// The whole file, or nil when it does not exist.
    static func readFile(_ path: FilePathBytes) throws(SystemError) -> [UInt8]? {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, flags: O_RDONLY)
        } catch where error.errno == .noSuchFile {
            return nil
        }
        defer { descriptor.close() }
        let size = try FileStatus.of(descriptor).size
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            // withUnsafeMutableBytes rethrows untyped, so the read's result is carried out as a value.
            let result: Result<Int, SystemError> = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) -> Int in try descriptor.read(into: buffer) }
            }
            let count = try result.get()
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// Replaces `path` with `bytes` so that a crash at any point leaves either the old file or the
    /// new one, never a mix: write a temporary file beside it (mode 0600), `fsync` it, `rename` it
    /// over `path`, then `fsync` the directory so the rename itself is durable.
    static func replaceAtomically(_ path: FilePathBytes, with bytes: [UInt8], temporarySuffix: String) throws(SystemError) {
        let temporary = FilePathBytes(path.bytes + Array(".tmp-\(temporarySuffix)".utf8))
        let descriptor = try FileDescriptor.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, mode: 0o600)
        do {
            // The umask can only narrow 0600, but an inherited ACL default could widen it.
            _ = try retryingOnInterrupt("fchmod", subject: temporary.description) { fchmod(descriptor.rawValue, 0o600) }
            try descriptor.writeAll(bytes)
            try descriptor.sync()
            descriptor.close()
            try rename(temporary, to: path)
        } catch {
            descriptor.close()
            _ = temporary.withCString { unlink($0) }
            throw error
        }
        try syncDirectory(path.parent)
    }

    /// Appends `bytes` at the end of `path` (which must exist) and `fdatasync`s it: once this
    /// returns, the bytes survive a crash or power loss.
    static func appendAndSync(_ path: FilePathBytes, _ bytes: [UInt8]) throws(SystemError) {
        let descriptor = try FileDescriptor.open(path, flags: O_WRONLY | O_APPEND)
        defer { descriptor.close() }
        try descriptor.writeAll(bytes)
        try descriptor.sync()
    }

    /// Cuts `path` to `length` bytes (a torn journal record) and syncs it.
    static func truncate(_ path: FilePathBytes, to length: Int) throws(SystemError) {
        let descriptor = try FileDescriptor.open(path, flags: O_WRONLY)
        defer { descriptor.close() }
        _ = try retryingOnInterrupt("ftruncate", subject: path.description) { ftruncate(descriptor.rawValue, off_t(length)) }
        try descriptor.sync()
    }

    static func rename(_ source: FilePathBytes, to destination: FilePathBytes) throws(SystemError) {
        _ = try source.withCString { (from) throws(SystemError) -> Int32 in
            try destination.withCString { (to) throws(SystemError) -> Int32 in
                try retryingOnInterrupt("rename", subject: source.description) { Glibc.rename(from, to) }
            }
        }
    }

    static func remove(_ path: FilePathBytes) throws(SystemError) {
        _ = try path.withCString { (cPath) throws(SystemError) -> Int32 in
            try retryingOnInterrupt("unlink", subject: path.description) { unlink(cPath) }
        }
    }

    static func exists(_ path: FilePathBytes) -> Bool {
        (try? FileStatus.of(path)) != nil
    }

    static func syncDirectory(_ directory: FilePathBytes) throws(SystemError) {
        let descriptor = try FileDescriptor.open(directory.isEmpty ? "." : directory, flags: O_RDONLY | O_DIRECTORY)
        defer { descriptor.close() }
        try descriptor.sync()
    }

    /// Takes an exclusive `flock` on `path` (created 0600), or throws `EWOULDBLOCK` when another
    /// process holds it. The lock lasts as long as the returned descriptor.
    ///
    /// A held lock is tried again for up to half a second before giving up: the lock belongs to
    /// the open file, and a process forked elsewhere in this program shares that file until it
    /// execs (close-on-exec acts only then), so a lock just released can look held for a moment;
    /// so can one whose agent is still exiting.
    static func lockExclusively(_ path: FilePathBytes) throws(SystemError) -> FileDescriptor {
        let descriptor = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        var retries = 0
        while true {
            do {
                _ = try retryingOnInterrupt("flock", subject: path.description) { flock(descriptor.rawValue, LOCK_EX | LOCK_NB) }
                return descriptor
            } catch where error.errno == .wouldBlock && retries < 10 {
                retries += 1
                usleep(50_000)
            }
        }
    }

    /// Wall-clock time, nanoseconds since the epoch.
    static func realtimeNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// `20261123T141703Z`, for names of files moved aside.
    static func compactUTCTimestamp(nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { String(value).leftPaddedWithZeros(to: 2) }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}

extension String {
    fileprivate func leftPaddedWithZeros(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

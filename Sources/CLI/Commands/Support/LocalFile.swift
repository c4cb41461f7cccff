#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// Whole-file reads and writes for the commands (token file, upload, download), through
/// LinuxSystem so a failure is a `SystemError` naming the call, the path and the errno (exit 4
/// unless the caller maps it). Paths are the bytes of the argument as typed.
enum LocalFile {
    /// The file's contents, refusing files larger than `limit` bytes when one is given.
    static func read(_ path: String, limit: Int? = nil) throws(SystemError) -> [UInt8] {
        do {
            return try readWholeFile(FilePathBytes(path), limit: limit)
        } catch {
            throw SystemError(error.operation, subject: path, errno: error.errno)
        }
    }

    /// Replaces the file's contents with `bytes` (created with mode 0644 if missing).
    static func write(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let descriptor = try FileDescriptor.open(FilePathBytes(path), flags: O_WRONLY | O_CREAT | O_TRUNC)
        defer { descriptor.close() }
        try descriptor.writeAll(bytes)
    }
}

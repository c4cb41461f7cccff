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
        let descriptor = try FileDescriptor.open(FilePathBytes(path), flags: O_RDONLY)
        defer { descriptor.close() }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // Array.withUnsafeMutableBytes is untyped-rethrows, so the result is carried out as a value.
            let result: Result<Int, SystemError> = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) -> Int in try descriptor.read(into: buffer) }
            }
            let count: Int
            do { count = try result.get() } catch { throw SystemError("read", subject: path, errno: error.errno) }
            if count == 0 { return contents }
            contents += chunk[..<count]
            if let limit, contents.count > limit { throw SystemError("read", subject: path, errno: Errno(rawValue: EFBIG)) }
        }
    }

    /// Replaces the file's contents with `bytes` (created with mode 0644 if missing).
    static func write(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let descriptor = try FileDescriptor.open(FilePathBytes(path), flags: O_WRONLY | O_CREAT | O_TRUNC)
        defer { descriptor.close() }
        try descriptor.writeAll(bytes)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The whole content of a (small) file, e.g. a rule file, a token file or a /proc value. Reads
/// until end of file rather than trusting `st_size`, which is 0 for /proc files.
///
/// - Parameter limit: refuse (EFBIG) a file larger than this many bytes; a config or token file
///   is never big, and reading a device node by mistake must not exhaust memory.
public func readWholeFile(_ path: FilePathBytes, limit: Int? = nil) throws(SystemError) -> [UInt8] {
    let file = try FileDescriptor.open(path, flags: O_RDONLY)
    defer { file.close() }
    return try file.readToEnd(limit: limit, subject: path.description)
}

extension FileDescriptor {
    /// Reads until end of file (for a pipe: until every writer has closed it).
    ///
    /// - Parameter limit: refuse (EFBIG, naming `subject`) past this many bytes.
    public func readToEnd(limit: Int? = nil, subject: String = "") throws(SystemError) -> [UInt8] {
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // Array.withUnsafeMutableBytes is untyped-rethrows, so the result is carried out as a value.
            let result: Result<Int, SystemError> = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) -> Int in try read(into: raw) }
            }
            let count = try result.get()
            if count == 0 { return contents }
            contents += chunk[..<count]
            if let limit, contents.count > limit { throw SystemError("read", subject: subject, errno: Errno(rawValue: EFBIG)) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The whole content of a (small) file, e.g. a rule file or a /proc value. Reads until end of
/// file rather than trusting `st_size`, which is 0 for /proc files.
public func readWholeFile(_ path: FilePathBytes) throws(SystemError) -> [UInt8] {
    let file = try FileDescriptor.open(path, flags: O_RDONLY)
    defer { file.close() }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
        let result: Result<Int, SystemError> = chunk.withUnsafeMutableBytes { raw in
            Result { () throws(SystemError) -> Int in try file.read(into: raw) }
        }
        let count = try result.get()
        if count == 0 { return contents }
        contents += chunk[..<count]
    }
}

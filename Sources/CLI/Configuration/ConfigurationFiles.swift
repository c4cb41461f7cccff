import LinuxSystem

#if canImport(Glibc)
import Glibc
#endif

/// Reading the small text files configuration refers to (the config file, a token file).
public enum ConfigurationFiles {
    /// Why a file could not be read, in words: `No such file or directory (ENOENT)`.
    public struct ReadError: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Files larger than this are refused: a config or token file is never this big, and
    /// reading, say, a device node by mistake must not hang or exhaust memory.
    public static let maximumSize = 1 << 20

    /// The file's bytes as UTF-8 text (invalid sequences repaired).
    public static func readText(_ path: String) throws(ReadError) -> String {
        do {
            let file = try FileDescriptor.open(FilePathBytes(path), flags: O_RDONLY)
            defer { file.close() }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = try buffer.withUnsafeMutableBytes { (pointer) throws(SystemError) -> Int in
                    try file.read(into: pointer)
                }
                if count == 0 { break }
                bytes += buffer[..<count]
                if bytes.count > maximumSize { throw ReadError(reason: "larger than \(maximumSize) bytes") }
            }
            return String(decoding: bytes, as: UTF8.self)
        } catch let error as SystemError {
            throw ReadError(reason: error.errno.description)
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(reason: "\(error)")
        }
    }
}

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
            return String(decoding: try readWholeFile(FilePathBytes(path), limit: maximumSize), as: UTF8.self)
        } catch where error.errno == Errno(rawValue: EFBIG) {
            throw ReadError(reason: "larger than \(maximumSize) bytes")
        } catch {
            throw ReadError(reason: error.errno.description)
        }
    }
}

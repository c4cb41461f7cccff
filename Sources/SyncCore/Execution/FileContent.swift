#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// A file's bytes read whole, with the `fstat` taken after reading, consistent with them: a file
/// written while it was read is read again (a few times), so what is uploaded and what is
/// recorded always agree.
struct FileContent {
    var bytes: [UInt8]
    var status: FileStatus

    static func read(_ path: FilePathBytes, limit: Int64, attempts: Int = 3) throws -> FileContent {
        for _ in 0..<attempts {
            let descriptor = try FileDescriptor.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
            let before = try FileStatus.of(descriptor)
            guard before.kind == .regular else { throw FileContentError.notRegularFile(path) }
            guard before.size <= limit else { throw FileContentError.tooLarge(path, size: before.size, limit: limit) }
            var bytes = [UInt8](repeating: 0, count: Int(before.size) + 1)
            var count = 0
            while count < bytes.count {
                let read = try bytes.withUnsafeMutableBytes { buffer in
                    try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
                }
                if read == 0 { break }
                count += read
            }
            let after = try FileStatus.of(descriptor)
            if count == Int(before.size), after.size == before.size,
               after.modificationTimeNanoseconds == before.modificationTimeNanoseconds,
               after.changeTimeNanoseconds == before.changeTimeNanoseconds {
                bytes.removeLast()
                return FileContent(bytes: bytes, status: after)
            }
        }
        throw FileContentError.keptChanging(path)
    }
}

/// Why a file could not be read for upload.
enum FileContentError: Error, CustomStringConvertible {
    case notRegularFile(FilePathBytes)
    case tooLarge(FilePathBytes, size: Int64, limit: Int64)
    case keptChanging(FilePathBytes)

    var isTerminal: Bool {
        switch self {
        case .notRegularFile, .tooLarge: true
        case .keptChanging: false
        }
    }

    var description: String {
        switch self {
        case .notRegularFile(let path): "\(path) is no longer a regular file"
        case .tooLarge(let path, let size, let limit): "\(path) grew to \(size) bytes, over the \(limit)-byte limit"
        case .keptChanging(let path): "\(path) kept changing while it was read; it is retried on its next change"
        }
    }
}

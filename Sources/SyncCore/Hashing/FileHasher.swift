#if canImport(Glibc)
import Glibc
#endif
import Hashing
import LinuxSystem

/// The digests of one file's content.
public struct FileDigests: Hashable, Sendable {
    public var sha256: SHA256Digest
    /// Present when `.md5` was asked for.
    public var md5: MD5Digest?
    /// Present when `.sha1` was asked for.
    public var sha1: SHA1Digest?

    public init(sha256: SHA256Digest, md5: MD5Digest? = nil, sha1: SHA1Digest? = nil) {
        self.sha256 = sha256
        self.md5 = md5
        self.sha1 = sha1
    }
}

/// What one pass over a file saw.
public struct FileHashResult: Hashable, Sendable {
    public var digests: FileDigests
    /// Bytes read, which is what the digests cover.
    public var byteCount: Int64
    /// `fstat` of the open descriptor before the first read.
    public var statusBefore: FileStatus
    /// `fstat` of the same descriptor after the last read.
    public var statusAfter: FileStatus

    public var sha256: SHA256Digest { digests.sha256 }

    /// Whether nothing changed while the file was read: size, modification and change times are
    /// the same before and after, and the bytes read equal the size. When false, the digests may
    /// mix old and new content and the caller should hash again (see `FileHasher.hashStable`).
    public var isConsistent: Bool {
        statusBefore.size == statusAfter.size
            && statusBefore.modificationTimeNanoseconds == statusAfter.modificationTimeNanoseconds
            && statusBefore.changeTimeNanoseconds == statusAfter.changeTimeNanoseconds
            && byteCount == statusAfter.size
    }
}

/// Why a file could not be hashed.
public enum FileHashError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `open`, `read` or `fstat` failed (`EACCES` for an unreadable file, `ENOENT` when it is gone,
    /// `ELOOP` when the path is a symbolic link: links are never followed).
    case system(SystemError)
    /// The path names a directory, FIFO, socket or device; nothing was read.
    case notRegularFile(path: FilePathBytes)
    /// The file kept changing while it was read, `attempts` times in a row.
    case changedDuringHashing(path: FilePathBytes, attempts: Int)

    public var description: String {
        switch self {
        case .system(let error): "\(error)"
        case .notRegularFile(let path): "cannot hash \(path): not a regular file"
        case .changedDuringHashing(let path, let attempts):
            "cannot hash \(path): it changed while being read, \(attempts) times in a row; it is retried when it settles"
        }
    }
}

/// Hashes files by streaming them through one buffer that it owns and reuses, so memory use does
/// not grow with file size or with the number of files hashed.
///
/// `~Copyable` and `mutating` on purpose: the buffer has one owner, and exclusivity checking
/// guarantees no two hashes share it at once. Give each concurrent worker its own `FileHasher`.
/// It may be moved to another task (hence `Sendable`); the buffer is never aliased.
public struct FileHasher: ~Copyable, @unchecked Sendable {
    /// 512 KiB: large enough that the per-`read` cost vanishes, small enough to stay in L2.
    public static let defaultBufferSize = 512 * 1024

    private let buffer: UnsafeMutableRawBufferPointer

    public init(bufferSize: Int = FileHasher.defaultBufferSize) {
        precondition(bufferSize >= 4096, "FileHasher needs a buffer of at least 4 KiB")
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// One pass over `path` with a temporary hasher; see `hash(_:algorithms:)`.
    public static func hash(_ path: FilePathBytes, algorithms: Set<ChecksumAlgorithm> = [.sha256]) throws(FileHashError) -> FileHashResult {
        var hasher = FileHasher()
        return try hasher.hash(path, algorithms: algorithms)
    }

    /// Reads `path` once (never following a symbolic link) and returns its SHA-256, plus MD5 and
    /// SHA-1 when `algorithms` asks for them, with the descriptor's status before and after.
    /// Check `isConsistent` before trusting the digests, or use `hashStable`.
    public mutating func hash(_ path: FilePathBytes, algorithms: Set<ChecksumAlgorithm> = [.sha256]) throws(FileHashError) -> FileHashResult {
        let descriptor: FileDescriptor
        do {
            // O_NONBLOCK so that a FIFO cannot block the open; it has no effect on regular files.
            descriptor = try FileDescriptor.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)
        } catch {
            throw .system(error)
        }
        defer { descriptor.close() }
        let before = try status(of: descriptor)
        guard before.kind == .regular else { throw .notRegularFile(path: path) }
        _ = posix_fadvise(descriptor.rawValue, 0, 0, POSIX_FADV_SEQUENTIAL)

        var sha256 = SHA256()
        var md5 = algorithms.contains(.md5) ? MD5() : nil
        var sha1 = algorithms.contains(.sha1) ? SHA1() : nil
        var byteCount: Int64 = 0
        while true {
            let count: Int
            do {
                count = try descriptor.read(into: buffer)
            } catch {
                throw .system(SystemError(error.operation, subject: path.description, errno: error.errno))
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            sha256.update(chunk)
            md5?.update(chunk)
            sha1?.update(chunk)
            byteCount += Int64(count)
        }
        let after = try status(of: descriptor)
        return FileHashResult(
            digests: FileDigests(sha256: sha256.finalize(), md5: md5?.finalize(), sha1: sha1?.finalize()),
            byteCount: byteCount, statusBefore: before, statusAfter: after)
    }

    /// Hashes `path` until one pass is consistent (nothing changed while it was read), at most
    /// `attempts` times; throws `changedDuringHashing` when every pass saw a change.
    public mutating func hashStable(
        _ path: FilePathBytes, algorithms: Set<ChecksumAlgorithm> = [.sha256], attempts: Int = 3
    ) throws(FileHashError) -> FileHashResult {
        precondition(attempts >= 1)
        for _ in 0..<attempts {
            let result = try hash(path, algorithms: algorithms)
            if result.isConsistent { return result }
        }
        throw .changedDuringHashing(path: path, attempts: attempts)
    }

    private func status(of descriptor: FileDescriptor) throws(FileHashError) -> FileStatus {
        do {
            return try FileStatus.of(descriptor)
        } catch {
            throw .system(error)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A C `errno` value, typed so callers can switch on the cases they handle.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's current `errno`.
    public static var current: Errno { Errno(rawValue: errno) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let noSpace = Errno(rawValue: ENOSPC)
    public static let ioError = Errno(rawValue: EIO)
    public static let quotaExceeded = Errno(rawValue: EDQUOT)
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    public static let tooManyOpenFilesInSystem = Errno(rawValue: ENFILE)
    public static let badDescriptor = Errno(rawValue: EBADF)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    public static let brokenPipe = Errno(rawValue: EPIPE)
    public static let addressInUse = Errno(rawValue: EADDRINUSE)

    /// The C name of the constant, e.g. `ENOSPC`, for messages people search for.
    public var name: String {
        switch rawValue {
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case EINTR: "EINTR"
        case EIO: "EIO"
        case EBADF: "EBADF"
        case EAGAIN: "EAGAIN"
        case ENOMEM: "ENOMEM"
        case EACCES: "EACCES"
        case EEXIST: "EEXIST"
        case ENOTDIR: "ENOTDIR"
        case EISDIR: "EISDIR"
        case EINVAL: "EINVAL"
        case ENFILE: "ENFILE"
        case EMFILE: "EMFILE"
        case ENOSPC: "ENOSPC"
        case EPIPE: "EPIPE"
        case ENAMETOOLONG: "ENAMETOOLONG"
        case ELOOP: "ELOOP"
        case EADDRINUSE: "EADDRINUSE"
        case ECONNRESET: "ECONNRESET"
        case ECONNREFUSED: "ECONNREFUSED"
        case ETIMEDOUT: "ETIMEDOUT"
        default: "errno \(rawValue)"
        }
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: 256)
        // Glibc's module exposes the XSI strerror_r, which fills the buffer (strerror is not thread-safe).
        let message = buffer.withUnsafeMutableBufferPointer { pointer -> String in
            guard strerror_r(rawValue, pointer.baseAddress!, pointer.count) == 0 else { return "unknown error" }
            return String(decoding: UnsafeRawBufferPointer(pointer).prefix { $0 != 0 }, as: UTF8.self)
        }
        return "\(message) (\(name))"
    }
}

/// A failed system call: which call, on what, and the `errno` it set.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C function, e.g. `inotify_add_watch`.
    public let operation: String
    /// What the call acted on (a path, an address), if anything; empty otherwise.
    public let subject: String
    public let errno: Errno

    public init(_ operation: String, subject: String = "", errno: Errno = .current) {
        self.operation = operation
        self.subject = subject
        self.errno = errno
    }

    public var description: String {
        subject.isEmpty ? "\(operation): \(errno)" : "\(operation) \(subject): \(errno)"
    }
}

/// Calls `body` until it does not fail with `EINTR`; a negative result becomes a `SystemError`.
@inlinable
public func retryingOnInterrupt<T: BinaryInteger>(
    _ operation: String, subject: @autoclosure () -> String = "", _ body: () -> T
) throws(SystemError) -> T {
    // `subject` is made only for an error: a walk stats every file, and building each one's
    // path as a message was 1% of a full comparison.
    while true {
        let result = body()
        if result >= 0 { return result }
        let error = Errno.current
        if error == .interrupted { continue }
        throw SystemError(operation, subject: subject(), errno: error)
    }
}

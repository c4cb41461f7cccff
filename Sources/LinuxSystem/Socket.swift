#if canImport(Glibc)
import Glibc
#endif

/// Which direction(s) `shutdown(2)` ends.
public enum SocketShutdown: Sendable {
    case read, write, readWrite

    var rawValue: Int32 {
        switch self {
        case .read: Int32(SHUT_RD)
        case .write: Int32(SHUT_WR)
        case .readWrite: Int32(SHUT_RDWR)
        }
    }
}

/// TCP sockets, wrapped once. Every descriptor made here has `FD_CLOEXEC` set, so a child
/// process (`Process`, `posix_spawn`) never inherits a connection.
extension FileDescriptor {
    /// A new TCP socket for `family` (`AF_INET` or `AF_INET6`).
    public static func tcpSocket(family: Int32, nonBlocking: Bool) throws(SystemError) -> FileDescriptor {
        var type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        let raw = try retryingOnInterrupt("socket") { Glibc.socket(family, type, 0) }
        return FileDescriptor(owning: raw)
    }

    /// A TCP socket bound to `address` and listening, with `SO_REUSEADDR` so a restarted server
    /// can bind a port still in `TIME_WAIT`. Port 0 lets the kernel choose; see `localAddress()`.
    public static func listeningSocket(
        at address: SocketAddress, backlog: Int32 = SOMAXCONN, nonBlocking: Bool = true
    ) throws(SystemError) -> FileDescriptor {
        let socket = try tcpSocket(family: address.family, nonBlocking: nonBlocking)
        try socket.setSocketOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        try socket.bind(to: address)
        _ = try retryingOnInterrupt("listen", subject: address.description) { Glibc.listen(socket.rawValue, backlog) }
        return socket
    }

    /// Binds the socket to `address`.
    public func bind(to address: SocketAddress) throws(SystemError) {
        let result = address.withSockaddr { Glibc.bind(rawValue, $0, $1) }
        if result != 0 { throw SystemError("bind", subject: address.description) }
    }

    /// Starts connecting to `address`. On a non-blocking socket this throws `EINPROGRESS`
    /// (`Errno.inProgress`); wait until writable, then read `pendingError()`.
    public func connect(to address: SocketAddress) throws(SystemError) {
        _ = try retryingOnInterrupt("connect", subject: address.description) {
            address.withSockaddr { Glibc.connect(rawValue, $0, $1) }
        }
    }

    /// Accepts one connection; the new descriptor is close-on-exec and, if asked, non-blocking.
    /// `EAGAIN` (nothing pending on a non-blocking listener) is thrown as is.
    public func accept(nonBlocking: Bool = true) throws(SystemError) -> (FileDescriptor, SocketAddress) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let raw = try retryingOnInterrupt("accept") {
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(rawValue, $0, &length) }
            }
        }
        // accept4 is not visible from Swift's Glibc module, so the flags are set right after.
        let connection = FileDescriptor(owning: raw)
        _ = try retryingOnInterrupt("fcntl") { fcntl(raw, F_SETFD, FD_CLOEXEC) }
        if nonBlocking { try connection.setNonBlocking() }
        return (connection, SocketAddress(storage: storage, length: length))
    }

    /// The address the socket is bound to (`getsockname(2)`), e.g. to learn a kernel-chosen port.
    public func localAddress() throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try retryingOnInterrupt("getsockname") {
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(rawValue, $0, &length) }
            }
        }
        return SocketAddress(storage: storage, length: length)
    }

    /// Sets an integer socket option, e.g. `(IPPROTO_TCP, TCP_NODELAY, 1)`.
    public func setSocketOption(level: Int32, name: Int32, value: Int32) throws(SystemError) {
        var value = value
        _ = try retryingOnInterrupt("setsockopt") {
            setsockopt(rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Sets `SO_LINGER`. `0` seconds makes `close()` discard unsent data and send an RST
    /// instead of a FIN, as a crashed peer would; nil restores the default graceful close.
    public func setLinger(seconds: Int32?) throws(SystemError) {
        var option = linger(l_onoff: seconds == nil ? 0 : 1, l_linger: seconds ?? 0)
        _ = try retryingOnInterrupt("setsockopt") {
            setsockopt(rawValue, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        }
    }

    /// The socket's pending error (`SO_ERROR`), cleared by reading it; nil if there is none.
    /// This is how a non-blocking `connect` reports its outcome.
    public func pendingError() throws(SystemError) -> Errno? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try retryingOnInterrupt("getsockopt") { getsockopt(rawValue, SOL_SOCKET, SO_ERROR, &value, &length) }
        return value == 0 ? nil : Errno(rawValue: value)
    }

    /// Ends one or both directions of the connection (`shutdown(2)`); the descriptor stays open.
    public func shutdown(_ direction: SocketShutdown) throws(SystemError) {
        _ = try retryingOnInterrupt("shutdown") { Glibc.shutdown(rawValue, direction.rawValue) }
    }

    /// Sends some of `buffer` with `MSG_NOSIGNAL`, so a peer that went away yields `EPIPE`
    /// instead of killing the process with `SIGPIPE`. Returns how many bytes were queued.
    public func send(_ buffer: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        try retryingOnInterrupt("send") { Glibc.send(rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Receives at most `buffer.count` bytes; 0 means the peer closed its side.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try retryingOnInterrupt("recv") { Glibc.recv(rawValue, buffer.baseAddress, buffer.count, 0) }
    }
}

extension Errno {
    public static let inProgress = Errno(rawValue: EINPROGRESS)
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    public static let connectionAborted = Errno(rawValue: ECONNABORTED)
    public static let notConnected = Errno(rawValue: ENOTCONN)
}

import Foundation
import LinuxSystem
#if canImport(Glibc)
import Glibc
#endif

/// A one-request HTTP/1.1 server on 127.0.0.1 and a kernel-chosen port, on its own thread, for
/// exercising `CurlTransport` against a real socket. It reads one request whole, records
/// it, and answers with `respond(request)` (or never answers, when that returns nil).
final class LoopbackServer: @unchecked Sendable {
    // @unchecked: `listener` and `port` are set once in init; `received` is guarded by `lock`.
    struct Received: Sendable {
        var head: String
        var body: [UInt8]
    }

    let port: UInt16
    private let socket: FileDescriptor
    private let listener: Int32
    private let lock = NSLock()
    private var received: Received?

    init(respond: @escaping @Sendable (Received) -> String?) throws {
        let socket = try FileDescriptor.listeningSocket(at: SocketAddress(ipAddress: "127.0.0.1", port: 0)!, backlog: 4,
                                                        nonBlocking: false)
        self.socket = socket
        let listener = socket.rawValue
        self.listener = listener
        port = try socket.localAddress().port
        Thread.detachNewThread { [self] in
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            guard let request = Self.readRequest(connection) else { return }
            lock.withLock { received = request }
            guard let answer = respond(request) else {
                var scratch = [UInt8](repeating: 0, count: 1)
                _ = read(connection, &scratch, 1)  // hold the connection until the client gives up
                return
            }
            let bytes = Array(answer.utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                sent += n
            }
        }
    }

    deinit { socket.close() }

    var request: Received? { lock.withLock { received } }

    static func readRequest(_ connection: Int32) -> Received? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var contentLength = 0
        while true {
            if headEnd == nil, let range = data.firstRange(of: separator) {
                headEnd = range.upperBound
                let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let headEnd, data.count >= headEnd + contentLength {
                return Received(head: String(decoding: data[..<headEnd], as: UTF8.self),
                                body: Array(data[headEnd..<headEnd + contentLength]))
            }
            let n = read(connection, &buffer, buffer.count)
            if n <= 0 { return nil }
            data += buffer[..<n]
        }
    }

    /// A port nothing listens on: bound, then closed.
}

/// A loopback port that refuses connections for as long as this value lives: a socket bound to it
/// but not listening, so no other test's server can take the port meanwhile (closing a probe
/// listener left a window in which an emulator started elsewhere in the suite could bind it).
final class ClosedPort: @unchecked Sendable {
    let port: UInt16
    private let socketDescriptor: Int32

    init() {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let descriptor = socketDescriptor
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        precondition(bound == 0, "bind to 127.0.0.1:0 failed")
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socketDescriptor) }
}

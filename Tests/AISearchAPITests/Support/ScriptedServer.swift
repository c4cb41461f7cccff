import Foundation
import LinuxSystem
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server for misbehaving on purpose: every accepted connection runs
/// `behaviour` on a thread of its own, which reads, writes, stalls or resets as the test needs.
/// It listens on 127.0.0.1 and a kernel-chosen port until released.
final class ScriptedServer: @unchecked Sendable {
    // @unchecked: `listener` and `port` are set once in init; `log` guards itself.

    /// What the server saw: connections accepted and requests read, across all connections.
    final class Log: @unchecked Sendable {
        // @unchecked: both fields are guarded by `lock`.
        private let lock = NSLock()
        private var connectionCount = 0
        private var received: [LoopbackServer.Received] = []

        func connected() { lock.withLock { connectionCount += 1 } }
        func record(_ request: LoopbackServer.Received) { lock.withLock { received.append(request) } }
        var connections: Int { lock.withLock { connectionCount } }
        var requests: [LoopbackServer.Received] { lock.withLock { received } }
    }

    /// One accepted connection, for the behaviour to drive.
    struct Connection {
        let descriptor: Int32
        let log: Log

        /// Reads one request (head and `Content-Length` body) and logs it; nil if the peer closed first.
        func readRequest() -> LoopbackServer.Received? {
            let request = LoopbackServer.readRequest(descriptor)
            if let request { log.record(request) }
            return request
        }

        /// Writes all of `bytes`; false once the peer is gone.
        @discardableResult
        func write(_ bytes: [UInt8]) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return false }
                sent += n
            }
            return true
        }

        @discardableResult
        func write(_ text: String) -> Bool { write(Array(text.utf8)) }

        /// Blocks until the peer closes (or sends something).
        func waitForPeer() {
            var scratch = [UInt8](repeating: 0, count: 1)
            _ = read(descriptor, &scratch, 1)
        }

        /// Closes with an RST (`SO_LINGER` 0) instead of a FIN.
        func reset() {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }

    let port: UInt16
    let log = Log()
    private let socket: FileDescriptor
    private let listener: Int32

    init(_ behaviour: @escaping @Sendable (Connection) -> Void) throws {
        let socket = try FileDescriptor.listeningSocket(at: SocketAddress(ipAddress: "127.0.0.1", port: 0)!, backlog: 16,
                                                        nonBlocking: false)
        self.socket = socket
        let listener = socket.rawValue
        self.listener = listener
        port = try socket.localAddress().port
        let log = self.log
        Thread.detachNewThread {
            while true {
                let descriptor = accept(listener, nil, nil)
                guard descriptor >= 0 else { return }  // the listener was shut down
                log.connected()
                Thread.detachNewThread {
                    behaviour(Connection(descriptor: descriptor, log: log))
                    close(descriptor)
                }
            }
        }
    }

    deinit {
        try? socket.shutdown(.readWrite)
        socket.close()
    }

    var url: String { "http://127.0.0.1:\(port)" }
}

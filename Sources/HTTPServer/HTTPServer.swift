#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem
import Synchronization

/// An HTTP/1.1 server on plain Glibc sockets, for the emulator and the health endpoint.
///
/// One task accepts connections; each connection is a child task that reads requests, awaits
/// the handler, and writes answers in order (keep-alive and pipelining included). Waiting for a
/// socket never blocks a thread: an `IOReactor` thread polls every waiting socket and resumes the
/// task. A handler that suspends for a long time holds up only its own connection.
///
/// Guarantees: malformed or over-limit requests are answered (400, 408, 413, 414, 417, 431, 501,
/// 505) and the connection closed, never reaching the handler; slow senders are cut off by the
/// head and body timeouts, idle connections (fresh or kept alive) by the idle timeout; at most
/// `maxConnections` are open at once (see `ConnectionRegistry`: the longest idle one makes room
/// for a new one, and only a server full of busy connections refuses one); after a burst of
/// connections drains, the heap's free memory goes back to the kernel. `stop()` returns only
/// once every connection is closed and every connection task has finished.
public final class HTTPServer: Sendable {
    /// Where to listen, limits and timeouts. The defaults suit a local emulator.
    public struct Configuration: Sendable {
        /// A numeric IPv4 or IPv6 address (`127.0.0.1`, `::1`, `[::1]`, `0.0.0.0`), or `localhost`.
        public var host: String
        /// 0 lets the kernel choose; `start()` returns the port chosen.
        public var port: Int
        public var limits: HTTPRequestParser.Limits
        /// How long a connection may stay silent before its first request and between requests.
        public var idleTimeout: Duration
        /// The most connections open at once (see the type's description).
        public var maxConnections: Int
        /// How long a client may take to send a request head once it has started.
        public var requestHeadTimeout: Duration
        /// How long a client may take to send a request body once its head has arrived.
        public var requestBodyTimeout: Duration
        /// How long an answer may stall because the client does not read it.
        public var writeTimeout: Duration
        /// How long to drain a client's leftover bytes before closing (see `closeGracefully`).
        public var lingerTimeout: Duration
        public var backlog: Int32
        /// A `Server` header added to every answer, if set.
        public var serverName: String?

        public init(host: String = "127.0.0.1", port: Int = 0, limits: HTTPRequestParser.Limits = .init(),
                    idleTimeout: Duration = .seconds(60), requestHeadTimeout: Duration = .seconds(10),
                    requestBodyTimeout: Duration = .seconds(60), writeTimeout: Duration = .seconds(30),
                    lingerTimeout: Duration = .seconds(2), backlog: Int32 = 1024, serverName: String? = nil,
                    maxConnections: Int = 1024) {
            self.host = host
            self.maxConnections = maxConnections
            self.port = port
            self.limits = limits
            self.idleTimeout = idleTimeout
            self.requestHeadTimeout = requestHeadTimeout
            self.requestBodyTimeout = requestBodyTimeout
            self.writeTimeout = writeTimeout
            self.lingerTimeout = lingerTimeout
            self.backlog = backlog
            self.serverName = serverName
        }
    }

    /// Counts since `start()`, for metrics and tests.
    public struct Statistics: Hashable, Sendable {
        public var connectionsAccepted: Int
        public var connectionsOpen: Int
        /// Requests handed to the handler.
        public var requestsHandled: Int
        /// Requests refused by the server itself (malformed, over a limit, timed out).
        public var requestsRefused: Int
        /// Connections refused because `maxConnections` busy ones were open.
        public var connectionsRefused: Int
    }

    private enum Phase: Sendable {
        case notStarted
        case running(port: Int, listener: FileDescriptor, reactor: IOReactor, acceptTask: Task<Void, Never>)
        case stopped(port: Int, stopping: Task<Void, Never>)
    }

    public let configuration: Configuration
    private let handler: any HTTPHandler
    private let phase = Mutex(Phase.notStarted)
    private let counters: HTTPServerCounters

    public init(configuration: Configuration = .init(), handler: some HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        counters = HTTPServerCounters(maxConnections: configuration.maxConnections)
    }

    /// A safety net for a server released without `stop()`: stops accepting and serving, but
    /// nobody can wait for that to finish; call `stop()` to know when everything is closed.
    deinit {
        if case .running(_, _, let reactor, let acceptTask) = phase.withLock({ $0 }) {
            acceptTask.cancel()
            reactor.beginShutdown()
        }
    }

    /// A server whose handler is a closure.
    public convenience init(configuration: Configuration = .init(),
                            handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        self.init(configuration: configuration, handler: ClosureHTTPHandler(handle))
    }

    /// The port listened on; 0 before `start()`.
    public var port: Int {
        phase.withLock { phase in
            switch phase {
            case .notStarted: 0
            case .running(let port, _, _, _), .stopped(let port, _): port
            }
        }
    }

    public var statistics: Statistics {
        Statistics(connectionsAccepted: counters.accepted.load(ordering: .relaxed),
                   connectionsOpen: counters.open.load(ordering: .relaxed),
                   requestsHandled: counters.requests.load(ordering: .relaxed),
                   requestsRefused: counters.refused.load(ordering: .relaxed),
                   connectionsRefused: counters.connectionsRefused.load(ordering: .relaxed))
    }

    /// Binds, listens and starts accepting; returns the port (useful with port 0). Throws
    /// `HTTPServerError` for a bad configuration or a second start, `SystemError` if the
    /// address cannot be bound (e.g. `EADDRINUSE`).
    @discardableResult
    public func start() throws -> Int {
        guard (0...65535).contains(configuration.port),
              let address = SocketAddress(ipAddress: configuration.host, port: UInt16(configuration.port)) else {
            throw HTTPServerError.invalidAddress(host: configuration.host, port: configuration.port)
        }
        return try phase.withLock { phase in
            guard case .notStarted = phase else { throw HTTPServerError.alreadyStarted }
            let listener = try FileDescriptor.listeningSocket(at: address, backlog: configuration.backlog)
            let port = Int(try listener.localAddress().port)
            let reactor = try IOReactor(name: "HTTPServer :\(port)")
            let acceptTask = Task { [configuration, handler, counters] in
                await Self.acceptConnections(on: listener, reactor: reactor, configuration: configuration,
                                             handler: handler, counters: counters)
            }
            phase = .running(port: port, listener: listener, reactor: reactor, acceptTask: acceptTask)
            return port
        }
    }

    /// Stops accepting, cancels every connection (a handler in progress sees cancellation),
    /// waits for all connection tasks, closes every descriptor and stops the reactor thread.
    /// Calling it again, or concurrently, waits for the same shutdown.
    public func stop() async {
        let stopping = phase.withLock { phase -> Task<Void, Never>? in
            switch phase {
            case .notStarted:
                return nil
            case .stopped(_, let stopping):
                return stopping
            case .running(let port, let listener, let reactor, let acceptTask):
                let stopping = Task {
                    acceptTask.cancel()
                    await acceptTask.value
                    listener.close()
                    await reactor.shutdown()
                }
                phase = .stopped(port: port, stopping: stopping)
                return stopping
            }
        }
        await stopping?.value
    }

    private static func acceptConnections(on listener: FileDescriptor, reactor: IOReactor, configuration: Configuration,
                                          handler: any HTTPHandler, counters: HTTPServerCounters) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do throws(SystemError) {
                    let (descriptor, peer) = try listener.accept(nonBlocking: true)
                    try? descriptor.setSocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
                    counters.accepted.add(1, ordering: .relaxed)
                    guard let id = counters.registry.admit(descriptor) else {
                        counters.connectionsRefused.add(1, ordering: .relaxed)
                        // Best effort, one non-blocking write: the client learns why.
                        _ = Self.busyAnswer.withUnsafeBytes { try? descriptor.send($0) }
                        descriptor.close()
                        continue
                    }
                    let connection = HTTPConnection(id: id, socket: AsyncSocket(descriptor: descriptor, reactor: reactor),
                                                    remoteAddress: peer.description, configuration: configuration,
                                                    handler: handler, counters: counters)
                    group.addTask { await connection.run() }
                } catch {
                    switch error.errno {
                    case .wouldBlock:
                        if await reactor.wait(for: .readable, on: listener, deadline: nil) == .cancelled { return }
                    case .tooManyOpenFiles, .tooManyOpenFilesInSystem, Errno(rawValue: ENOBUFS), Errno(rawValue: ENOMEM):
                        // Out of descriptors: the pending connection stays queued; retry soon
                        // instead of spinning on a listener that stays readable.
                        try? await Task.sleep(for: .milliseconds(50))
                    case .connectionAborted, Errno(rawValue: EPROTO), Errno(rawValue: EPERM):
                        continue
                    default:
                        return
                    }
                }
            }
        }
    }
}

extension HTTPServer {
    /// Sent to a connection refused because the server is full of busy connections.
    static let busyAnswer = HTTPResponseSerializer.serialize(
        HTTPResponseSerializer.errorResponse(status: 503, message: "too many connections in progress; retry shortly"),
        requestMethod: "GET", keepAlive: false, serverName: nil)
}

/// Why `HTTPServer.start()` refused to start.
public enum HTTPServerError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidAddress(host: String, port: Int)
    case alreadyStarted

    public var description: String {
        switch self {
        case .invalidAddress(let host, let port):
            "cannot listen on host \(host) port \(port): use a numeric IPv4/IPv6 address or localhost, and a port in 0...65535"
        case .alreadyStarted:
            "the server was already started; create a new HTTPServer to listen again"
        }
    }
}

/// An `HTTPHandler` made of a closure.
public struct ClosureHTTPHandler: HTTPHandler {
    private let body: @Sendable (HTTPRequest) async -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) { self.body = body }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse { await body(request) }
}

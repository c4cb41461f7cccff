import LinuxSystem
import Synchronization

/// Counters shared by the accept loop and the connections of one server.
final class HTTPServerCounters: Sendable {
    let accepted = Atomic<Int>(0)
    let open = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let connectionsRefused = Atomic<Int>(0)
    let registry: ConnectionRegistry

    init(maxConnections: Int) { registry = ConnectionRegistry(capacity: maxConnections) }
}

/// One client connection: reads requests in order, hands each to the handler, writes each
/// answer before reading on (so pipelined requests are answered in order), until the client or
/// the server ends it. Runs as one task; cancelling it closes the connection.
///
/// Memory: while idle (waiting for a request) a connection holds no receive buffer and its
/// parser's buffer is freed; the 64 KiB read buffer exists only while a request is arriving.
struct HTTPConnection: Sendable {
    /// Its id in `counters.registry`, which must already hold it.
    let id: UInt64
    let socket: AsyncSocket
    let remoteAddress: String
    let configuration: HTTPServer.Configuration
    let handler: any HTTPHandler
    let counters: HTTPServerCounters

    private enum Phase {
        /// Between requests: nothing received yet; the idle timeout applies.
        case idle
        /// Receiving a request head, then its body, each against its own deadline.
        case head, body
    }

    func run() async {
        counters.open.add(1, ordering: .relaxed)
        defer {
            counters.registry.remove(id)
            socket.descriptor.close()
            counters.open.subtract(1, ordering: .relaxed)
        }
        var parser = HTTPRequestParser(limits: configuration.limits)
        var scratch: [UInt8] = []
        var phase = Phase.idle
        var deadline = ContinuousClock.now + configuration.idleTimeout
        var head: HTTPRequestHead?

        while !Task.isCancelled {
            let event: HTTPRequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                return await refuse(error)
            }
            switch event {
            case .head(let requestHead):
                head = requestHead
                phase = .body
                deadline = .now + configuration.requestBodyTimeout
                if requestHead.expectsContinue, requestHead.bodyFraming.mayHaveBody, parser.bufferedByteCount == 0 {
                    guard (try? await socket.send(HTTPResponseSerializer.continueResponse, stallTimeout: configuration.writeTimeout)) != nil
                    else { return }
                }
            case .end(let body, let trailers):
                guard let requestHead = head else { return }
                let keepGoing = await respond(to: requestHead.request(body: body, trailers: trailers, remoteAddress: remoteAddress),
                                              head: requestHead)
                guard keepGoing else { return }
                head = nil
                phase = parser.bufferedByteCount > 0 ? .head : .idle
                deadline = .now + (phase == .idle ? configuration.idleTimeout : configuration.requestHeadTimeout)
                if phase == .idle {
                    parser.releaseBuffer()
                    scratch = []
                    counters.registry.markIdle(id)
                }
            case nil:
                let count: Int
                do {
                    // Idle: wait for the first byte without a buffer; the idle timeout is a
                    // poll deadline in the reactor, not a timer.
                    if phase == .idle { try await socket.waitUntilReadable(deadline: deadline) }
                    if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 64 * 1024) }
                    count = try await socket.receive(into: &scratch, deadline: deadline)
                } catch .timedOut {
                    // A silent idle connection just ends; a half-sent request learns why.
                    if phase == .idle { return }
                    return await refuse(status: 408, message: "request not received in time")
                } catch {
                    return
                }
                if count == 0 {
                    if phase == .idle, parser.isIdle { return }
                    return await refuse(.truncatedRequest)
                }
                parser.append(scratch[0..<count])
                if phase == .idle {
                    counters.registry.markBusy(id)
                    phase = .head
                    deadline = .now + configuration.requestHeadTimeout
                }
            }
        }
    }

    /// Calls the handler and writes its answer. Returns whether the connection stays open.
    private func respond(to request: HTTPRequest, head: HTTPRequestHead) async -> Bool {
        let response = await handler.handle(request)
        counters.requests.add(1, ordering: .relaxed)
        if response.disposition == .resetConnection {
            socket.reset()
            return false
        }
        let keepAlive = head.isKeepAlive && response.disposition == .respond && !Task.isCancelled
        let bytes = HTTPResponseSerializer.serialize(response, requestMethod: request.method, keepAlive: keepAlive,
                                                     serverName: configuration.serverName)
        do {
            try await socket.send(bytes, stallTimeout: configuration.writeTimeout)
        } catch {
            return false
        }
        if !keepAlive { await socket.closeGracefully(deadline: .now + configuration.lingerTimeout) }
        return keepAlive
    }

    private func refuse(_ error: HTTPParseError) async {
        await refuse(status: error.status, message: error.description)
    }

    /// Answers a request the server will not hand to the handler, then closes: after a framing
    /// error nobody knows where the next request would start.
    private func refuse(status: Int, message: String) async {
        counters.refused.add(1, ordering: .relaxed)
        let response = HTTPResponseSerializer.errorResponse(status: status, message: message)
        let bytes = HTTPResponseSerializer.serialize(response, requestMethod: "GET", keepAlive: false, serverName: configuration.serverName)
        guard (try? await socket.send(bytes, stallTimeout: configuration.writeTimeout)) != nil else { return }
        await socket.closeGracefully(deadline: .now + configuration.lingerTimeout)
    }
}

import Foundation
@testable import HTTPServer
import LinuxSystem
import Testing

/// An answer as a raw client read it.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum TestClientError: Error {
    case closedEarly(received: [UInt8])
    case malformedResponse(String)
}

/// A raw HTTP/1.1 client: sends exactly the bytes it is given (malformed ones included) and
/// parses answers, so the tests see what is on the wire.
struct RawClient: Sendable {
    let socket: AsyncSocket
    private var buffer: [UInt8] = []

    init(socket: AsyncSocket) { self.socket = socket }

    static func connect(port: Int, host: String = "127.0.0.1", reactor: IOReactor) async throws -> RawClient {
        let address = try #require(SocketAddress(ipAddress: host, port: UInt16(port)))
        return RawClient(socket: try await AsyncSocket.connect(to: address, reactor: reactor, deadline: .now + .seconds(10)))
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws { try await socket.send(bytes, stallTimeout: .seconds(10)) }

    /// Ends the sending side (FIN), keeping the receiving side open for the answer.
    func finishSending() throws { try socket.descriptor.shutdown(.write) }

    func close() { socket.descriptor.close() }

    /// Reads more bytes; false at end of stream.
    private mutating func fill(deadline: ContinuousClock.Instant) async throws -> Bool {
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        let count = try await socket.receive(into: &scratch, deadline: deadline)
        buffer += scratch[0..<count]
        return count > 0
    }

    /// Reads one answer (an interim 1xx included). `isHead`: the answer to a HEAD has no body.
    mutating func readResponse(isHead: Bool = false, timeout: Duration = .seconds(10)) async throws -> TestResponse {
        let deadline = ContinuousClock.now + timeout
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            headEnd = buffer.firstRange(of: separator)?.upperBound
            if headEnd != nil { break }
            guard try await fill(deadline: deadline) else { throw TestClientError.closedEarly(received: buffer) }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw TestClientError.malformedResponse(head)
        }
        var headers = HTTPHeaders()
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers.add(name: String(parts[0]), value: String(parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""))
        }
        buffer.removeFirst(headEnd!)
        var bodyLength = 0
        if !isHead, status >= 200, status != 204, status != 304 {
            guard let length = headers["Content-Length"].flatMap(Int.init) else { throw TestClientError.malformedResponse(head) }
            bodyLength = length
        }
        while buffer.count < bodyLength {
            guard try await fill(deadline: deadline) else { throw TestClientError.closedEarly(received: buffer) }
        }
        let body = Array(buffer[..<bodyLength])
        buffer.removeFirst(bodyLength)
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// Reads until the server closes; returns what arrived after the answers already read.
    /// Throws `AsyncSocket.Failure.system` with `ECONNRESET` if the server reset the connection.
    mutating func readUntilClosed(timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while try await fill(deadline: deadline) {}
        defer { buffer.removeAll() }
        return buffer
    }
}

/// A handler that describes what it received, for assertions on the client side.
///
/// - `/echo`: the body back, plus `X-Method`, `X-Path`, `X-Query`, `X-Trailers` headers.
/// - `/close`: answers with `.respondAndClose`; `/reset`: resets the connection.
/// - `/wait?gate=NAME`: waits until `/open?gate=NAME` arrives (on any connection).
struct EchoHandler: HTTPHandler {
    let gates = Gates()

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        switch request.path {
        case "/close":
            return HTTPResponse(status: 200, body: Array("bye".utf8), disposition: .respondAndClose)
        case "/reset":
            return HTTPResponse(status: 200, disposition: .resetConnection)
        case "/wait":
            let opened = await gates.wait(request.queryValue("gate") ?? "")
            return .text(status: opened ? 200 : 503, opened ? "opened" : "cancelled")
        case "/open":
            gates.open(request.queryValue("gate") ?? "")
            return .text(status: 200, "ok")
        case "/multipart":
            // Describes every part in `X-Parts`, and answers with the body of the part `?part=`.
            do {
                let parts = try MultipartFormData.parse(body: request.body, contentType: request.headers["Content-Type"] ?? "")
                let summary = parts.map { "\($0.name):\($0.filename ?? "-"):\($0.contentType ?? "-"):\($0.body.count)" }
                let chosen = parts.first { $0.name == request.queryValue("part") }
                return HTTPResponse(status: 200, headers: ["X-Parts": summary.joined(separator: ",")], body: chosen?.body ?? [])
            } catch {
                return .text(status: 400, error.description)
            }
        case "/head":
            // A HEAD handler that announces the length of the body GET would carry.
            return HTTPResponse(status: 200, headers: ["Content-Length": "1234"], body: request.method == "HEAD" ? [] : [UInt8](repeating: 1, count: 1234))
        default:
            var headers: HTTPHeaders = [
                "X-Method": request.method, "X-Path": request.path, "X-Remote": request.remoteAddress,
                "X-Query": request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"),
            ]
            if !request.trailers.fields.isEmpty { headers["X-Trailers"] = request.trailers.map { "\($0.name)=\($0.value)" }.joined(separator: "&") }
            return HTTPResponse(status: 200, headers: headers, body: request.body)
        }
    }
}

/// Named one-shot gates that handlers wait on; `wait` returns false if the task is cancelled
/// (as a long-polling handler must, or `HTTPServer.stop()` would wait for it).
final class Gates: Sendable {
    private struct State {
        var opened: Set<String> = []
        var waiters: [String: [UUID: CheckedContinuation<Bool, Never>]] = [:]
        var waiting = 0
    }
    private let state = Mutex(State())

    var waitingCount: Int { state.withLock { $0.waiting } }

    func open(_ name: String) {
        let waiters = state.withLock { state in
            state.opened.insert(name)
            return state.waiters.removeValue(forKey: name) ?? [:]
        }
        for waiter in waiters.values { waiter.resume(returning: true) }
    }

    func wait(_ name: String) async -> Bool {
        state.withLock { $0.waiting += 1 }
        defer { state.withLock { $0.waiting -= 1 } }
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let isOpen = state.withLock { state in
                    if state.opened.contains(name) || Task.isCancelled { return true }
                    state.waiters[name, default: [:]][id] = continuation
                    return false
                }
                if isOpen { continuation.resume(returning: !Task.isCancelled) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters[name]?.removeValue(forKey: id) }
            waiter?.resume(returning: false)
        }
    }
}

import Synchronization

/// Starts a server with `handler` on a kernel-chosen port and a reactor for test clients, runs
/// `body`, then stops both.
func withServer<T>(
    _ configuration: HTTPServer.Configuration = .init(), handler: some HTTPHandler = EchoHandler(),
    _ body: (HTTPServer, IOReactor) async throws -> T
) async throws -> T {
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    let reactor = try IOReactor(name: "test clients")
    do {
        let result = try await body(server, reactor)
        await server.stop()
        await reactor.shutdown()
        return result
    } catch {
        await server.stop()
        await reactor.shutdown()
        throw error
    }
}

/// Waits until `condition` holds, checking every few milliseconds, at most `timeout`: a hang
/// guard, long enough for a loaded 2-core machine (the whole suite shares its two cooperative
/// threads with the server under test), never a timing assertion.
func eventually(timeout: Duration = .seconds(90), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// The process's open sockets and pipes, from `/proc/self/fd` (`12→socket:[1234]`).
///
/// Only sockets and pipes, the only kinds the server and its reactor create: libdispatch opens
/// `timerfd`/`eventfd` descriptors lazily the first time a timer is used, which would otherwise
/// look like a leak.
func openDescriptors() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return names.sorted { Int($0) ?? 0 < Int($1) ?? 0 }.compactMap { name in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
              target.hasPrefix("socket:") || target.hasPrefix("pipe:") else { return nil }
        return "\(name)→\(target)"
    }
}

/// Waits until the open sockets and pipes are `expected` again; records them if not.
func expectNoDescriptorLeak(from expected: [String], sourceLocation: SourceLocation = #_sourceLocation) async {
    let settled = await eventually { openDescriptors() == expected }
    #expect(settled, "descriptors open now: \(openDescriptors()), before: \(expected)", sourceLocation: sourceLocation)
}

import Foundation
import Testing
@testable import AISearchAPI

/// Issue 15, item 4: redirects, answer sizes, error wording, server text; against real loopback
/// sockets through `CurlTransport`.
@Suite struct ClientHardeningTests {
    static let token = "hardening-secret-token"

    /// A client of `base` with the default (retrying) policy and a fast backoff.
    static func client(_ base: String) -> AISearchClient {
        let configuration = ClientConfiguration(
            accountID: "acct", credentials: .apiToken(token), baseURL: base + "/client/v4",
            timeout: .seconds(30), retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1)))
        return AISearchClient(configuration: configuration, transport: CurlTransport())
    }

    // MARK: Redirects

    @Test(arguments: [301, 302, 307, 308])
    func redirectToAnotherOriginNeverCarriesTheToken(status: Int) async throws {
        let other = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        }
        let origin = try ScriptedServer { connection in
            guard let request = connection.readRequest() else { return }
            let path = request.head.split(separator: " ")[1]
            connection.write("HTTP/1.1 \(status) Moved\r\nLocation: \(other.url)\(path)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        }
        let client = Self.client(origin.url)

        let listing = await #expect(throws: TransportError.self) { try await client.listItems(in: "docs") }
        let upload = await #expect(throws: TransportError.self) {
            try await client.uploadItem(to: "docs", key: "a.md", contents: Array("# secret notes\n".utf8))
        }
        for error in [listing, upload] {
            #expect(error?.code == .redirected)
            #expect(error?.attempts == 1, "a redirect is not retried")
            let text = String(describing: error)
            #expect(text.contains("HTTP \(status) to http://127.0.0.1:\(other.port), another origin"), "\(text)")
            #expect(text.contains("CLOUDFLARE_BASE_URL"), "\(text)")
            #expect(!text.contains(Self.token))
        }
        #expect(origin.log.requests.count == 2)
        #expect(origin.log.requests.allSatisfy { $0.head.contains("Authorization: Bearer \(Self.token)") })
        #expect(origin.log.requests.last?.head.hasPrefix("POST ") == true)
        #expect(other.log.connections == 0, "the other origin was contacted")
    }

    @Test func sameOriginRedirectIsNotFollowedEither() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 307 Temporary Redirect\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        }
        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: server.url + "/here", headers: ["Authorization": "Bearer t"]))
        }
        #expect(error?.code == .redirected)
        #expect(error?.detail == "HTTP 307 to http://127.0.0.1:\(server.port), same origin")
        #expect(server.log.requests.count == 1)
    }

    @Test func httpsToHTTPRedirectIsNamed() throws {
        let origin = try #require(URL(string: "https://api.example.com/client/v4/x"))
        #expect(RedirectTarget.describe(status: 302, location: "http://api.example.com/x?token=1", from: origin)
            == "HTTP 302 to http://api.example.com:80, from https to http")
        #expect(RedirectTarget.describe(status: 301, location: "https://evil.example.net:8443/p", from: origin)
            == "HTTP 301 to https://evil.example.net:8443, another origin")
    }

    // MARK: Answer size

    @Test(arguments: [true, false])
    func overLargeAnswerIsAClearErrorAndMemoryStaysBounded(declaresLength: Bool) async throws {
        // 500 MB announced (or an endless chunked body), streamed in 64 KiB writes until the client hangs up.
        let sent = Counter()
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            let framing = declaresLength ? "Content-Length: 524288000" : "Transfer-Encoding: chunked"
            guard connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\(framing)\r\n\r\n") else { return sent.finish() }
            let block = [UInt8](repeating: UInt8(ascii: " "), count: 65_536)
            let chunk = declaresLength ? block : Array("10000\r\n".utf8) + block + Array("\r\n".utf8)
            for _ in 0..<8_000 where connection.write(chunk) { sent.add(chunk.count) }
            sent.finish()
        }
        let before = ProcessUsage.residentBytes()
        let error = await #expect(throws: TransportError.self) {
            try await Self.client(server.url).listItems(in: "docs")
        }
        let growth = ProcessUsage.residentBytes() - before
        #expect(error?.code == .responseTooLarge)
        #expect(error?.attempts == 1, "an over-large answer is not retried")
        #expect(String(describing: error).contains("answer too large (more than 8 MiB)"))
        #expect(server.log.connections == 1)
        // The client stopped reading at the cap: the server could hand the kernel only the cap
        // plus socket buffers. (Process RSS is shared with every test running beside this one,
        // so it gets only a loose bound; the real binary's peak is checked end to end.)
        #expect(await eventually { sent.isFinished })
        #expect(sent.value < 32 * 1024 * 1024, "the server sent \(sent.value) bytes")
        #expect(growth < 256 * 1024 * 1024, "RSS grew by \(growth) bytes")
        print("over-large answer (declared length: \(declaresLength)): \(sent.value) bytes sent, RSS \(before) -> \(before + growth) bytes")
    }

    @Test func downloadsAreCappedAtTheUploadLimit() async throws {
        let size = AISearchClient.maxDownloadBytes + 1
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(size)\r\n\r\n")
            connection.write([UInt8](repeating: 7, count: size))
        }
        let error = await #expect(throws: TransportError.self) {
            try await Self.client(server.url).downloadItem("i1", in: "docs")
        }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.detail == "more than 4 MiB")
        let exact = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: \(size - 1)\r\nConnection: close\r\n\r\n")
            connection.write([UInt8](repeating: 7, count: size - 1))
        }
        #expect(try await Self.client(exact.url).downloadItem("i1", in: "docs").count == size - 1)
    }

    // MARK: What went wrong

    @Test func resetConnectionSaysReset() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.reset()
        }
        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: server.url + "/"))
        }
        #expect(error?.code == .connectionLost)
        #expect(error?.detail.contains("reset by the peer") == true, "\(String(describing: error))")
        #expect(error?.isRetryable == true)
    }

    @Test func garbageBytesReadAsNotHTTP() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.write("\u{1B}[31mSSH-2.0-OpenSSH_9.2\r\n\r\nnot http at all")
        }
        let error = await #expect(throws: TransportError.self) {
            try await Self.client(server.url).listItems(in: "docs")
        }
        #expect(error?.code == .notHTTP)
        #expect(error?.attempts == 1)
        let text = String(describing: error)
        #expect(text.contains("not HTTP") && !text.contains("bad URL"), "\(text)")
    }

    @Test func unknownHostSaysHostNotFound() async throws {
        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: "http://no-such-host.invalid/", timeout: .seconds(20)))
        }
        #expect(error?.code == .hostNotFound, "\(String(describing: error))")
    }

    @Test func silentServerTimesOutWithTheLimitNamed() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.waitForPeer()
        }
        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: server.url + "/", timeout: .milliseconds(1500)))
        }
        #expect(error?.code == .timedOut)
        #expect(String(describing: error).contains("no complete answer within 1.5 seconds"))
    }

    @Test func cancellingTheTaskEndsTheExchange() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.waitForPeer()
        }
        let task = Task { try await CurlTransport().send(TransportRequest(method: .get, url: server.url + "/", timeout: .seconds(120))) }
        #expect(await eventually { server.log.requests.count == 1 })
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    // MARK: Server text

    @Test func controlCharactersAreStrippedFromServerText() {
        #expect(sanitizedServerText("\u{1B}[31mred\u{1B}[0m text") == "red text")
        #expect(sanitizedServerText("bell\u{07} cr\rlf\ntab\tend") == "bell cr lf tab end")
        #expect(sanitizedServerText("\u{1B}]0;pwned title\u{07}after") == "after")
        #expect(sanitizedServerText("\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\") == "link")
        #expect(sanitizedServerText("c1\u{9B}2Jcsi \u{85}nel \u{7F}del \u{202E}rlo") == "c1csi nel del rlo")
        #expect(sanitizedServerText("\u{1B}7saved\u{1B}8 é ü 日本") == "saved é ü 日本")
        #expect(sanitizedServerText("trailing escape \u{1B}") == "trailing escape ")
    }

    @Test func itemErrorsAndLogMessagesAreDecodedInert() throws {
        let log = try JSONDecoder().decode(ItemLog.self, from: Data(#"{"action":"index","fileKey":"a\u001b[1m.md","message":"\u001b]0;title\u0007failed\rhere","timestamp":"t"}"#.utf8))
        #expect(log.message == "failed here")
        #expect(log.fileKey == "a\u{1B}[1m.md", "keys stay byte-exact")
        let item = try JSONDecoder().decode(Item.self, from: Data(#"{"id":"i","key":"k","status":"error","error":"bad\u001b[5m blink"}"#.utf8))
        #expect(item.error == "bad blink")
    }

    @Test func serverMessagesReachErrorsWithoutEscapes() async throws {
        let body = #"{"success":false,"errors":[{"code":7003,"message":"\u001b[2J\u001b[31mgone\u0007\r\nnow"}],"messages":[],"result":null}"#
        let server = try ScriptedServer { connection in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        }
        let error = await #expect(throws: APIError.self) { try await Self.client(server.url).listItems(in: "docs") }
        #expect(error?.errors.first?.message == "gone  now")
        let text = String(describing: error)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(text)")
    }
}

/// Bytes a server thread managed to send, and whether it stopped.
final class Counter: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var total = 0
    private var finished = false

    func add(_ count: Int) { lock.withLock { total += count } }
    func finish() { lock.withLock { finished = true } }
    var value: Int { lock.withLock { total } }
    var isFinished: Bool { lock.withLock { finished } }
}

/// Polls `condition` until it holds or `limit` passes (a hang guard, not a timing).
func eventually(within limit: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

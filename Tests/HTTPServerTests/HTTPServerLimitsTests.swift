import Foundation
@testable import HTTPServer
import LinuxSystem
import Testing

extension ServerTests {
    /// Expectations, limits, malformed input, timeouts: what the server answers by itself.
    @Suite struct Refusals {
        static let smallLimits = HTTPServer.Configuration(
            limits: .init(maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 4096))

        @Test func expectContinueGetsInterimAnswerBeforeTheBodyIsSent() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("PUT /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                let interim = try await client.readResponse()
                #expect(interim.status == 100)
                try await client.send("data")
                let final = try await client.readResponse()
                #expect(final.status == 200)
                #expect(final.text == "data")
            }
        }

        @Test func expectContinueOverTheLimitIsRefusedWithoutReadingTheBody() async throws {
            try await withServer(Self.smallLimits) { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("PUT /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 999999\r\n\r\n")
                #expect(try await client.readResponse().status == 413)
                #expect(try await client.readUntilClosed().isEmpty)
                #expect(server.statistics.requestsHandled == 0)
            }
        }

        static let overLimit: [(String, Int)] = [
            ("GET /" + String(repeating: "a", count: 300) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
            ("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 2000) + "\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: y\r\n", count: 20) + "\r\n", 431),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n", 413),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + String(repeating: "z", count: 4096) + "\r\n1\r\n", 413),
            ("GET / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n", 417),
            ("GET / HTTP/3.0\r\nHost: h\r\n\r\n", 505),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
            ("NOT A REQUEST\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nab", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n", 400),
            ("GET /\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
            ("\u{16}\u{03}\u{01}\u{00}\u{a5}\u{01}\u{00}\u{00}\u{a1}\u{03}\u{03}\r\n\r\n", 400),
        ]

        @Test(arguments: overLimit)
        func refusedRequestGetsItsStatusAndTheConnectionCloses(_ request: String, _ status: Int) async throws {
            try await withServer(Self.smallLimits) { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send(request + "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == status)
                #expect(response.headers["Connection"] == "close")
                #expect(try await client.readUntilClosed().isEmpty, "nothing after the refusal")
                #expect(server.statistics.requestsHandled == 0)
            }
        }

        @Test func truncatedBodyIsRefused() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
                try client.finishSending()
                #expect(try await client.readResponse().status == 400)
            }
        }

        @Test func slowSenderIsCutOffAndIdleConnectionClosed() async throws {
            let configuration = HTTPServer.Configuration(
                idleTimeout: .milliseconds(300), requestHeadTimeout: .milliseconds(300), requestBodyTimeout: .milliseconds(300),
                lingerTimeout: .milliseconds(300))
            try await withServer(configuration) { server, reactor in
                // A slowloris client: starts a head and never finishes it.
                var slow = try await RawClient.connect(port: server.port, reactor: reactor)
                try await slow.send("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: ")
                #expect(try await slow.readResponse().status == 408)
                // One that sends a head, then too little body.
                var slowBody = try await RawClient.connect(port: server.port, reactor: reactor)
                try await slowBody.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nsome")
                #expect(try await slowBody.readResponse().status == 408)
                // An idle keep-alive connection is closed without an answer.
                var idle = try await RawClient.connect(port: server.port, reactor: reactor)
                try await idle.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try await idle.readResponse().status == 200)
                #expect(try await idle.readUntilClosed().isEmpty)
                #expect(await eventually { server.statistics.connectionsOpen == 0 })
            }
        }

        @Test func suspendedHandlerDoesNotHoldUpOtherConnections() async throws {
            let handler = EchoHandler()
            try await withServer(handler: handler) { server, reactor in
                var waiting = try await RawClient.connect(port: server.port, reactor: reactor)
                try await waiting.send("GET /wait?gate=g1 HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(await eventually { handler.gates.waitingCount == 1 })
                for index in 0..<3 {
                    var other = try await RawClient.connect(port: server.port, reactor: reactor)
                    try await other.send("GET /other/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                    #expect(try await other.readResponse().status == 200)
                }
                var opener = try await RawClient.connect(port: server.port, reactor: reactor)
                try await opener.send("GET /open?gate=g1 HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try await opener.readResponse().status == 200)
                #expect(try await waiting.readResponse().text == "opened")
            }
        }

        @Test func stopCancelsSuspendedHandlersAndClosesEverything() async throws {
            let before = openDescriptors()
            let handler = EchoHandler()
            let server = HTTPServer(handler: handler)
            try server.start()
            let reactor = try IOReactor()
            var clients: [RawClient] = []
            for index in 0..<10 {
                let client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send(index < 5 ? "GET /wait?gate=never HTTP/1.1\r\nHost: h\r\n\r\n" : "GET / HTTP/1.1\r\nHost: h\r\nX-Half")
                clients.append(client)
            }
            #expect(await eventually { handler.gates.waitingCount == 5 && server.statistics.connectionsOpen == 10 })
            await server.stop()
            #expect(server.statistics.connectionsOpen == 0)
            #expect(handler.gates.waitingCount == 0)
            for index in clients.indices { _ = try? await clients[index].readUntilClosed() }
            clients.removeAll()
            await reactor.shutdown()
            await expectNoDescriptorLeak(from: before)
        }

        @Test func serverReleasedWithoutStopStillClosesItsDescriptors() async throws {
            let before = openDescriptors()
            let reactor = try IOReactor()
            do {
                let server = HTTPServer(handler: EchoHandler())
                var client = try await RawClient.connect(port: try server.start(), reactor: reactor)
                try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
                client.close()
            }
            await reactor.shutdown()
            await expectNoDescriptorLeak(from: before)
        }

        @Test func startRefusesBadAddressesAndSecondStarts() async throws {
            #expect(throws: HTTPServerError.invalidAddress(host: "example.com", port: 0)) {
                try HTTPServer(configuration: .init(host: "example.com"), handler: EchoHandler()).start()
            }
            let server = HTTPServer(handler: EchoHandler())
            let port = try server.start()
            #expect(throws: HTTPServerError.alreadyStarted) { try server.start() }
            let clash = HTTPServer(configuration: .init(port: port), handler: EchoHandler())
            #expect(throws: SystemError.self) { try clash.start() }
            await server.stop()
            await server.stop()
            #expect(server.port == port)
        }
    }
}

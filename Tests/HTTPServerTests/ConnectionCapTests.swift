import Foundation
@testable import HTTPServer
import LinuxSystem
import Testing

/// `maxConnections` and the idle timeout: the longest idle connection makes room, a server full of
/// busy connections refuses with 503, and a connection that never sends is closed.
@Suite struct ConnectionCapTests {
    @Test func newConnectionOverTheCapEndsTheLongestIdleOne() async throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxConnections = 3
        // Only the cap may close a connection here, however slowly a loaded machine runs the test.
        configuration.idleTimeout = .seconds(600)
        try await withServer(configuration) { server, reactor in
            var oldest = try await RawClient.connect(port: server.port, reactor: reactor)
            #expect(await eventually { server.statistics.connectionsOpen == 1 })
            var others: [RawClient] = []
            for _ in 0..<2 { others.append(try await RawClient.connect(port: server.port, reactor: reactor)) }
            #expect(await eventually { server.statistics.connectionsOpen == 3 })

            var newcomer = try await RawClient.connect(port: server.port, reactor: reactor)
            #expect(try await oldest.readUntilClosed().isEmpty, "the oldest idle connection is closed without an answer")
            try await newcomer.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await newcomer.readResponse().status == 200)
            #expect(await eventually { server.statistics.connectionsOpen == 3 })
            #expect(server.statistics.connectionsRefused == 0)
            for client in others + [oldest, newcomer] { client.close() }
        }
    }

    @Test func serverFullOfBusyConnectionsRefusesWith503() async throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxConnections = 2
        let handler = EchoHandler()
        try await withServer(configuration, handler: handler) { server, reactor in
            var busy: [RawClient] = []
            for _ in 0..<2 {
                let client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("GET /wait?gate=g HTTP/1.1\r\nHost: x\r\n\r\n")
                busy.append(client)
            }
            #expect(await eventually { handler.gates.waitingCount == 2 })
            var refused = try await RawClient.connect(port: server.port, reactor: reactor)
            let answer = try await refused.readResponse()
            #expect(answer.status == 503)
            #expect(answer.text.contains("too many connections"))
            #expect(server.statistics.connectionsRefused == 1)
            handler.gates.open("g")
            for index in busy.indices { #expect(try await busy[index].readResponse().status == 200) }
            for client in busy + [refused] { client.close() }
        }
    }

    @Test func connectionThatNeverSendsIsClosedAfterTheIdleTimeout() async throws {
        var configuration = HTTPServer.Configuration()
        configuration.idleTimeout = .milliseconds(300)
        try await withServer(configuration) { server, reactor in
            var silent = try await RawClient.connect(port: server.port, reactor: reactor)
            // The server's count first: a client read with its own deadline would race the server's
            // 300 ms one whenever a loaded machine stalls both past their deadlines at once.
            #expect(await eventually { server.statistics.connectionsOpen == 0 })
            #expect(try await silent.readUntilClosed(timeout: .seconds(30)).isEmpty)
            #expect(server.statistics.requestsRefused == 0, "an idle connection just ends, no 408")
            silent.close()
        }
    }
}

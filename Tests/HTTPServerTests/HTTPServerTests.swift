import Foundation
@testable import HTTPServer
import LinuxSystem
import Testing

/// Every test that opens sockets runs in this serialized suite, so that the descriptor counts
/// of the leak checks are not disturbed by another test running at the same time.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServerTests {}

extension ServerTests {
    @Suite struct Basics {
        @Test(arguments: ["127.0.0.1", "::1", "[::1]"])
        func answersOnKernelChosenPort(host: String) async throws {
            try await withServer(.init(host: host)) { server, reactor in
                #expect(server.port > 0)
                var client = try await RawClient.connect(port: server.port, host: host, reactor: reactor)
                try await client.send("POST /echo?a=1&b=x+y HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "hello")
                #expect(response.headers["X-Query"] == "a=1&b=x y")
                #expect(response.headers["Content-Length"] == "5")
                #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
                #expect(response.headers["Connection"] == "keep-alive")
                let remote = try #require(response.headers["X-Remote"])
                #expect(remote.hasPrefix(host.contains(":") ? "[::1]:" : "127.0.0.1:"))
            }
        }

        @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                for index in 0..<5 {
                    try await client.send("GET /n/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                    #expect(try await client.readResponse().headers["X-Path"] == "/n/\(index)")
                }
                #expect(server.statistics.connectionsAccepted == 1)
                #expect(server.statistics.requestsHandled == 5)
            }
        }

        @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                var batch = ""
                for index in 0..<20 {
                    batch += index % 2 == 0
                        ? "GET /p/\(index) HTTP/1.1\r\nHost: h\r\n\r\n"
                        : "POST /p/\(index) HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n\(index < 10 ? "0" : "")\(index)\r\n0\r\n\r\n"
                }
                try await client.send(batch)
                for index in 0..<20 {
                    let response = try await client.readResponse()
                    #expect(response.headers["X-Path"] == "/p/\(index)")
                    if index % 2 == 1 { #expect(Int(response.text) == index) }
                }
            }
        }

        @Test func chunkedBodyWithExtensionsAndTrailersReachesTheHandler() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;a=b\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.text == "Wikipedia")
                #expect(response.headers["X-Trailers"] == "X-Sum=9")
            }
        }

        @Test func headAnswersCarryLengthButNoBody() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("HEAD /head HTTP/1.1\r\nHost: h\r\n\r\nHEAD /echo HTTP/1.1\r\nHost: h\r\n\r\nGET /head HTTP/1.1\r\nHost: h\r\n\r\n")
                let first = try await client.readResponse(isHead: true)
                #expect(first.headers["Content-Length"] == "1234")
                #expect(try await client.readResponse(isHead: true).headers["X-Method"] == "HEAD")
                #expect(try await client.readResponse().body.count == 1234, "the next answer starts right after the HEAD answers")
            }
        }

        @Test func connectionCloseAndHTTP10AreHonoured() async throws {
            try await withServer { server, reactor in
                for request in ["GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET / HTTP/1.0\r\n\r\n", "GET /close HTTP/1.1\r\nHost: h\r\n\r\n"] {
                    var client = try await RawClient.connect(port: server.port, reactor: reactor)
                    try await client.send(request)
                    #expect(try await client.readResponse().headers["Connection"] == "close")
                    #expect(try await client.readUntilClosed().isEmpty)
                }
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try await client.readResponse().headers["Connection"] == "keep-alive")
                #expect(try await client.readResponse().headers["Connection"] == "keep-alive")
            }
        }

        @Test func resetDispositionResetsTheConnection() async throws {
            try await withServer { server, reactor in
                var client = try await RawClient.connect(port: server.port, reactor: reactor)
                try await client.send("GET /reset HTTP/1.1\r\nHost: h\r\n\r\n")
                await #expect(throws: AsyncSocket.Failure.system(SystemError("recv", errno: .connectionReset))) {
                    _ = try await client.readUntilClosed()
                }
            }
        }
    }
}

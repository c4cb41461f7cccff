import Foundation
import Testing
@testable import AISearchAPI

@Suite struct CurlTransportTests {
    @Test func fourMegabyteUploadRoundTripsOverARealSocket() async throws {
        let server = try LoopbackServer { request in
            let body = #"{"success":true,"errors":[],"messages":[],"result":{"received":\#(request.body.count)}}"#
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Set-Cookie: session=abc\r\nConnection: close\r\n\r\n" + body
        }
        let contents = (0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let request = TransportRequest(method: .post, url: "http://127.0.0.1:\(server.port)/client/v4/x?page=1",
                                       headers: ["Authorization": "Bearer t", "Content-Type": "application/octet-stream"],
                                       body: contents, timeout: .seconds(30))
        let response = try await CurlTransport().send(request)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self).contains(#""received":4194304"#))
        let received = try #require(server.request)
        #expect(received.body == contents)
        #expect(received.head.hasPrefix("POST /client/v4/x?page=1 HTTP/1.1\r\n"))
        #expect(received.head.contains("Authorization: Bearer t"))
    }

    @Test func errorStatusIsAnAnswerNotAnError() async throws {
        let server = try LoopbackServer { _ in
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        }
        let response = try await CurlTransport().send(
            TransportRequest(method: .get, url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30)))
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "3")
    }

    /// Header lines are split and trimmed as bytes: blanks around the name and value go, the
    /// colon inside a value stays.
    @Test func headerFieldsAreTrimmedAsBytes() async throws {
        let server = try LoopbackServer { _ in
            "HTTP/1.1 200 OK\r\nX-Padded: \t spaced value \t\r\nX-Time:12:30:00\r\nX-Empty:\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        }
        let response = try await CurlTransport().send(
            TransportRequest(method: .get, url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30)))
        #expect(response.headers["x-padded"] == "spaced value")
        #expect(response.headers["x-time"] == "12:30:00")
        #expect(response.headers["x-empty"] == "")
    }

    @Test func refusedConnectionIsATypedTransportError() async throws {
        let closed = ClosedPort()
        let error = try await #require(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: "http://127.0.0.1:\(closed.port)/",
                                                                  timeout: .seconds(30)))
        }
        withExtendedLifetime(closed) {}
        #expect(error.code == .connectionRefused)
        #expect(error.isRetryable)
    }

    @Test func silentServerTimesOut() async throws {
        let server = try LoopbackServer { _ in nil }
        let error = try await #require(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: "http://127.0.0.1:\(server.port)/",
                                                                  timeout: .seconds(2)))
        }
        #expect(error.code == .timedOut, "\(error.detail)")
        // The server's thread records the request on its own time; on a loaded machine it may
        // not yet have run when the client gives up.
        #expect(await eventually { server.request != nil })
    }

    @Test func nonHTTPURLIsRejected() async throws {
        let error = try await #require(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: "ftp://example.com/"))
        }
        #expect(error.code == .badURL)
    }
}

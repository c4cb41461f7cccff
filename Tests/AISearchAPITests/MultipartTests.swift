import Foundation
import Testing
@testable import AISearchAPI

@Suite struct MultipartTests {
    @Test func uploadBodyIsExactlyTheRFC7578Form() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.item())])
        let contents = Array("# Café\n".utf8)
        _ = try await Fixtures.client(transport).uploadItem(
            to: "docs", key: "notes/résumé \"v2\"\\x.md", contents: contents,
            metadata: ["sha256": .string("e3b0c442"), "size": .int(7)], waitForCompletion: true)
        let request = try #require(transport.lastRequest)
        #expect(request.method == .post)
        #expect(request.path == "/accounts/\(Fixtures.account)/ai-search/namespaces/default/instances/docs/items")
        #expect(request.headers["Content-Type"] == "multipart/form-data; boundary=TestBoundary1234")
        let expected = "--TestBoundary1234\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"notes/résumé \\\"v2\\\"\\\\x.md\"\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "\r\n"
            + "# Café\n\r\n"
            + "--TestBoundary1234\r\n"
            + "Content-Disposition: form-data; name=\"metadata\"\r\n"
            + "\r\n"
            + "{\"sha256\":\"e3b0c442\",\"size\":7}\r\n"
            + "--TestBoundary1234\r\n"
            + "Content-Disposition: form-data; name=\"wait_for_completion\"\r\n"
            + "\r\n"
            + "true\r\n"
            + "--TestBoundary1234--\r\n"
        #expect(request.body == Array(expected.utf8))
        // The file name travels as raw UTF-8 ("é" is C3 A9), not percent- or RFC 2047-encoded.
        #expect(request.body.starts(with: Array("--TestBoundary1234\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes/r\u{E9}".utf8)))
        #expect(request.timeout == .seconds(90))
    }

    @Test func uploadWithoutOptionsHasOnlyTheFilePart() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.item())])
        _ = try await Fixtures.client(transport, style: .legacy).uploadItem(to: "docs", key: "a.txt", contents: [0x00, 0xFF])
        let request = try #require(transport.lastRequest)
        #expect(request.path == "/accounts/\(Fixtures.account)/ai-search/instances/docs/items")
        let expected: [UInt8] = Array("--TestBoundary1234\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            + [0x00, 0xFF] + Array("\r\n--TestBoundary1234--\r\n".utf8)
        #expect(request.body == expected)
        #expect(request.timeout == .seconds(60))
    }

    /// RFC 7578 §4.1: the boundary must not occur in the contents; the client picks another.
    @Test func boundaryFoundInContentsIsReplaced() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.item())])
        let contents = Array("before\r\n--TestBoundary1234\r\nafter".utf8)
        _ = try await Fixtures.client(transport).uploadItem(to: "docs", key: "a.txt", contents: contents)
        let request = try #require(transport.lastRequest)
        let contentType = try #require(request.headers["Content-Type"])
        #expect(!contentType.hasSuffix("TestBoundary1234"))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        #expect(request.body.starts(with: Array("--\(boundary)\r\n".utf8)))
    }

    @Test func fieldNamesEscapeLineBreaks() {
        #expect(MultipartFormData.quoted("a\r\nb") == "\"a%0D%0Ab\"")
        #expect(MultipartFormData.quoted("日本.md") == "\"日本.md\"")
    }

    @Test func randomBoundariesAreValidAndDiffer() {
        let first = MultipartFormData.randomBoundary()
        #expect(MultipartFormData.isValidBoundary(first))
        #expect(first != MultipartFormData.randomBoundary())
    }

    @Test func fourMegabyteUploadIsSentWhole() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.item())])
        let contents = [UInt8](repeating: 0x61, count: 4 * 1024 * 1024)
        _ = try await Fixtures.client(transport).uploadItem(to: "docs", key: "big.txt", contents: contents)
        let overhead = "--TestBoundary1234\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--TestBoundary1234--\r\n".utf8.count
        #expect(transport.lastRequest?.body.count == contents.count + overhead)
    }
}

import Foundation
import Testing
@testable import AISearchAPI

@Suite struct EnvelopeTests {
    private func client(answering response: TransportResponse) -> (AISearchClient, FakeTransport) {
        let transport = FakeTransport(responses: [response])
        return (Fixtures.client(transport, retry: .none), transport)
    }

    @Test func successDecodesResultAndResultInfo() async throws {
        let (client, _) = client(answering: .ok("[\(Fixtures.item()),\(Fixtures.item(id: "b", key: "b.md", status: "error"))]",
                                                resultInfo: #"{"count":2,"page":1,"per_page":50,"total_count":2}"#))
        let page = try await client.listItems(in: "docs")
        #expect(page.items.map(\.key) == ["docs/guide.md", "b.md"])
        #expect(page.items[1].status == .error)
        #expect(page.items[0].fileSize == 1834)
        #expect(page.resultInfo?.totalCount == 2)
    }

    @Test(arguments: [
        (400, APIError.Kind.badRequest), (401, .authentication), (403, .permissionDenied), (404, .notFound),
        (409, .conflict), (422, .unprocessable), (429, .rateLimited), (500, .server), (503, .server), (418, .other),
    ])
    func failureStatusMapsToKind(status: Int, kind: APIError.Kind) async throws {
        let (client, _) = client(answering: .failure(status, code: 7003, message: "Could not route to /accounts/x"))
        let error = try await #require(throws: APIError.self) { try await client.getInstance("docs") }
        #expect(error.status == status)
        #expect(error.kind == kind)
        #expect(error.errors == [APIMessage(code: 7003, message: "Could not route to /accounts/x")])
        #expect(error.method == .get)
        #expect(error.path == "/accounts/\(Fixtures.account)/ai-search/namespaces/default/instances/docs")
    }

    @Test func authenticationErrorSaysWhatToDo() async throws {
        let body = #"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#
        let (client, _) = client(answering: TransportResponse(status: 401, headers: ["Content-Type": "application/json"],
                                                              body: Array(body.utf8)))
        let error = try await #require(throws: APIError.self) {
            try await client.listItems(in: "docs", query: ItemListQuery(key: "private/plan.md"))
        }
        #expect(error.description == "GET /accounts/\(Fixtures.account)/ai-search/namespaces/default/instances/docs/items: HTTP 401 (authentication) [10000] Authentication error; check the API token (CLOUDFLARE_API_TOKEN) or email and global key")
        #expect(!error.description.contains("private"))
        #expect(!error.description.contains("\n"))
    }

    @Test func successFalseWithStatus200IsAnAPIError() async throws {
        let body = #"{"success":false,"errors":[{"code":7001,"message":"bad"}],"messages":[],"result":null}"#
        let (client, _) = client(answering: TransportResponse(status: 200, body: Array(body.utf8)))
        let error = try await #require(throws: APIError.self) { try await client.getInstance("docs") }
        #expect(error.status == 200)
        #expect(error.errors.first?.code == 7001)
    }

    @Test func htmlAnswerIsNotJSON() async throws {
        let (client, _) = client(answering: TransportResponse(status: 502, headers: ["Content-Type": "text/html"],
                                                              body: Array("<html>Bad gateway</html>".utf8)))
        let error = try await #require(throws: ResponseFormatError.self) { try await client.listItems(in: "docs") }
        #expect(error.problem == .notJSON)
        #expect(error.kind == .server)
        #expect(error.description.hasPrefix("GET /accounts/\(Fixtures.account)/ai-search/namespaces/default/instances/docs/items: answer is not JSON (status 502, text/html)"))
    }

    @Test func unexpectedShapeNamesTheField() async throws {
        let (client, _) = client(answering: .ok(#"{"id":"docs","key":"a","status":"sideways"}"#))
        let error = try await #require(throws: ResponseFormatError.self) { try await client.getItem("x", in: "docs") }
        guard case .unexpectedShape(let detail) = error.problem else {
            Issue.record("expected unexpectedShape, got \(error.problem)")
            return
        }
        #expect(detail.contains("result.status"))
    }

    @Test func missingResultIsReported() async throws {
        let (client, _) = client(answering: .ok("null"))
        let error = try await #require(throws: ResponseFormatError.self) { try await client.getInstance("docs") }
        #expect(error.problem == .missingResult)
    }

    @Test func downloadFailureDecodesTheEnvelope() async throws {
        let (client, _) = client(answering: .failure(404, code: 7404, message: "Item not found"))
        let error = try await #require(throws: APIError.self) { try await client.downloadItem("x", in: "docs") }
        #expect(error.kind == .notFound)
        #expect(error.errors.first?.message == "Item not found")
    }

    @Test func deleteNamespaceAcceptsNullResult() async throws {
        let (client, _) = client(answering: .ok("null"))
        try await client.deleteNamespace("team")
    }
}

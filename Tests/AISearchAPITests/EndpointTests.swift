import Foundation
import Testing
@testable import AISearchAPI

/// One API call: how to make it, and the request it must produce.
struct CallCase: Sendable, CustomTestStringConvertible {
    enum Where: Sendable {
        /// After `…/instances` (which differs by path style).
        case underInstances(String)
        /// After `/accounts/{a}/ai-search` (the same in both styles).
        case underAccount(String)
    }

    var name: String
    var method: HTTPMethod
    var location: Where
    var query = ""
    var jsonBody: String?
    var answer: TransportResponse
    var invoke: @Sendable (AISearchClient) async throws -> Void

    var testDescription: String { name }

    func expectedPath(_ style: ClientConfiguration.PathStyle) -> String {
        let account = "/accounts/\(Fixtures.account)/ai-search"
        switch location {
        case .underAccount(let rest): return account + rest
        case .underInstances(let rest):
            return (style == .namespaced ? account + "/namespaces/default/instances" : account + "/instances") + rest
        }
    }
}

let itemID = "6f0c4f3e-9a51-4b55-9d0a-3f7e1c2b8a10"

let callCases: [CallCase] = [
    CallCase(name: "list namespaces", method: .get, location: .underAccount("/namespaces"), query: "page=2&per_page=50&search=te%20am",
             answer: .ok("[\(Fixtures.namespace)]", resultInfo: #"{"count":1,"page":2,"per_page":50,"total_count":51}"#)) {
        let page = try await $0.listNamespaces(page: 2, perPage: 80, search: "te am")
        #expect(page.items.map(\.name) == ["team"])
        #expect(page.totalCount == 51)
    },
    CallCase(name: "create namespace", method: .post, location: .underAccount("/namespaces"),
             jsonBody: #"{"name":"team","description":"Team docs"}"#, answer: .ok(Fixtures.namespace)) {
        let value = try await $0.createNamespace(name: "team", description: "Team docs").description
        #expect(value == "Team docs")
    },
    CallCase(name: "get namespace", method: .get, location: .underAccount("/namespaces/team"), answer: .ok(Fixtures.namespace)) {
        let value = try await $0.getNamespace("team").name
        #expect(value == "team")
    },
    CallCase(name: "update namespace", method: .put, location: .underAccount("/namespaces/team"),
             jsonBody: #"{"description":"New"}"#, answer: .ok(Fixtures.namespace)) {
        _ = try await $0.updateNamespace("team", description: "New")
    },
    CallCase(name: "delete namespace", method: .delete, location: .underAccount("/namespaces/team"), answer: .ok("null")) {
        try await $0.deleteNamespace("team")
    },
    CallCase(name: "create instance", method: .post, location: .underInstances(""),
             jsonBody: #"{"id":"docs","type":"r2","source":"docs-bucket","chunk_size":256,"custom_metadata":[{"field_name":"sha256","data_type":"text"}],"reranking":true}"#,
             answer: .ok(Fixtures.instance)) {
        let settings = InstanceSettings(type: "r2", source: "docs-bucket", chunkSize: 256,
                                        customMetadata: [CustomMetadataField(fieldName: "sha256", dataType: .text)],
                                        other: ["reranking": .bool(true)])
        let instance = try await $0.createInstance(id: "docs", settings: settings)
        #expect(instance.id == "docs")
        #expect(instance.settings.customMetadata?.first?.fieldName == "sha256")
    },
    CallCase(name: "list instances", method: .get, location: .underInstances(""), query: "page=1&per_page=20&search=doc",
             answer: .ok("[\(Fixtures.instance)]", resultInfo: #"{"count":1,"page":1,"per_page":20,"total_count":1}"#)) {
        let value = try await $0.listInstances(page: 1, perPage: 20, search: "doc").items.count
        #expect(value == 1)
    },
    CallCase(name: "get instance", method: .get, location: .underInstances("/docs"), answer: .ok(Fixtures.instance)) {
        let value = try await $0.getInstance("docs").settings.chunkSize
        #expect(value == 256)
    },
    CallCase(name: "update instance", method: .put, location: .underInstances("/docs"),
             jsonBody: #"{"paused":true,"sync_interval":3600}"#, answer: .ok(Fixtures.instance)) {
        _ = try await $0.updateInstance("docs", settings: InstanceSettings(syncInterval: 3600, paused: true))
    },
    CallCase(name: "delete instance", method: .delete, location: .underInstances("/docs"), answer: .ok(Fixtures.instance)) {
        let value = try await $0.deleteInstance("docs")?.id
        #expect(value == "docs")
    },
    CallCase(name: "instance stats", method: .get, location: .underInstances("/docs/stats"),
             answer: .ok(#"{"queued":1,"running":0,"completed":40,"error":2,"skipped":3,"outdated":0,"last_activity":"2026-11-20T10:00:00Z","engine":{"vectorize":{"dimensions":768,"vectorsCount":120}}}"#)) {
        let stats = try await $0.instanceStats("docs")
        #expect(stats.completed == 40)
        #expect(stats.engine?["vectorize"]?["vectorsCount"] == .int(120))
    },
    CallCase(name: "list items", method: .get, location: .underInstances("/docs/items"),
             query: "page=3&per_page=50&key=docs%2Fa%20b.md&item_id=x1&source=builtin&status=error&search=guide&sort_by=modified_at&metadata_filter=%7B%22folder%22%3A%22reports%2F%22%7D",
             answer: .ok("[\(Fixtures.item())]", resultInfo: #"{"count":1,"page":3,"per_page":50,"total_count":101}"#)) {
        let query = ItemListQuery(key: "docs/a b.md", itemID: "x1", source: "builtin", status: .error, search: "guide",
                                  sortBy: .modifiedAt, metadataFilter: .object(["folder": .string("reports/")]),
                                  page: 3, perPage: 500)
        let page = try await $0.listItems(in: "docs", query: query)
        #expect(page.items.first?.metadata?["sha256"] == .string("abc"))
    },
    CallCase(name: "create or update item", method: .put, location: .underInstances("/docs/items"),
             jsonBody: #"{"key":"docs/guide.md","next_action":"INDEX","wait_for_completion":true}"#, answer: .ok(Fixtures.item())) {
        _ = try await $0.createOrUpdateItem(in: "docs", key: "docs/guide.md", waitForCompletion: true)
    },
    CallCase(name: "get item", method: .get, location: .underInstances("/docs/items/\(itemID)"), answer: .ok(Fixtures.item())) {
        let value = try await $0.getItem(itemID, in: "docs").key
        #expect(value == "docs/guide.md")
    },
    CallCase(name: "sync item", method: .patch, location: .underInstances("/docs/items/\(itemID)"),
             jsonBody: #"{"next_action":"INDEX"}"#, answer: .ok(Fixtures.item(status: "queued"))) {
        let value = try await $0.syncItem(itemID, in: "docs").status
        #expect(value == .queued)
    },
    CallCase(name: "delete item", method: .delete, location: .underInstances("/docs/items/\(itemID)"),
             answer: .ok(#"{"key":"docs/guide.md"}"#)) {
        let value = try await $0.deleteItem(itemID, in: "docs").key
        #expect(value == "docs/guide.md")
    },
    CallCase(name: "item logs", method: .get, location: .underInstances("/docs/items/\(itemID)/logs"), query: "cursor=abc%3D%3D&limit=20",
             answer: .ok(#"[{"action":"index","chunkCount":3,"fileKey":"docs/guide.md","processingTimeMs":812,"timestamp":"2026-11-20T10:00:05Z"}]"#,
                         resultInfo: #"{"cursor":"next=="}"#)) {
        let page = try await $0.itemLogs(itemID, in: "docs", cursor: "abc==", limit: 20)
        #expect(page.items.first?.chunkCount == 3)
        #expect(page.nextCursor == "next==")
    },
    CallCase(name: "item chunks", method: .get, location: .underInstances("/docs/items/\(itemID)/chunks"), query: "limit=10&offset=20",
             answer: .ok(#"[{"id":"c1","text":"Hello","start_byte":0,"end_byte":5,"item":{"key":"docs/guide.md","timestamp":1763632805}}]"#)) {
        let value = try await $0.itemChunks(itemID, in: "docs", limit: 10, offset: 20).items.first?.endByte
        #expect(value == 5)
    },
    CallCase(name: "download item", method: .get, location: .underInstances("/docs/items/\(itemID)/download"),
             answer: TransportResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: [0, 1, 2, 255])) {
        let value = try await $0.downloadItem(itemID, in: "docs")
        #expect(value == [0, 1, 2, 255])
    },
    CallCase(name: "create job", method: .post, location: .underInstances("/docs/jobs"),
             jsonBody: #"{"description":"nightly"}"#, answer: .ok(Fixtures.job)) {
        let value = try await $0.createJob(in: "docs", description: "nightly").isRunning
        #expect(value)
    },
    CallCase(name: "list jobs", method: .get, location: .underInstances("/docs/jobs"), query: "page=2&per_page=10",
             answer: .ok("[\(Fixtures.job)]", resultInfo: #"{"count":1,"page":2,"per_page":10,"total_count":11}"#)) {
        let page = try await $0.listJobs(in: "docs", page: 2, perPage: 10)
        #expect(page.resultInfo == ResultInfo(count: 1, page: 2, perPage: 10, totalCount: 11))
    },
    CallCase(name: "get job", method: .get, location: .underInstances("/docs/jobs/job-41"), answer: .ok(Fixtures.job)) {
        let value = try await $0.getJob("job-41", in: "docs").source
        #expect(value == .user)
    },
    CallCase(name: "job logs", method: .get, location: .underInstances("/docs/jobs/job-41/logs"), query: "page=1&per_page=50",
             answer: .ok(#"[{"id":1,"created_at":1763632805.5,"message":"Started","message_type":1}]"#)) {
        let value = try await $0.jobLogs("job-41", in: "docs", page: 1, perPage: 50).items.first?.message
        #expect(value == "Started")
    },
    CallCase(name: "cancel job", method: .patch, location: .underInstances("/docs/jobs/job-41"),
             jsonBody: #"{"action":"cancel"}"#, answer: .ok(Fixtures.job)) {
        _ = try await $0.cancelJob("job-41", in: "docs")
    },
    CallCase(name: "search instance", method: .post, location: .underInstances("/docs/search"),
             jsonBody: #"{"query":"how to sync","ai_search_options":{"retrieval":{"max_num_results":5,"match_threshold":0.4,"retrieval_type":"hybrid","keyword_match_mode":"or","filters":{"folder":"docs/"}}}}"#,
             answer: .ok(searchAnswer)) {
        let options = SearchOptions(retrieval: RetrievalOptions(maxNumResults: 5, matchThreshold: 0.4, retrievalType: .hybrid,
                                                                keywordMatchMode: .or, filters: ["folder": .string("docs/")]))
        let result = try await $0.search(SearchRequest(query: "how to sync", options: options), in: "docs")
        #expect(result.chunks.first?.itemKey == "docs/guide.md")
        #expect(result.chunks.first?.scoringDetails?.fusionMethod == "rrf")
        #expect(result.chunks.first?.scoringDetails?.vectorRank == 1)
    },
    CallCase(name: "search namespace", method: .post, location: .underAccount("/namespaces/default/search"),
             jsonBody: #"{"messages":[{"role":"user","content":"sync?"}],"ai_search_options":{"instance_ids":["docs","wiki"]}}"#,
             answer: .ok(#"{"chunks":[{"id":"c9","instance_id":"wiki","score":0.5,"text":"t","type":"text"}],"query_kind":"text","errors":[{"instance_id":"docs","message":"timeout"}]}"#)) {
        let result = try await $0.searchNamespace(SearchRequest(messages: [SearchMessage(role: "user", content: "sync?")]),
                                                  instanceIDs: ["docs", "wiki"])
        #expect(result.chunks.first?.instanceID == "wiki")
        #expect(result.errors?.first?.instanceID == "docs")
    },
]

let searchAnswer = #"{"chunks":[{"id":"c1","score":0.82,"text":"To sync, run…","type":"text","item":{"key":"docs/guide.md","metadata":{"folder":"docs/"},"timestamp":1763632805},"scoring_details":{"keyword_score":3.2,"keyword_rank":2,"vector_score":0.78,"vector_rank":1,"reranking_score":0.9,"fusion_method":"rrf"}}],"query_kind":"text","search_query":"how to sync"}"#

@Suite struct EndpointTests {
    @Test(arguments: callCases, ClientConfiguration.PathStyle.allCases)
    func callSendsTheDocumentedRequest(_ call: CallCase, style: ClientConfiguration.PathStyle) async throws {
        let transport = FakeTransport(responses: [call.answer])
        try await call.invoke(Fixtures.client(transport, style: style))
        let request = try #require(transport.requests.count == 1 ? transport.lastRequest : nil)
        #expect(request.method == call.method)
        #expect(request.path == call.expectedPath(style))
        #expect(request.queryString == call.query)
        #expect(request.headers["Authorization"] == "Bearer \(Fixtures.token)")
        if let expected = call.jsonBody {
            #expect(request.headers["Content-Type"] == "application/json")
            #expect(request.jsonBody == Fixtures.json(expected))
        } else {
            #expect(request.body.isEmpty)
            #expect(request.headers["Content-Type"] == nil)
        }
    }

    @Test func pathSegmentsArePercentEncoded() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.item())])
        _ = try await Fixtures.client(transport).getItem("a b/c?d#é", in: "docs_v2-1")
        #expect(transport.lastRequest?.path
            == "/accounts/\(Fixtures.account)/ai-search/namespaces/default/instances/docs_v2-1/items/a%20b%2Fc%3Fd%23%C3%A9")
    }

    @Test func namespaceSearchUsesNamespacedPathEvenInLegacyStyle() async throws {
        let transport = FakeTransport(responses: [.ok(#"{"chunks":[],"query_kind":"text"}"#)])
        let client = Fixtures.client(transport, style: .legacy).inNamespace("team a")
        _ = try await client.searchNamespace(SearchRequest(query: "x"), instanceIDs: ["docs"])
        #expect(transport.lastRequest?.path == "/accounts/\(Fixtures.account)/ai-search/namespaces/team%20a/search")
    }

    @Test func inNamespaceChangesInstancePaths() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.instance)])
        _ = try await Fixtures.client(transport).inNamespace("team").getInstance("docs")
        #expect(transport.lastRequest?.path == "/accounts/\(Fixtures.account)/ai-search/namespaces/team/instances/docs")
    }

    @Test func emailAndKeyCredentialsSendBothHeadersAndNoBearer() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.instance)])
        let client = Fixtures.client(transport, credentials: .emailAndKey(email: "ops@example.com", key: "global-key-123"))
        _ = try await client.getInstance("docs")
        let headers = try #require(transport.lastRequest?.headers)
        #expect(headers["X-Auth-Email"] == "ops@example.com")
        #expect(headers["X-Auth-Key"] == "global-key-123")
        #expect(headers["Authorization"] == nil)
        #expect(headers["Accept"] == "application/json")
    }

    @Test func downloadAsksForOctetStream() async throws {
        let transport = FakeTransport(responses: [TransportResponse(status: 200, body: [1])])
        _ = try await Fixtures.client(transport).downloadItem("i", in: "docs")
        #expect(transport.lastRequest?.headers["Accept"] == "application/octet-stream")
    }

    @Test func waitForCompletionCallsGetTheLongerTimeout() async throws {
        let transport = FakeTransport(responses: [.ok(Fixtures.item())])
        let client = Fixtures.client(transport)
        _ = try await client.syncItem("i", in: "docs")
        _ = try await client.syncItem("i", in: "docs", waitForCompletion: true)
        #expect(transport.requests.map(\.timeout) == [.seconds(60), .seconds(90)])
        #expect(transport.requests.last?.jsonBody == Fixtures.json(#"{"next_action":"INDEX","wait_for_completion":true}"#))
    }
}

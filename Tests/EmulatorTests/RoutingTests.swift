import AISearchAPI
import Foundation
import HTTPServer
import Testing
@testable import Emulator

struct RoutingTests {
    @Test(arguments: PathStyle.allCases)
    func everyInstanceEndpointAnswersUnderBothPathStyles(style: PathStyle) async throws {
        let h = try Harness()
        let instance = try await h.createInstance("docs", style: style)
        #expect(instance.id == "docs" && instance.namespace == "default")
        let base = h.base(style) + "/instances"
        let listed = try h.result([Instance].self, await h.send("GET", base))
        #expect(listed.map(\.id) == ["docs"])
        #expect(try h.result(Instance.self, await h.send("GET", base + "/docs")).id == "docs")
        let updated = try h.result(Instance.self, await h.send("PUT", base + "/docs", json: #"{"chunk_size": 128}"#))
        #expect(updated.settings.chunkSize == 128)
        _ = try h.result(InstanceStats.self, await h.send("GET", base + "/docs/stats"))

        let item = try h.result(Item.self, await h.upload("docs", key: "a/b.md", content: Array("hello world".utf8), style: style))
        let items = base + "/docs/items"
        #expect(try h.result([Item].self, await h.send("GET", items)).map(\.id) == [item.id])
        #expect(try h.result(Item.self, await h.send("GET", items + "/\(item.id)")).key == "a/b.md")
        let synced = try h.result(Item.self, await h.send("PATCH", items + "/\(item.id)", json: #"{"next_action":"INDEX"}"#))
        #expect(synced.status == .queued && synced.nextAction == .index)
        _ = try h.result(Item.self, await h.send("PUT", items, json: #"{"key":"a/b.md","next_action":"INDEX"}"#))
        await h.emulator.settleAll()
        #expect(try h.result([ItemLog].self, await h.send("GET", items + "/\(item.id)/logs")).isEmpty == false)
        let chunks = try h.result([ItemChunk].self, await h.send("GET", items + "/\(item.id)/chunks"))
        #expect(chunks.map(\.text) == ["hello world"])
        let download = await h.send("GET", items + "/\(item.id)/download")
        #expect(download.status == 200 && download.body == Array("hello world".utf8))
        #expect(download.headers["Content-Type"] == "application/octet-stream")

        let job = try h.result(Job.self, await h.send("POST", base + "/docs/jobs", json: #"{"description":"manual"}"#))
        #expect(try h.result([Job].self, await h.send("GET", base + "/docs/jobs")).map(\.id) == [job.id])
        #expect(try h.result(Job.self, await h.send("GET", base + "/docs/jobs/\(job.id)")).description == "manual")
        #expect(try h.result([JobLog].self, await h.send("GET", base + "/docs/jobs/\(job.id)/logs")).isEmpty == false)

        #expect(try h.result(DeletedItem.self, await h.send("DELETE", items + "/\(item.id)")).key == "a/b.md")
        #expect(try h.result(Instance.self, await h.send("DELETE", base + "/docs")).id == "docs")
        #expect(try h.result([Instance].self, await h.send("GET", base)).isEmpty)
    }

    @Test func legacyPathsServeTheDefaultNamespace() async throws {
        let h = try Harness()
        try await h.createInstance("shared", style: .legacy)
        let listed = try h.result([Instance].self, await h.send("GET", h.base(.namespaced) + "/instances"))
        #expect(listed.map(\.id) == ["shared"])
    }

    @Test func unknownRouteIs404WithCode7000() async throws {
        let h = try Harness()
        for path in ["/client/v4/accounts/acc123/ai-search/nothing", "/client/v4/zones", "/elsewhere",
                     "/client/v4/accounts/acc123/ai-search/instances/x/chat/completions"] {
            let error = try h.error(await h.send("GET", path), status: 404)
            #expect(error.code == 7000)
        }
    }

    @Test func missingObjectIs404WithCode7003() async throws {
        let h = try Harness()
        let error = try h.error(await h.send("GET", h.base(.namespaced) + "/instances/ghost"), status: 404)
        #expect(error.code == 7003)
        #expect(error.message.contains("ghost"))
        try await h.createInstance("real")
        let missingItem = try h.error(await h.send("GET", h.base(.legacy) + "/instances/real/items/nope"), status: 404)
        #expect(missingItem.code == 7003)
        let missingNamespace = try h.error(await h.send("GET", h.base(.namespaced, namespace: "nope") + "/instances"), status: 404)
        #expect(missingNamespace.code == 7003)
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let h = try Harness()
        let response = await h.send("DELETE", h.base(.namespaced) + "/instances")
        let error = try h.error(response, status: 405)
        #expect(error.code == 7001)
        #expect(response.headers["Allow"] == "GET, POST")
    }

    @Test func everyJSONAnswerIsAnEnvelope() async throws {
        let h = try Harness()
        let response = await h.send("GET", h.base(.namespaced) + "/instances")
        let object = try JSONDecoder().decode([String: JSONValue].self, from: Data(response.body))
        #expect(Set(object.keys) == ["success", "errors", "messages", "result", "result_info"])
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test func badJSONBodyIs400() async throws {
        let h = try Harness()
        let error = try h.error(await h.send("POST", h.base(.namespaced) + "/instances", json: "[1,2"), status: 400)
        #expect(error.code == 1001)
    }
}

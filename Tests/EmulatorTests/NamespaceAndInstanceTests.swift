import AISearchAPI
import Foundation
import Testing
@testable import Emulator

struct NamespaceAndInstanceTests {
    var namespaces: String { "/client/v4/accounts/\(Harness.account)/ai-search/namespaces" }

    @Test func defaultNamespaceAlwaysExistsAndCannotBeDeleted() async throws {
        let h = try Harness()
        let listed = try h.result([Namespace].self, await h.send("GET", namespaces))
        #expect(listed.map(\.name) == ["default"])
        let error = try h.error(await h.send("DELETE", namespaces + "/default"), status: 400)
        #expect(error.code == 1006)
    }

    @Test func namespaceCreateGetUpdateDelete() async throws {
        let h = try Harness()
        let created = try h.result(Namespace.self, await h.send("POST", namespaces, json: #"{"name":"team-a","description":"A"}"#))
        #expect(created.name == "team-a" && created.description == "A" && created.createdAt != nil)
        #expect(try h.error(await h.send("POST", namespaces, json: #"{"name":"team-a"}"#), status: 409).code == 1002)
        #expect(try h.error(await h.send("POST", namespaces, json: #"{"name":"Team A"}"#), status: 400).code == 1001)
        let updated = try h.result(Namespace.self, await h.send("PUT", namespaces + "/team-a", json: #"{"description":"B"}"#))
        #expect(updated.description == "B")
        #expect(try h.result(Namespace.self, await h.send("GET", namespaces + "/team-a")).description == "B")

        try await h.createInstance("inside", namespace: "team-a")
        #expect(try h.error(await h.send("DELETE", namespaces + "/team-a"), status: 400).code == 1005)
        _ = try h.result(Instance.self, await h.send("DELETE", h.base(.namespaced, namespace: "team-a") + "/instances/inside"))
        #expect(try h.result(Namespace.self, await h.send("DELETE", namespaces + "/team-a")).name == "team-a")
        #expect(try h.error(await h.send("GET", namespaces + "/team-a"), status: 404).code == 7003)
    }

    @Test func instancesAreSeparatePerNamespace() async throws {
        let h = try Harness()
        _ = try h.result(Namespace.self, await h.send("POST", namespaces, json: #"{"name":"other"}"#))
        try await h.createInstance("same")
        try await h.createInstance("same", namespace: "other")
        let inOther = try h.result([Instance].self, await h.send("GET", h.base(.namespaced, namespace: "other") + "/instances"))
        #expect(inOther.map(\.namespace) == ["other"])
        let legacyFiltered = try h.result([Instance].self, await h.send("GET", h.base(.legacy) + "/instances",
                                                                        query: [("namespace", "other")]))
        #expect(legacyFiltered.map(\.namespace) == ["other"])
    }

    @Test(arguments: ["UPPER", "has space", "", String(repeating: "a", count: 65), "dot.ted", "ünï"])
    func invalidInstanceIDIs400(id: String) async throws {
        let h = try Harness()
        let body = "{\"id\":\"\(id)\"}"
        #expect(try h.error(await h.send("POST", h.base(.namespaced) + "/instances", json: body), status: 400).code == 1001)
    }

    @Test(arguments: ["a", "my-docs_2", String(repeating: "z", count: 64)])
    func validInstanceIDsAreAccepted(id: String) async throws {
        let h = try Harness()
        #expect(try await h.createInstance(id).id == id)
    }

    @Test func duplicateInstanceIs409() async throws {
        let h = try Harness()
        try await h.createInstance("dup")
        let error = try h.error(await h.send("POST", h.base(.legacy) + "/instances", json: #"{"id":"dup"}"#), status: 409)
        #expect(error.code == 1002)
    }

    @Test func listInstancesPagesAndSearches() async throws {
        let h = try Harness()
        for index in 0..<5 { try await h.createInstance("inst-\(index)") }
        try await h.createInstance("other")
        let base = h.base(.namespaced) + "/instances"
        let page = try h.envelope([Instance].self, await h.send("GET", base, query: [("page", "2"), ("per_page", "2")]))
        #expect(page.result?.map(\.id) == ["inst-2", "inst-3"])
        #expect(page.resultInfo == ResultInfo(count: 2, page: 2, perPage: 2, totalCount: 6))
        let found = try h.result([Instance].self, await h.send("GET", base, query: [("search", "oth")]))
        #expect(found.map(\.id) == ["other"])
    }

    @Test func updateMergesSettingsAndKeepsUnknownOnes() async throws {
        let h = try Harness()
        try await h.createInstance("x", extra: #","custom_metadata":[{"field_name":"sha","data_type":"text"}],"rewrite_query":true"#)
        let base = h.base(.namespaced) + "/instances/x"
        let updated = try h.result(Instance.self, await h.send("PUT", base, json: #"{"max_num_results": 7}"#))
        #expect(updated.settings.maxNumResults == 7)
        #expect(updated.settings.customMetadata == [CustomMetadataField(fieldName: "sha", dataType: .text)])
        #expect(updated.settings.other["rewrite_query"] == .bool(true))
        let tooMany = (0..<6).map { "{\"field_name\":\"f\($0)\",\"data_type\":\"text\"}" }.joined(separator: ",")
        #expect(try h.error(await h.send("PUT", base, json: "{\"custom_metadata\":[\(tooMany)]}"), status: 400).code == 1001)
    }

    @Test func statsCountItemsByStatus() async throws {
        let h = try Harness { $0.failingKeys = ["broken.md"] }
        try await h.createInstance("s")
        for key in ["good.md", "movie.mp4", "broken.md"] { _ = try await h.uploaded("s", key: key, text: "t") }
        await h.emulator.settleAll()
        _ = try await h.uploaded("s", key: "queued.md", text: "q")
        let stats = try h.result(InstanceStats.self, await h.send("GET", h.base(.namespaced) + "/instances/s/stats"))
        #expect(stats.completed == 1 && stats.skipped == 1 && stats.error == 1 && stats.queued == 1 && stats.running == 0)
        #expect(stats.lastActivity != nil)
    }
}

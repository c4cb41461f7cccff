import AISearchAPI
import Foundation
import Testing
@testable import Emulator

struct JobTests {
    @Test func jobOnAnExternalSourceRunsOverTheItemsAndEnds() async throws {
        let h = try Harness()
        try await h.createInstance("web", extra: #","type":"web-crawler","source":"https://example.com""#)
        let base = h.base(.namespaced) + "/instances/web"
        for key in ["a.html", "b.html"] {
            _ = try h.result(Item.self, await h.send("PUT", base + "/items", json: "{\"key\":\"\(key)\",\"next_action\":\"INDEX\"}"))
        }
        await h.emulator.settleAll()
        let job = try h.result(Job.self, await h.send("POST", base + "/jobs", json: #"{"description":"nightly"}"#))
        #expect(job.isRunning && job.source == .user && job.startedAt != nil)
        #expect(await h.emulator.items(instance: "web").allSatisfy { $0.status == .queued })
        h.clock.advance(by: .seconds(2))
        let ended = try h.result(Job.self, await h.send("GET", base + "/jobs/\(job.id)"))
        #expect(ended.endReason == "completed" && ended.endedAt == "2025-01-01T00:00:02.000Z")
        #expect(await h.emulator.items(instance: "web").allSatisfy { $0.status == .completed })
        let logs = try h.result([JobLog].self, await h.send("GET", base + "/jobs/\(job.id)/logs"))
        #expect(logs.map(\.id) == [1, 2, 3, 4])
        #expect(logs.last?.message == "Job completed")
    }

    @Test func jobOnBuiltInStorageEndsAtOnce() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let job = try h.result(Job.self, await h.send("POST", h.base(.legacy) + "/instances/docs/jobs"))
        #expect(!job.isRunning && job.endReason == "completed")
    }

    @Test(arguments: PathStyle.allCases)
    func cancelEndsARunningJobAndRefusesAnEndedOne(style: PathStyle) async throws {
        let h = try Harness()
        try await h.createInstance("bucket", style: style, extra: #","type":"r2","source":"b""#)
        let base = h.base(style) + "/instances/bucket/jobs"
        let job = try h.result(Job.self, await h.send("POST", base, json: "{}"))
        let cancelled = try h.result(Job.self, await h.send("PATCH", base + "/\(job.id)", json: #"{"action":"cancel"}"#))
        #expect(cancelled.endReason == "cancelled" && cancelled.endedAt != nil)
        let again = try h.error(await h.send("PATCH", base + "/\(job.id)", json: #"{"action":"cancel"}"#), status: 400)
        #expect(again.code == 1004)
        #expect(try h.error(await h.send("PATCH", base + "/\(job.id)", json: #"{"action":"pause"}"#), status: 400).code == 1001)
        let logs = try h.result([JobLog].self, await h.send("GET", base + "/\(job.id)/logs"))
        #expect(logs.last?.message == "Job cancelled by user")
    }

    @Test func jobListPagesNewestFirst() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        var ids: [String] = []
        for _ in 0..<3 {
            ids.append(try h.result(Job.self, await h.send("POST", h.base(.namespaced) + "/instances/docs/jobs")).id)
            h.clock.advance(by: .seconds(31))
        }
        let page = try h.envelope([Job].self, await h.send("GET", h.base(.namespaced) + "/instances/docs/jobs",
                                                           query: [("per_page", "2")]))
        #expect(page.result?.map(\.id) == [ids[2], ids[1]])
        #expect(page.resultInfo?.totalCount == 3)
        #expect(try h.error(await h.send("GET", h.base(.namespaced) + "/instances/docs/jobs/nope"), status: 404).code == 7003)
    }
}

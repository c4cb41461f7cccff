import AISearchAPI
import Foundation
import Testing
@testable import Emulator

struct PersistenceTests {
    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func stateSurvivesARestart() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Harness { $0.dataDirectory = directory }
        try await first.createInstance("docs", extra: #","custom_metadata":[{"field_name":"sha","data_type":"text"}]"#)
        let item = try await first.uploaded("docs", key: "keep/me.md", text: "kept words", metadata: #"{"sha":"s1"}"#)
        await first.emulator.settleAll()
        let job = try first.result(Job.self, await first.send("POST", first.base(.namespaced) + "/instances/docs/jobs"))
        await first.emulator.shutdown()

        let second = try Harness { $0.dataDirectory = directory }
        let items = await second.emulator.items(instance: "docs")
        #expect(items.map(\.id) == [item.id])
        #expect(items.first?.status == .completed && items.first?.metadata?["sha"] == .string("s1"))
        #expect(items.first?.checksum == item.checksum)
        #expect(await second.emulator.content(ofItem: item.id) == Array("kept words".utf8))
        let chunks = try second.result([ItemChunk].self,
                                       await second.send("GET", second.base(.namespaced) + "/instances/docs/items/\(item.id)/chunks"))
        #expect(chunks.map(\.text) == ["kept words"])
        _ = try second.result(Job.self, await second.send("GET", second.base(.namespaced) + "/instances/docs/jobs/\(job.id)"))
        let replaced = try await second.uploaded("docs", key: "keep/me.md", text: "new words")
        #expect(replaced.id == item.id)
    }

    @Test func changesAreSavedWithoutAnExplicitShutdown() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Harness { $0.dataDirectory = directory; $0.saveDebounce = .milliseconds(10) }
        try await first.createInstance("auto")
        let stateFile = directory + "/state.json"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !(FileManager.default.contents(atPath: stateFile).map { String(decoding: $0, as: UTF8.self).contains("auto") } ?? false) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let second = try Harness { $0.dataDirectory = directory }
        #expect(try second.result([Instance].self, await second.send("GET", second.base(.namespaced) + "/instances")).map(\.id) == ["auto"])
    }

    @Test func deletedItemContentFileIsRemoved() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let h = try Harness { $0.dataDirectory = directory }
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "x.md", text: "x")
        #expect(FileManager.default.fileExists(atPath: directory + "/contents/\(item.id)"))
        _ = await h.send("DELETE", h.base(.namespaced) + "/instances/docs/items/\(item.id)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/contents/\(item.id)"))
    }
}

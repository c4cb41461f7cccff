import AISearchAPI
import Foundation
import HTTPServer
import Testing
@testable import Emulator

struct ItemTests {
    let items = "/instances/docs/items"

    @Test func uploadOfAnExistingKeyReplacesContentAndKeepsTheID() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let first = try await h.uploaded("docs", key: "notes/a.md", text: "one")
        await h.emulator.settleAll()
        h.clock.advance(by: .seconds(10))
        let second = try await h.uploaded("docs", key: "notes/a.md", text: "two, longer")
        #expect(second.id == first.id)
        #expect(second.createdAt == first.createdAt)
        #expect(second.fileSize == 11 && second.status == .queued)
        #expect(second.checksum != first.checksum)
        let all = await h.emulator.items(instance: "docs")
        #expect(all.count == 1)
        #expect(await h.emulator.content(ofItem: first.id) == Array("two, longer".utf8))
    }

    @Test func listFiltersByKeyIDSourceStatusAndSearch() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let a = try await h.uploaded("docs", key: "guide/a.md", text: "a")
        _ = try await h.uploaded("docs", key: "guide/b.md", text: "b")
        _ = try await h.uploaded("docs", key: "video.mov", text: "c")
        await h.emulator.settleAll()
        let path = h.base(.namespaced) + items
        func keys(_ query: [(String, String)]) async throws -> [String] {
            try h.result([Item].self, await h.send("GET", path, query: query)).map(\.key).sorted()
        }
        #expect(try await keys([("key", "guide/a.md")]) == ["guide/a.md"])
        #expect(try await keys([("item_id", a.id)]) == ["guide/a.md"])
        #expect(try await keys([("source", "builtin")]).count == 3)
        #expect(try await keys([("source", "r2:bucket")]).isEmpty)
        #expect(try await keys([("status", "skipped")]) == ["video.mov"])
        #expect(try await keys([("search", "guide/")]) == ["guide/a.md", "guide/b.md"])
        #expect(try h.error(await h.send("GET", path, query: [("status", "done")]), status: 400).code == 1001)
        #expect(try h.error(await h.send("GET", path, query: [("sort_by", "size")]), status: 400).code == 1001)
    }

    @Test func sortByModifiedAtPutsTheNewestFirst() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        for key in ["old.md", "mid.md", "new.md"] {
            _ = try await h.uploaded("docs", key: key, text: key)
            h.clock.advance(by: .seconds(1))
        }
        let sorted = try h.result([Item].self, await h.send("GET", h.base(.namespaced) + items, query: [("sort_by", "modified_at")]))
        #expect(sorted.map(\.key) == ["new.md", "mid.md", "old.md"])
    }

    /// The order of an unfiltered listing is cached between pages; any change to the items must
    /// show on the next page asked for.
    @Test func pagedListingSeesChangesMadeBetweenPages() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        for key in ["a.md", "b.md", "c.md"] { _ = try await h.uploaded("docs", key: key, text: key) }
        await h.emulator.settleAll()
        func page(_ number: Int, sort: String = "modified_at") async throws -> [String] {
            try h.result([Item].self, await h.send("GET", h.base(.namespaced) + items,
                                                   query: [("sort_by", sort), ("page", "\(number)"), ("per_page", "2")])).map(\.key)
        }
        #expect(try await page(1) == ["a.md", "b.md"])
        h.clock.advance(by: .seconds(1))
        _ = try await h.uploaded("docs", key: "d.md", text: "newest")
        #expect(try await page(1) == ["d.md", "a.md"], "the new item sorts first")
        let d = try await h.uploaded("docs", key: "d.md", text: "newest")
        _ = await h.send("DELETE", h.base(.namespaced) + items + "/\(d.id)")
        await h.emulator.settleAll()
        #expect(try await page(1) == ["a.md", "b.md"], "the deleted item is gone")
        #expect(try await page(2) == ["c.md"])
        #expect(try await page(1, sort: "status") == ["a.md", "b.md"], "another order is not served from the cache")
    }

    @Test func metadataKeepsDeclaredFieldsAndBuiltIns() async throws {
        let h = try Harness()
        try await h.createInstance("docs", extra: #","custom_metadata":[{"field_name":"sha","data_type":"text"}]"#)
        let item = try await h.uploaded("docs", key: "dir/sub/x.md", text: "x", metadata: #"{"sha":"abc123","secret":"dropped"}"#)
        let metadata = try #require(item.metadata)
        #expect(metadata["sha"] == .string("abc123"))
        #expect(metadata["secret"] == nil)
        #expect(metadata["filename"] == .string("dir/sub/x.md"))
        #expect(metadata["folder"] == .string("dir/sub/"))
        #expect(metadata["timestamp"] == .int(1_735_689_600_000))
        let filtered = try h.result([Item].self, await h.send("GET", h.base(.namespaced) + items,
                                                             query: [("metadata_filter", #"{"sha":"abc123"}"#)]))
        #expect(filtered.map(\.id) == [item.id])
        let none = try h.result([Item].self, await h.send("GET", h.base(.namespaced) + items,
                                                         query: [("metadata_filter", #"{"sha":{"$in":["zzz"]}}"#)]))
        #expect(none.isEmpty)
        #expect(try h.error(await h.send("GET", h.base(.namespaced) + items, query: [("metadata_filter", "[1]")]),
                            status: 400).code == 1001)
        #expect(try h.error(await h.upload("docs", key: "y.md", content: [0x79], metadata: "[1]"), status: 400).code == 1001)
    }

    @Test(arguments: [0, 50, 51])
    func paginationCoversEveryItemExactlyOnce(count: Int) async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        for index in 0..<count { _ = try await h.uploaded("docs", key: "f\(index).txt", text: "\(index)") }
        var seen: [String] = []
        var page = 1
        while true {
            let answer = try h.envelope([Item].self, await h.send("GET", h.base(.namespaced) + items,
                                                                 query: [("page", String(page)), ("per_page", "50")]))
            let result = try #require(answer.result)
            #expect(answer.resultInfo?.totalCount == count)
            #expect(answer.resultInfo?.perPage == 50 && answer.resultInfo?.page == page)
            #expect(answer.resultInfo?.count == result.count)
            if result.isEmpty { break }
            seen += result.map(\.key)
            page += 1
        }
        #expect(seen.count == count && Set(seen).count == count)
        #expect(page == (count + 49) / 50 + 1)
    }

    @Test(arguments: [("page", "0"), ("per_page", "0"), ("per_page", "51"), ("page", "x")])
    func pagingOutsideTheLimitsIs400(name: String, value: String) async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        #expect(try h.error(await h.send("GET", h.base(.namespaced) + items, query: [(name, value)]), status: 400).code == 1001)
    }

    @Test func uploadLimits() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let limit = 4 * 1024 * 1024
        #expect(try h.error(await h.upload("docs", key: "big.txt", content: [UInt8](repeating: 0x61, count: limit + 1)),
                            status: 413).code == 1003)
        _ = try h.result(Item.self, await h.upload("docs", key: "max.txt", content: [UInt8](repeating: 0x61, count: limit)))
        let longKey = String(repeating: "k", count: 126) + ".md"
        #expect(try h.error(await h.upload("docs", key: longKey, content: [0x61]), status: 400).code == 1001)
        _ = try h.result(Item.self, await h.upload("docs", key: String(longKey.dropFirst()), content: [0x61]))
        let notMultipart = await h.send("POST", h.base(.namespaced) + items, json: "{}")
        #expect(try h.error(notMultipart, status: 400).code == 1001)
    }

    @Test func lifecycleFollowsTheClock() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "a.md", text: "alpha beta")
        #expect(item.status == .queued && item.nextAction == .index && item.chunksCount == nil)
        let path = h.base(.namespaced) + items + "/\(item.id)"
        h.clock.advance(by: .seconds(1))
        #expect(try h.result(Item.self, await h.send("GET", path)).status == .running)
        h.clock.advance(by: .seconds(1))
        let done = try h.result(Item.self, await h.send("GET", path))
        #expect(done.status == .completed && done.nextAction == nil && done.chunksCount == 1)
        #expect(done.lastSeenAt == "2025-01-01T00:00:02.000Z")
        let logs = try h.result([ItemLog].self, await h.send("GET", path + "/logs"))
        #expect(logs.first?.action == "index" && logs.first?.chunkCount == 1)
    }

    @Test func unsupportedTypeEndsSkippedWithAReason() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "clip.mp4", text: "binary")
        await h.emulator.settleAll()
        let path = h.base(.namespaced) + items + "/\(item.id)"
        #expect(try h.result(Item.self, await h.send("GET", path)).status == .skipped)
        let logs = try h.result([ItemLog].self, await h.send("GET", path + "/logs"))
        #expect(logs.first?.errorType == "UNSUPPORTED_FILE_TYPE")
        #expect(logs.first?.message?.contains(".mp4") == true)
    }

    @Test func invalidUTF8InATextTypeEndsInError() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try h.result(Item.self, await h.upload("docs", key: "bad.md", content: [0x66, 0xff, 0xfe]))
        await h.emulator.settleAll()
        let settled = try h.result(Item.self, await h.send("GET", h.base(.namespaced) + items + "/\(item.id)"))
        #expect(settled.status == .error)
        #expect(settled.error?.contains("UTF-8") == true)
    }

    @Test func configuredFailingKeyEndsInError() async throws {
        let h = try Harness { $0.failingKeys = ["doomed.txt"] }
        try await h.createInstance("docs")
        _ = try await h.uploaded("docs", key: "doomed.txt", text: "fine text")
        await h.emulator.settleAll()
        let item = try #require(await h.emulator.items(instance: "docs").first)
        #expect(item.status == .error && item.error != nil)
    }

    @Test func waitForCompletionHoldsUntilTheItemSettles() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let response = await h.advancing(by: .seconds(2)) {
            await h.upload("docs", key: "w.md", content: Array("wait".utf8), wait: true)
        }
        let item = try h.result(Item.self, response)
        #expect(item.status == .completed && item.chunksCount == 1)
    }

    @Test func waitForCompletionTimesOutWithTheItemRunning() async throws {
        let h = try Harness { $0.processingDelay = .seconds(60) }
        try await h.createInstance("docs")
        let response = await h.advancing(by: .seconds(5)) {
            await h.upload("docs", key: "slow.md", content: Array("wait".utf8), wait: true)
        }
        #expect(try h.result(Item.self, response).status == .running)
    }

    @Test func syncWithWaitSettles() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "s.md", text: "sync me")
        let path = h.base(.legacy) + items + "/\(item.id)"
        let response = await h.advancing(by: .seconds(2)) {
            await h.send("PATCH", path, json: #"{"next_action":"INDEX","wait_for_completion":true}"#)
        }
        #expect(try h.result(Item.self, response).status == .completed)
        #expect(try h.error(await h.send("PATCH", path, json: #"{"next_action":"DELETE"}"#), status: 400).code == 1001)
    }

    @Test(arguments: EmulatorConfiguration.ChecksumMode.allCases)
    func checksumFollowsTheConfiguredMode(mode: EmulatorConfiguration.ChecksumMode) async throws {
        let h = try Harness { $0.checksumMode = mode }
        try await h.createInstance("docs")
        let content = Array("checksum me".utf8)
        let first = try h.result(Item.self, await h.upload("docs", key: "c.md", content: content))
        switch mode {
        case .md5: #expect(first.checksum == Digests.hex(Digests.md5(content)))
        case .sha256: #expect(first.checksum == Digests.hex(Digests.sha256(content)))
        case .opaque:
            #expect(first.checksum != Digests.hex(Digests.md5(content)))
            #expect(first.checksum != Digests.hex(Digests.sha256(content)))
        }
        let changed = try h.result(Item.self, await h.upload("docs", key: "c.md", content: content + [0x21]))
        #expect(changed.checksum != first.checksum)
        let again = try h.result(Item.self, await h.upload("docs", key: "c.md", content: content))
        #expect(again.checksum == first.checksum)
    }

    @Test func putOnBuiltInStorageNeedsUploadedContent() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let path = h.base(.namespaced) + items
        #expect(try h.error(await h.send("PUT", path, json: #"{"key":"never.md","next_action":"INDEX"}"#), status: 404).code == 7003)
        let item = try await h.uploaded("docs", key: "have.md", text: "x")
        await h.emulator.settleAll()
        let requeued = try h.result(Item.self, await h.send("PUT", path, json: #"{"key":"have.md","next_action":"INDEX"}"#))
        #expect(requeued.id == item.id && requeued.status == .queued)
        #expect(try h.error(await h.send("PUT", path, json: #"{"key":"have.md"}"#), status: 400).code == 1001)
    }

    @Test func putOnAnExternalSourceCreatesTheItem() async throws {
        let h = try Harness()
        try await h.createInstance("bucket", extra: #","type":"r2","source":"my-bucket""#)
        // An R2-backed instance indexes the bucket's object under the key (R2BucketTests).
        h.emulator.r2Buckets.putObject(bucket: "my-bucket", key: "remote.md", bytes: Array("remote".utf8))
        let path = h.base(.namespaced) + "/instances/bucket/items"
        let item = try h.result(Item.self, await h.send("PUT", path, json: #"{"key":"remote.md","next_action":"INDEX"}"#))
        #expect(item.sourceID == "r2:my-bucket" && item.fileSize == 6)
        let again = try h.result(Item.self, await h.send("PUT", path, json: #"{"key":"remote.md","next_action":"INDEX"}"#))
        #expect(again.id == item.id)
    }

    @Test func deletedItemLingersWithDeleteActionThenDisappears() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "gone.md", text: "bye")
        await h.emulator.settleAll()
        let path = h.base(.namespaced) + items + "/\(item.id)"
        #expect(try h.result(DeletedItem.self, await h.send("DELETE", path)).key == "gone.md")
        #expect(try h.result(Item.self, await h.send("GET", path)).nextAction == .delete)
        #expect(await h.send("GET", path + "/download").status == 404)
        h.clock.advance(by: .seconds(2))
        #expect(try h.error(await h.send("GET", path), status: 404).code == 7003)
        #expect(await h.emulator.items(instance: "docs").isEmpty)
    }

    @Test func reuploadDuringDeleteRevivesTheSameItem() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "back.md", text: "one")
        _ = await h.send("DELETE", h.base(.namespaced) + items + "/\(item.id)")
        let revived = try await h.uploaded("docs", key: "back.md", text: "two")
        #expect(revived.id == item.id && revived.nextAction == .index)
        await h.emulator.settleAll()
        #expect(await h.emulator.items(instance: "docs").map(\.status) == [.completed])
    }

    @Test func logsPageWithACursorAndChunksWithLimitAndOffset() async throws {
        let h = try Harness()
        try await h.createInstance("docs", extra: #","chunk_size":2,"chunk_overlap":0"#)
        let item = try await h.uploaded("docs", key: "words.txt", text: "one two three four five")
        for _ in 0..<3 {
            await h.emulator.settleAll()
            _ = await h.send("PATCH", h.base(.namespaced) + items + "/\(item.id)", json: #"{"next_action":"INDEX"}"#)
        }
        await h.emulator.settleAll()
        let path = h.base(.namespaced) + items + "/\(item.id)"
        var cursor: String? = nil
        var all: [ItemLog] = []
        repeat {
            let query = [("limit", "3")] + (cursor.map { [("cursor", $0)] } ?? [])
            let page = try h.envelope([ItemLog].self, await h.send("GET", path + "/logs", query: query))
            all += page.result ?? []
            cursor = page.resultInfo?.cursor
        } while cursor != nil
        #expect(all.count == 8)
        let chunks = try h.result([ItemChunk].self, await h.send("GET", path + "/chunks", query: [("limit", "2"), ("offset", "1")]))
        // KeywordIndex chunks cover every byte: a chunk keeps the spaces after its last word.
        #expect(chunks.map(\.text) == ["three four ", "five"])
        #expect(chunks.first?.startByte == 8 && chunks.first?.endByte == 19)
        #expect(chunks.first?.item.key == "words.txt")
        #expect(try h.error(await h.send("GET", path + "/chunks", query: [("limit", "0")]), status: 400).code == 1001)
    }
}

import AISearchAPI
import Emulator
import Testing

/// The emulator's search endpoints over real HTTP, driven by the real client.
@Suite struct SearchEndpointTests {
    static func options(max: Int? = nil, mode: RetrievalOptions.KeywordMatchMode? = nil,
                        type: RetrievalOptions.RetrievalType? = nil) -> SearchOptions {
        SearchOptions(retrieval: RetrievalOptions(maxNumResults: max, retrievalType: type, keywordMatchMode: mode))
    }

    func upload(_ h: EmulatorHarness, _ key: String, _ text: String, instance: String = "docs") async throws -> Item {
        try await h.client.uploadItem(to: instance, key: key, contents: Array(text.utf8), waitForCompletion: true)
    }

    @Test(arguments: ClientConfiguration.PathStyle.allCases)
    func rareWordRanksFirstUnderBothPathStyles(style: ClientConfiguration.PathStyle) async throws {
        let h = try EmulatorHarness(pathStyle: style)
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        _ = try await upload(h, "common.md", "the cat sat on the mat with the other cat")
        _ = try await upload(h, "rare.md", "the cat met a narwhal in the sea")
        _ = try await upload(h, "plain.md", "the dog barked")
        let result = try await h.client.search(SearchRequest(query: "narwhal cat", options: Self.options(mode: .or)), in: "docs")
        #expect(result.chunks.map(\.itemKey) == ["rare.md", "common.md"])
        #expect(result.queryKind == "text" && result.searchQuery == "narwhal cat")
        let top = try #require(result.chunks.first)
        #expect(top.score == 1 && top.type == "text" && top.scoringDetails?.keywordRank == 1)
        #expect((top.scoringDetails?.keywordScore ?? 0) > (result.chunks[1].scoringDetails?.keywordScore ?? 0))
        #expect(top.item?.timestamp != nil && top.item?.metadata?["filename"] == .string("rare.md"))
    }

    @Test func andRequiresEveryWordOrAcceptsAny() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        _ = try await upload(h, "both.md", "apples and pears")
        _ = try await upload(h, "one.md", "apples only")
        let and = try await h.client.search(SearchRequest(query: "apples pears"), in: "docs")
        #expect(and.chunks.map(\.itemKey) == ["both.md"])
        let or = try await h.client.search(SearchRequest(query: "apples pears", options: Self.options(mode: .or)), in: "docs")
        #expect(Set(or.chunks.compactMap(\.itemKey)) == ["both.md", "one.md"])
        let limited = try await h.client.search(SearchRequest(query: "apples", options: Self.options(max: 1)), in: "docs")
        #expect(limited.chunks.count == 1)
        let vector = try await h.client.search(SearchRequest(query: "apples pears", options: Self.options(type: .hybrid)), in: "docs")
        #expect(vector.chunks.map(\.itemKey) == ["both.md"])
    }

    @Test func onlyCompletedItemsAreFound() async throws {
        let h = try EmulatorHarness(processingDelay: .seconds(600))
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        let queued = try await h.client.uploadItem(to: "docs", key: "q.md", contents: Array("zebra stripes".utf8))
        #expect(queued.status == .queued)
        #expect(try await h.client.search(SearchRequest(query: "zebra"), in: "docs").chunks.isEmpty)
        await h.server.emulator.settleAll()
        let found = try await h.client.search(SearchRequest(query: "zebra"), in: "docs")
        #expect(found.chunks.map(\.itemKey) == ["q.md"])
        let chunks = try await h.client.itemChunks(queued.id, in: "docs").items
        #expect(chunks.map(\.id) == found.chunks.map(\.id) && chunks.map(\.text) == found.chunks.map(\.text))
    }

    @Test func reuploadReplacesAndDeleteRemoves() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        let first = try await upload(h, "note.md", "old walrus")
        #expect(try await h.client.search(SearchRequest(query: "walrus"), in: "docs").chunks.count == 1)
        _ = try await upload(h, "note.md", "new penguin")
        #expect(try await h.client.search(SearchRequest(query: "walrus"), in: "docs").chunks.isEmpty)
        #expect(try await h.client.search(SearchRequest(query: "penguin"), in: "docs").chunks.map(\.itemKey) == ["note.md"])
        _ = try await h.client.deleteItem(first.id, in: "docs")
        #expect(try await h.client.search(SearchRequest(query: "penguin"), in: "docs").chunks.isEmpty)
        await h.server.emulator.settleAll()
        #expect(try await h.client.search(SearchRequest(query: "penguin"), in: "docs").chunks.isEmpty)
    }

    @Test func namespaceSearchSpansInstancesAndRequiresInstanceIDs() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "alpha")
        _ = try await h.client.createInstance(id: "beta")
        _ = try await upload(h, "a.md", "shared word kelp", instance: "alpha")
        _ = try await upload(h, "b.md", "shared word kelp kelp", instance: "beta")
        let result = try await h.client.searchNamespace(SearchRequest(query: "kelp"), instanceIDs: ["alpha", "beta"])
        #expect(Set(result.chunks.compactMap(\.instanceID)) == ["alpha", "beta"])
        #expect(result.chunks.map { $0.scoringDetails?.keywordRank } == [1, 2] && result.chunks.first?.score == 1)
        await #expect(throws: APIError.self) {
            _ = try await h.client.searchNamespace(SearchRequest(query: "kelp"), instanceIDs: [])
        }
    }
}

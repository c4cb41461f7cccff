import AISearchAPI
import Foundation
import Testing
@testable import Emulator

/// The NFC and NFD spellings of `café.md`: one name to Swift's `String` equality, two keys to the
/// service, so two items that every lookup, filter and delete keeps apart.
@Suite struct UnicodeTwinItemTests {
    /// 63 61 66 C3 A9 2E 6D 64.
    static let composed = "caf\u{E9}.md"
    /// 63 61 66 65 CC 81 2E 6D 64.
    static let decomposed = "cafe\u{301}.md"
    let items = "/instances/docs/items"

    /// An instance holding both twins, each with its own name as content.
    func twins() async throws -> (harness: Harness, composed: Item, decomposed: Item) {
        let h = try Harness()
        try await h.createInstance("docs")
        let composed = try await h.uploaded("docs", key: Self.composed, text: "composed")
        let decomposed = try await h.uploaded("docs", key: Self.decomposed, text: "decomposed")
        await h.emulator.settleAll()
        return (h, composed, decomposed)
    }

    /// The keys of a listing with `query`, as bytes.
    func listedKeys(_ h: Harness, _ query: [(String, String)]) async throws -> [[UInt8]] {
        try h.result([Item].self, await h.send("GET", h.base(.namespaced) + items, query: query)).map { Array($0.key.utf8) }
    }

    @Test func uploadingBothTwinsMakesTwoItems() async throws {
        let (h, composed, decomposed) = try await twins()
        #expect(composed.id != decomposed.id)
        #expect(Array(composed.key.utf8) == Array(Self.composed.utf8))
        #expect(Array(decomposed.key.utf8) == Array(Self.decomposed.utf8))
        // Sorted by bytes: 65 CC 81 (NFD) before C3 A9 (NFC).
        #expect(await h.emulator.items(instance: "docs").map { Array($0.key.utf8) }
            == [Array(Self.decomposed.utf8), Array(Self.composed.utf8)])
        #expect(await h.emulator.content(ofItem: composed.id) == Array("composed".utf8))
        #expect(await h.emulator.content(ofItem: decomposed.id) == Array("decomposed".utf8))
    }

    @Test(arguments: [UnicodeTwinItemTests.composed, UnicodeTwinItemTests.decomposed])
    func aKeyFilterFindsOnlyItsOwnSpelling(key: String) async throws {
        let (h, _, _) = try await twins()
        #expect(try await listedKeys(h, [("key", key)]) == [Array(key.utf8)])
        #expect(try await listedKeys(h, [("metadata_filter", "{\"filename\":\"\(key)\"}")]) == [Array(key.utf8)])
    }

    @Test func searchMatchesKeyBytes() async throws {
        let (h, _, _) = try await twins()
        #expect(try await listedKeys(h, [("search", "e\u{301}")]) == [Array(Self.decomposed.utf8)])
        #expect(try await listedKeys(h, [("search", "\u{E9}")]) == [Array(Self.composed.utf8)])
    }

    @Test func deletingOneTwinLeavesTheOther() async throws {
        let (h, composed, decomposed) = try await twins()
        _ = try h.result(DeletedItem.self, await h.send("DELETE", h.base(.namespaced) + items + "/\(composed.id)"))
        await h.emulator.settleAll()
        let left = await h.emulator.items(instance: "docs")
        #expect(left.map(\.id) == [decomposed.id])
        #expect(await h.emulator.content(ofItem: decomposed.id) == Array("decomposed".utf8))
        #expect(try await listedKeys(h, [("key", Self.composed)]).isEmpty)
        // Uploading the deleted spelling again makes a new item; the twin keeps its own.
        let again = try await h.uploaded("docs", key: Self.composed, text: "composed again")
        #expect(again.id != decomposed.id && again.id != composed.id)
        #expect(await h.emulator.items(instance: "docs").count == 2)
    }

    /// A name may start with a combining mark, which as a `Character` fuses with the `/` before it.
    @Test func aKeyIsCutIntoFolderAndNameAtTheSlashByte() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        let item = try await h.uploaded("docs", key: "dir/\u{301}x.md", text: "x")
        #expect(item.metadata?["folder"] == .string("dir/"))
        await h.emulator.settleAll()
        #expect(await h.emulator.items(instance: "docs").first?.status == .completed, "indexed as Markdown")
    }
}

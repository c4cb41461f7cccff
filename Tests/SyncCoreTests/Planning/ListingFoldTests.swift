import AISearchAPI
import Foundation
import Hashing
import LinuxSystem
import Testing
@testable import AISearchAPI
@testable import SyncCore

/// A listing folded into the state takes an item only while it is the one listed item of its
/// key, exactly as its row records it, and ours; the same rules whether it is shown the page's
/// bytes or a decoded item.
@Suite struct ListingFoldTests {
    static let rules = TreeScanner.Settling(keyPrefix: "", itemSource: "builtin", owner: "me")
    static let instance = RecordedInstance(namespace: "default", itemSource: "builtin")

    /// Rows a.md and b.md, each recording its item (ids A and B) holding its content.
    static func state() -> SyncState {
        var state = SyncState(scope: testScope, checksumKind: .sha256)
        for name in ["a", "b"] {
            let content = SHA256.hash(Array(name.utf8))
            state.entries[ItemKey("\(name).md")] = StateEntry(
                path: FilePathBytes("\(name).md"), sha256: content,
                remote: RemoteRecord(itemID: "0474ef3e-27aa-4aac-a054-875ba7c2ac0\(name)", checksum: content.hex, status: .completed,
                                     contentSHA256: content))
        }
        return state
    }

    /// The item row `name` records, as listed.
    static func listed(_ name: String) -> Item {
        let entry = state().entries[ItemKey("\(name).md")]!
        var item = instance.item(ItemKey("\(name).md"), entry)!
        item.createdAt = "2026-12-01T00:00:00.000Z"
        return item
    }

    /// Shows `items` to `fold` as one page's bytes, or one by one decoded: the items it left.
    static func show(_ items: [Item], to fold: inout ListingFold, asPage: Bool) throws -> [Item] {
        guard asPage else { return items.filter { !fold.consumes($0) } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let page = Array(try encoder.encode(Envelope(success: true, result: items)))
        return try #require(ItemPageReader.envelope(page, comparedFields: ClientItemStore.comparedListing.comparedFields, folding: &fold))
            .envelope.result ?? []
    }

    static func row(_ name: String) -> Int { state().entries.rowNumber(of: ItemKey("\(name).md"))! }

    @Test(arguments: [false, true])
    func itemsAsRecordedAreTakenAndTheOthersLeft(asPage: Bool) throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        var changed = Self.listed("b")
        changed.checksum = String(repeating: "0", count: 64)
        let foreign = Item(id: "f", key: "c.md", checksum: "x", createdAt: "", lastSeenAt: "", namespace: "default", sourceID: "builtin", status: .completed)
        let left = try Self.show([Self.listed("a"), changed, foreign], to: &fold, asPage: asPage)
        #expect(left.map(\.id) == [changed.id, "f"])
        #expect(fold.rows.count == 1)
        #expect(fold.rows.contains(Self.row("a")))
        #expect(fold.takenBack.isEmpty)
    }

    /// Each of these makes an item not the one its row records, or not ours.
    static let notAsRecorded: [(String, @Sendable (inout Item) -> Void)] = [
        ("another status", { $0.status = .queued }),
        ("another checksum", { $0.checksum = "ab" + $0.checksum.dropFirst(2) }),
        ("no checksum", { $0.checksum = "" }),
        ("another id", { $0.id = "0474ef3e-27aa-4aac-a054-875ba7c2acff" }),
        ("another writer's marker", { $0.metadata = [SyncMetadata.ownerField: .string("someone-else")] }),
        ("a declared digest", { $0.metadata = [SyncMetadata.sha256Field: .string(SHA256.hash(Array("a".utf8)).hex)] }),
        ("another source", { $0.sourceID = "r2:bucket" }),
        ("no source", { $0.sourceID = nil }),
        ("being deleted", { $0.nextAction = .delete }),
    ]

    @Test(arguments: [false, true])
    func anItemNotAsRecordedIsLeft(asPage: Bool) throws {
        for (name, change) in Self.notAsRecorded {
            var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
            var item = Self.listed("a")
            change(&item)
            #expect(try Self.show([item], to: &fold, asPage: asPage).count == 1, "\(name)")
            #expect(fold.rows.isEmpty, "\(name)")
        }
    }

    @Test(arguments: [false, true])
    func ourMarkerOrAnEmptyOneIsStillOurs(asPage: Bool) throws {
        for marker in ["me", ""] {
            var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
            var item = Self.listed("a")
            item.metadata = [SyncMetadata.ownerField: .string(marker), "filename": .string("a.md")]
            #expect(try Self.show([item], to: &fold, asPage: asPage).isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func aSecondItemUnderAFoldedKeyTakesTheRowBackForGood(asPage: Bool) throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        var duplicate = Self.listed("a")
        duplicate.id = "0474ef3e-27aa-4aac-a054-875ba7c2acdd"
        let left = try Self.show([Self.listed("a"), duplicate, Self.listed("a")], to: &fold, asPage: asPage)
        // The duplicate is left, and so is the recorded item listed after it; the one taken
        // first is given back (the round keeps one copy of an id).
        #expect(left.map(\.id) == [duplicate.id, Self.listed("a").id])
        #expect(!fold.rows.contains(Self.row("a")))
        #expect(fold.takenBack == [Self.row("a")])
        #expect(fold.itemsTakenBack.map(\.id) == [Self.listed("a").id])
    }

    @Test(arguments: [false, true])
    func theSameItemListedAgainStaysTakenUnlessItChanged(asPage: Bool) throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        #expect(try Self.show([Self.listed("a"), Self.listed("a")], to: &fold, asPage: asPage).isEmpty)
        #expect(fold.rows.contains(Self.row("a")))
        // Listed again, changed (a shifting listing): the later copy stands, as an item.
        var later = Self.listed("a")
        later.status = .queued
        #expect(try Self.show([later], to: &fold, asPage: asPage).map(\.status) == [.queued])
        #expect(fold.rows.isEmpty)
        #expect(fold.takenBack.isEmpty, "the same item: nothing to give back")
    }

    @Test(arguments: [false, true])
    func aKeyWithAnItemLeftIsNeverFolded(asPage: Bool) throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        var duplicate = Self.listed("a")
        duplicate.id = "0474ef3e-27aa-4aac-a054-875ba7c2acdd"
        #expect(try Self.show([duplicate, Self.listed("a")], to: &fold, asPage: asPage).count == 2)
        #expect(fold.rows.isEmpty)
    }

    @Test(arguments: [false, true])
    func anotherSourcesItemUnderAFoldedKeyLeavesItFolded(asPage: Bool) throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        var other = Self.listed("a")
        other.id = "0474ef3e-27aa-4aac-a054-875ba7c2acee"
        other.sourceID = "r2:bucket"
        #expect(try Self.show([Self.listed("a"), other], to: &fold, asPage: asPage).map(\.id) == [other.id])
        #expect(fold.rows.contains(Self.row("a")))
    }

    @Test(arguments: [Item.Status.error, .outdated], [false, true])
    func anItemToReindexIsLeftForItsMessage(status: Item.Status, asPage: Bool) throws {
        var state = Self.state()
        let key = ItemKey("a.md")
        state.entries[key]?.remote?.status = status
        var fold = ListingFold(state: state, rules: Self.rules, instance: Self.instance)
        var item = Self.listed("a")
        item.status = status
        item.error = "the parser gave up"
        #expect(try Self.show([item], to: &fold, asPage: asPage).map(\.error) == ["the parser gave up"])
        #expect(fold.rows.isEmpty)
    }

    @Test(arguments: [false, true])
    func ourMarkerIsGivenBackWithTheItem(asPage: Bool) throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        var marked = Self.listed("a")
        marked.metadata = [SyncMetadata.ownerField: .string("me")]
        #expect(try Self.show([marked, Self.listed("b")], to: &fold, asPage: asPage).isEmpty)
        #expect(fold.marked.contains(Self.row("a")) && !fold.marked.contains(Self.row("b")))
        let items = fold.takeAllBack()
        #expect(items.first { $0.key == "a.md" }?.ownerMarker == "me")
        #expect(items.first { $0.key == "b.md" }?.ownerMarker == nil)
    }

    @Test func unfoldingGivesBackEveryTakenItemAsItsRowRecordsIt() throws {
        var fold = ListingFold(state: Self.state(), rules: Self.rules, instance: Self.instance)
        #expect(try Self.show([Self.listed("b"), Self.listed("a")], to: &fold, asPage: true).isEmpty)
        var listing = RemoteListing(items: [])
        listing.folded = fold.folded(revision: 3)
        let unfolded = listing.unfolded()
        #expect(unfolded.folded == nil)
        #expect(Set(unfolded.items.map(\.id)) == Set([Self.listed("a").id, Self.listed("b").id]))
        for item in unfolded.items {
            let original = Self.listed(String(item.key.dropLast(3)))
            #expect(item.checksum == original.checksum && item.status == original.status && item.sourceID == original.sourceID)
        }
        #expect(fold.takeAllBack().count == 2)
        #expect(fold.rows.isEmpty)
    }
}

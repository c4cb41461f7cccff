import AISearchAPI
import Foundation
import LinuxSystem
import Testing
@testable import SyncCore

/// Two names that differ only in Unicode normalisation: equal as Swift strings (canonical
/// equivalence), two files on Linux, so two items with two keys.
enum Twins {
    /// NFC `café.md`: 63 61 66 C3 A9 2E 6D 64.
    static let composed = "caf\u{E9}.md"
    /// NFD `café.md`: 63 61 66 65 CC 81 2E 6D 64.
    static let decomposed = "cafe\u{301}.md"
}

@Suite struct UnicodeTwinTests {
    @Test func itemKeysOfTwinsAreUnequalAndHashApart() {
        #expect(Array(Twins.composed.utf8) == [0x63, 0x61, 0x66, 0xC3, 0xA9, 0x2E, 0x6D, 0x64])
        #expect(Array(Twins.decomposed.utf8) == [0x63, 0x61, 0x66, 0x65, 0xCC, 0x81, 0x2E, 0x6D, 0x64])
        #expect(Twins.composed == Twins.decomposed, "the premise: Swift compares strings by canonical equivalence")
        let composed = ItemKey(Twins.composed), decomposed = ItemKey(Twins.decomposed)
        #expect(composed != decomposed)
        #expect(composed.hashValue != decomposed.hashValue)
        #expect(Set([composed, decomposed]).count == 2)
        var table: [ItemKey: Int] = [:]  // not a literal: a regression would trap on its duplicate keys
        table[composed] = 1
        table[decomposed] = 2
        #expect(table.count == 2)
        #expect(composed == ItemKey(String(decoding: Array(Twins.composed.utf8), as: UTF8.self)))
    }

    @Test func itemKeysSortByBytes() {
        // By bytes: cafe·CC81 (65) < caff (66) < caf·C3A9. As strings the twins tie and both sort after caff.
        let keys = [ItemKey(Twins.composed), ItemKey("caff.md"), ItemKey(Twins.decomposed)]
        #expect(keys.sorted().map { Array($0.rawValue.utf8) }
            == [Array(Twins.decomposed.utf8), Array("caff.md".utf8), Array(Twins.composed.utf8)])
        #expect(ItemKey(Twins.decomposed) < ItemKey(Twins.composed))
        #expect(!(ItemKey(Twins.composed) < ItemKey(Twins.decomposed)))
    }

    @Test func thePrefixOfAKeyIsMatchedByBytes() {
        #expect(ItemKey("cafe\u{301}/a.md").hasPrefix("cafe\u{301}/"))
        #expect(!ItemKey("cafe\u{301}/a.md").hasPrefix("caf\u{E9}/"))
    }

    @Test func twinsMapToTwoKeysWithoutAConflict() throws {
        let composed = FilePathBytes(Twins.composed), decomposed = FilePathBytes(Twins.decomposed)
        let result = try KeyMapper(prefix: "docs").mapAll([composed, decomposed])
        #expect(result.conflicts.isEmpty)
        #expect(result.keys[composed].map { Array($0.rawValue.utf8) } == Array("docs/\(Twins.composed)".utf8))
        #expect(result.keys[decomposed].map { Array($0.rawValue.utf8) } == Array("docs/\(Twins.decomposed)".utf8))
    }

    @Test func aStateWithBothTwinsRoundTripsWithTwoEntries() throws {
        let composed = ItemKey(Twins.composed), decomposed = ItemKey(Twins.decomposed)
        var state = SyncState(scope: testScope)
        state.entries[composed] = StateEntry(path: FilePathBytes(Twins.composed), sha256: digest(1))
        state.entries[decomposed] = StateEntry(path: FilePathBytes(Twins.decomposed), sha256: digest(2))
        state.journal.enqueue(PendingOperation(key: composed, kind: .upload, contentSHA256: digest(1)))
        state.journal.enqueue(PendingOperation(key: decomposed, kind: .delete, itemID: "item-nfd"))
        #expect(state.entries.count == 2 && state.journal.pending.count == 2)

        let decoded = try StateFileCodec.decode(StateFileCodec.encode(state), expectedScope: testScope)
        #expect(decoded.entries.count == 2)
        #expect(decoded.entries[composed]?.path == FilePathBytes(Twins.composed))
        #expect(decoded.entries[composed]?.sha256 == digest(1))
        #expect(decoded.entries[decomposed]?.path == FilePathBytes(Twins.decomposed))
        #expect(decoded.entries[decomposed]?.sha256 == digest(2))
        #expect(decoded.journal.pending[composed]?.kind == .upload)
        #expect(decoded.journal.pending[decomposed]?.kind == .delete)
        #expect(decoded == state)
    }

    @Test func aPlanAgainstAnEmptyInstanceUploadsBothTwins() {
        let files = [file(Twins.composed, seed: 1), file(Twins.decomposed, seed: 2)]
        let plan = plan(local: LocalSnapshot(files: files), remote: RemoteListing(items: []), state: SyncState(scope: testScope),
                        options: defaultOptions)
        #expect(plan.uploads.map { Array($0.key.rawValue.utf8) }
            == [Array((prefix + Twins.decomposed).utf8), Array((prefix + Twins.composed).utf8)])
        #expect(plan.uploads.map(\.path) == [FilePathBytes(Twins.decomposed), FilePathBytes(Twins.composed)])
        #expect(plan.uploads.allSatisfy { $0.reason == .new })
    }

    @Test func anItemUnderTheOtherSpellingOfThePrefixIsNotOurs() {
        // Our prefix is the NFC folder; the NFD folder's item belongs to someone else and stays.
        let options = PlanOptions(keyPrefix: "caf\u{E9}/", nowNanoseconds: 5_000)
        let local = LocalFile(key: ItemKey("caf\u{E9}/b.md"), path: "b.md", status: status(), digests: [.sha256: digest(1).hex])
        let foreign = item("/cafe\u{301}/a.md")
        let plan = plan(local: LocalSnapshot(files: [local]), remote: RemoteListing(items: [foreign]), state: SyncState(scope: testScope),
                        options: options)
        #expect(plan.deletes.isEmpty && plan.withheldDeletes.isEmpty)
        #expect(plan.uploads.map(\.key) == [ItemKey("caf\u{E9}/b.md")])
    }

    @Test func aRoundUploadsBothTwinsAndReportsEachOnce() async throws {
        let fixture = try EngineFixture()
        try fixture.write(Twins.composed, "composed")
        try fixture.write(Twins.decomposed, "decomposed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).count == 2)
        let round = try await fixture.makeEngine().reconcile()
        #expect(round.isInSync)
        #expect(Set(round.report.uploaded) == [ItemKey(Twins.composed), ItemKey(Twins.decomposed)])
        #expect(Set(round.report.touched.keys) == [ItemKey(Twins.composed), ItemKey(Twins.decomposed)])
        #expect(await fixture.store.items.count == 2)
        // `--json` lists touched items, so both survive encoding.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(round.report)) as? [String: Any]
        #expect((json?["touched"] as? [Any])?.count == 2)
    }
}

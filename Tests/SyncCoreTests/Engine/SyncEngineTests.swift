import Hashing
import Testing
import Foundation
import AISearchAPI
import LinuxSystem
@testable import SyncCore

/// An in-memory instance at the `RemoteItemStore` seam: enough to check the engine's rounds
/// without HTTP (the end-to-end tests run the same engine against the emulator).
actor FakeItemStore: RemoteItemStore {
    var items: [String: (item: Item, content: [UInt8])] = [:]
    var calls: [String] = []
    private var nextID = 1

    /// Run once, the next time the instance is listed (before the items are read).
    private var onNextListing: (@Sendable () async -> Void)?
    func setOnNextListing(_ action: @escaping @Sendable () async -> Void) { onNextListing = action }

    func listAll() async throws -> [Item] {
        if let action = onNextListing {
            onNextListing = nil
            await action()
        }
        calls.append("list")
        return items.values.map(\.item).sorted { ItemKey($0.key) < ItemKey($1.key) }
    }

    func upload(key: ItemKey, contents: [UInt8], metadata: [String: JSONValue]?, waitForCompletion: Bool) async throws -> Item {
        calls.append("upload \(key)")
        let id = items.values.first { ItemKey($0.item.key) == key }?.item.id ?? { defer { nextID += 1 }; return "item-\(nextID)" }()
        let item = Item(id: id, key: key.rawValue, checksum: "opaque-\(contents.count)-\(SHA256.hash(contents).hex.prefix(6))",
                        createdAt: "2026-01-01T00:00:00Z", lastSeenAt: "2026-01-01T00:00:00Z", fileSize: Int64(contents.count),
                        metadata: metadata, namespace: "default", status: .completed)
        items[id] = (item, contents)
        return item
    }

    func reindex(itemID: String, waitForCompletion: Bool) async throws -> Item { calls.append("reindex \(itemID)"); return items[itemID]!.item }
    func delete(itemID: String) async throws { calls.append("delete \(itemID)"); items[itemID] = nil }
    func download(itemID: String) async throws -> [UInt8] { calls.append("download \(itemID)"); return items[itemID]!.content }
    func get(itemID: String) async throws -> Item { items[itemID]!.item }
    func lastLogMessage(itemID: String) async throws -> String? { nil }

    func contentsByKey() -> [String: String] {
        Dictionary(uniqueKeysWithValues: items.values.map { ($0.item.key, String(decoding: $0.content, as: UTF8.self)) })
    }
    func takeCalls() -> [String] { defer { calls = [] }; return calls }
}

struct EngineFixture {
    let root: URL
    let stateDirectory: URL
    let store = FakeItemStore()

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        root = base.appendingPathComponent("root")
        stateDirectory = base.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// `stateWrittenLater` stamps the state's writes that much in the future, as if the run had
    /// lasted that long: files written by the test are then past git's racy-timestamp window.
    func makeEngine(stateWrittenLater: Duration = .zero) async throws -> SyncEngine {
        let offset = stateWrittenLater.components.seconds * 1_000_000_000
        let state = StateStore(location: StateLocation(directory: FilePathBytes(stateDirectory.path)),
                               scope: StateScope(account: "acct", namespace: "default", instance: "docs"),
                               wallClock: { wallClockNanoseconds() + offset })
        _ = try await state.load()
        let mapper = try KeyMapper()
        let scanner = TreeScanner(root: FilePathBytes(root.path), keyMapper: mapper, policy: EligibilityPolicy())
        let executor = PlanExecutor(store: store, root: FilePathBytes(root.path), keyMapper: mapper)
        return SyncEngine(scanner: scanner, executor: executor, state: state, settings: .init())
    }
}

@Suite struct SyncEngineTests {
    @Test func firstSyncUploadsEligibleFilesAndReportsTheRest() async throws {
        let fixture = try EngineFixture()
        try fixture.write("a.md", "alpha")
        try fixture.write("sub/b.txt", "beta")
        try fixture.write("image.exe", "binary")
        let round = try await fixture.makeEngine().reconcile()
        #expect(round.isInSync)
        #expect(await fixture.store.contentsByKey() == ["a.md": "alpha", "sub/b.txt": "beta"])
        #expect(round.plan.skips.contains { $0.key == ItemKey("image.exe") })
    }

    @Test func restartWithNoChangeHashesNothingAndUploadsNothing() async throws {
        let fixture = try EngineFixture()
        try fixture.write("a.md", "alpha")
        try fixture.write("b.md", "beta")
        let engine = try await fixture.makeEngine(stateWrittenLater: .seconds(5))
        _ = try await engine.reconcile()
        try await engine.close()
        _ = await fixture.store.takeCalls()

        let restarted = try await fixture.makeEngine()
        let round = try await restarted.reconcile()
        #expect(round.filesHashed == 0)
        #expect(await fixture.store.takeCalls() == ["list"])
    }

    /// A listing is folded into the table as it was when the listing began (`ListingFold`); a
    /// round that finds the table changed since plans against the folded items as items, not
    /// against row numbers that moved (a removed row moves the last one into its place).
    @Test func aTableChangedWhileTheListingIsReadIsNotPlannedByStaleRows() async throws {
        let fixture = try EngineFixture()
        for name in ["a", "b", "c"] { try fixture.write("\(name).md", name) }
        let engine = try await fixture.makeEngine(stateWrittenLater: .seconds(5))
        _ = try await engine.reconcile()
        #expect(await engine.state.snapshot.entries.rowNumber(of: ItemKey("a.md")) == 0)
        _ = await fixture.store.takeCalls()
        await fixture.store.setOnNextListing { await engine.state.apply([.forget(ItemKey("a.md"))]) }
        let round = try await engine.reconcile()
        // a.md's item is listed: the file is not uploaded again, nothing is deleted.
        #expect(round.plan.uploads.isEmpty)
        #expect(round.plan.deletes.isEmpty)
        #expect(await fixture.store.contentsByKey() == ["a.md": "a", "b.md": "b", "c.md": "c"])
        #expect(await fixture.store.takeCalls().filter { $0.hasPrefix("upload") || $0.hasPrefix("delete") }.isEmpty)
    }

    @Test func editAndDeleteAreMirrored() async throws {
        let fixture = try EngineFixture()
        try fixture.write("a.md", "alpha")
        try fixture.write("b.md", "beta")
        try fixture.write("c.md", "gamma")
        let engine = try await fixture.makeEngine()
        _ = try await engine.reconcile()
        try fixture.write("a.md", "alpha, edited")
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("b.md"))
        let round = await engine.apply(changed: ["a.md"], removed: ["b.md"])
        #expect(round.report.uploaded == [ItemKey("a.md")])
        #expect(round.report.deleted == [ItemKey("b.md")])
        #expect(await fixture.store.contentsByKey() == ["a.md": "alpha, edited", "c.md": "gamma"])
        // A key outside the batch keeps its record, so its later removal is still mirrored.
        #expect(await engine.state.snapshot.entries[ItemKey("c.md")]?.remote != nil)
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("c.md"))
        let removal = await engine.apply(changed: [], removed: ["c.md"])
        #expect(removal.report.deleted == [ItemKey("c.md")])
    }

    @Test func missingRootDeletesNothing() async throws {
        let fixture = try EngineFixture()
        try fixture.write("a.md", "alpha")
        let engine = try await fixture.makeEngine()
        _ = try await engine.reconcile()
        try FileManager.default.removeItem(at: fixture.root)
        let round = try await engine.reconcile()
        #expect(round.plan.deleteGuard == .rootMissing)
        #expect(round.report.deleted.isEmpty)
        #expect(await fixture.store.contentsByKey() == ["a.md": "alpha"])
    }

    @Test func freshHostWithOpaqueChecksumsVerifiesByDownloadInsteadOfUploading() async throws {
        let fixture = try EngineFixture()
        try fixture.write("a.md", "alpha")
        let first = try await fixture.makeEngine()
        _ = try await first.reconcile()
        try await first.close()
        _ = await fixture.store.takeCalls()
        try FileManager.default.removeItem(at: fixture.stateDirectory)
        let round = try await fixture.makeEngine().reconcile()
        #expect(round.report.uploaded.isEmpty)
        #expect(round.report.verifiedEqual == [ItemKey("a.md")])
        #expect(await fixture.store.takeCalls() == ["list", "download item-1"])
    }
}

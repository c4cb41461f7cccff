import Foundation
import Glibc
import Testing
import AISearchAPI
import Emulator

/// The built binary with two files whose names differ only in Unicode normalisation: equal as
/// Swift strings, two files on Linux, so two items that every change keeps apart.
@Suite(.serialized) struct UnicodeTwinTests {
    /// NFC `café.md`: 63 61 66 C3 A9 2E 6D 64.
    static let composed = "caf\u{E9}.md"
    /// NFD `café.md`: 63 61 66 65 CC 81 2E 6D 64.
    static let decomposed = "cafe\u{301}.md"

    @Test func syncUploadsBothTwinsAsTwoItems() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try writeTwins(harness)

        let agent = try AgentProcess(["sync", harness.root.path, "--instance", "docs"], harness: harness)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        #expect(await Self.remote(harness) == [bytes(Self.composed): bytes("composed"), bytes(Self.decomposed): bytes("decomposed")])
    }

    /// Edits, renames and deletes one twin (each spelling in turn) under `watch`: only that twin's
    /// item changes, and the other keeps its id and content throughout.
    @Test(arguments: [UnicodeTwinTests.composed, UnicodeTwinTests.decomposed])
    func watchChangesOneTwinAndLeavesTheOtherAlone(acted: String) async throws {
        let other = bytes(acted) == bytes(Self.composed) ? Self.decomposed : Self.composed  // not `==`: the twins are equal strings
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try writeTwins(harness)
        let original = [bytes(Self.composed): bytes("composed"), bytes(Self.decomposed): bytes("decomposed")]
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "100ms"], harness: harness)
        #expect(await eventually { await Self.remote(harness) == original }, "initial sync: \(agent.errors)")
        let otherID = try #require(await Self.itemID(harness, key: other))
        func expectRemote(_ expected: [[UInt8]: [UInt8]], _ step: String) async {
            #expect(await eventually { await Self.remote(harness) == expected }, "\(step): \(agent.errors)")
            #expect(await Self.itemID(harness, key: other) == otherID, "\(step): the twin's item was replaced")
        }
        let path = { (name: String) in harness.root.appendingPathComponent(name).path }

        try harness.write(acted, "edited")
        await expectRemote([bytes(acted): bytes("edited"), bytes(other): original[bytes(other)]!], "edit")

        try FileManager.default.moveItem(atPath: path(acted), toPath: path("renamed.md"))
        await expectRemote([bytes("renamed.md"): bytes("edited"), bytes(other): original[bytes(other)]!], "rename away")

        try FileManager.default.moveItem(atPath: path("renamed.md"), toPath: path(acted))
        await expectRemote([bytes(acted): bytes("edited"), bytes(other): original[bytes(other)]!], "rename back")

        try FileManager.default.removeItem(atPath: path(acted))
        await expectRemote([bytes(other): original[bytes(other)]!], "delete")

        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
    }

    /// Writes both twins and checks that the folder really holds two entries with those bytes.
    private func writeTwins(_ harness: EmulatorHarness) throws {
        try harness.write(Self.composed, "composed")
        try harness.write(Self.decomposed, "decomposed")
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.root.path)
        #expect(names.count == 2)
        #expect(Set(names.map(bytes)) == [bytes(Self.composed), bytes(Self.decomposed)])
    }

    /// The instance's items as key bytes → content: `EmulatorHarness.remoteContents` keys by
    /// `String`, which would fold the twins into one entry. An item being deleted is gone.
    private static func remote(_ harness: EmulatorHarness) async -> [[UInt8]: [UInt8]] {
        var result: [[UInt8]: [UInt8]] = [:]
        for item in await harness.server.emulator.items(instance: "docs") where item.nextAction != .delete {
            result[bytes(item.key)] = await harness.server.emulator.content(ofItem: item.id) ?? []
        }
        return result
    }

    private static func itemID(_ harness: EmulatorHarness, key: String) async -> String? {
        await harness.server.emulator.items(instance: "docs").first { bytes($0.key) == bytes(key) && $0.nextAction != .delete }?.id
    }
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

import AISearchAPI
import Emulator
import Foundation
import SyncCore
import Testing

/// Issue 15 with the real binary: the agent deletes only what is its own, never fights another
/// writer, exits 0 only when everything is in sync, and survives listings that shift.
@Suite(.serialized) struct SafetyTests {
    /// One `aisearch-sync` run with its own state directory; its exit status and output.
    private func run(_ arguments: [String], state: URL, harness: EmulatorHarness) async throws -> (status: Int32?, agent: AgentProcess) {
        let agent = try AgentProcess(arguments + ["--state-dir", state.path], harness: harness, stateDirectoryFlag: false)
        return (await agent.exitStatus(within: .seconds(120)), agent)
    }

    private func folder(_ name: String, in harness: EmulatorHarness, files: [String: String]) throws -> URL {
        let url = harness.root.deletingLastPathComponent().appendingPathComponent(name)
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        return url
    }

    private func uploadRequests(_ harness: EmulatorHarness) async -> Int {
        await harness.server.emulator.requestCounts().filter { $0.method == "POST" && $0.route.hasSuffix("/items") }.reduce(0) { $0 + $1.count }
    }

    private func json(_ agent: AgentProcess) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(agent.output.utf8)) as? [String: Any]
    }

    @Test func twoFoldersWithoutPrefixesKeepEachOthersItemsAndDoNotFight() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        var first: [String: String] = ["shared.md": "from the first folder"]
        var second: [String: String] = ["shared.md": "from the second folder"]
        for index in 0..<5 { first["a\(index).md"] = "a \(index)"; second["b\(index).md"] = "b \(index)" }
        let a = try folder("a", in: harness, files: first), b = try folder("b", in: harness, files: second)
        let stateA = harness.stateDirectory.appendingPathComponent("a"), stateB = harness.stateDirectory.appendingPathComponent("b")
        func sync(_ root: URL, _ state: URL) async throws -> (status: Int32?, agent: AgentProcess) {
            try await run(["sync", root.path, "--instance", "docs"], state: state, harness: harness)
        }
        #expect(try await sync(a, stateA).status == 0)
        // The second folder replaces shared.md (it cannot know it is not its own) and keeps the rest.
        #expect(try await sync(b, stateB).status == 0)
        // The first folder finds shared.md changed under it: reported, left, exit 1; nothing deleted.
        let yielded = try await sync(a, stateA)
        #expect(yielded.status == 1, "\(yielded.agent.errors)")
        #expect(yielded.agent.errors.contains("changed item shared.md after our upload"), "\(yielded.agent.errors)")
        #expect(yielded.agent.errors.contains("--prefix"))
        #expect(try await sync(b, stateB).status == 0)
        // No war: further rounds upload nothing, and every item of both folders is there.
        await harness.server.emulator.clearRequestCounts()
        for _ in 0..<2 {
            let again = try await sync(a, stateA)
            #expect(again.status == 1)
            #expect(!again.agent.errors.contains("warning:"), "reported once: \(again.agent.errors)")
            #expect(again.agent.errors.contains("skipped  shared.md: another writer changed item shared.md"), "\(again.agent.errors)")
            #expect(try await sync(b, stateB).status == 0)
        }
        #expect(await uploadRequests(harness) == 0)
        let remote = await harness.remoteContents()
        #expect(remote.count == 11)
        for (key, text) in first where key != "shared.md" { #expect(remote[key] == Array(text.utf8)) }
        for (key, text) in second { #expect(remote[key] == Array(text.utf8)) }
        // Editing the file locally is an intent: it is written again (once), and the other yields.
        try Data("edited in the first folder".utf8).write(to: a.appendingPathComponent("shared.md"))
        #expect(try await sync(a, stateA).status == 0)
        #expect(await harness.remoteContents()["shared.md"] == Array("edited in the first folder".utf8))
        #expect(try await sync(b, stateB).status == 1)
        #expect(await harness.remoteContents()["shared.md"] == Array("edited in the first folder".utf8))
    }

    @Test func twoFoldersWithPrefixesShareOneInstance() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        let a = try folder("a", in: harness, files: ["x.md": "a x", "y.md": "a y"])
        let b = try folder("b", in: harness, files: ["x.md": "b x", "z.md": "b z"])
        for _ in 0..<2 {
            #expect(try await run(["sync", a.path, "--instance", "docs", "--prefix", "a/"], state: harness.stateDirectory.appendingPathComponent("a"), harness: harness).status == 0)
            #expect(try await run(["sync", b.path, "--instance", "docs", "--prefix", "b/"], state: harness.stateDirectory.appendingPathComponent("b"), harness: harness).status == 0)
        }
        let remote = await harness.remoteContents()
        #expect(remote == ["a/x.md": Array("a x".utf8), "a/y.md": Array("a y".utf8), "b/x.md": Array("b x".utf8), "b/z.md": Array("b z".utf8)])
    }

    @Test func aForeignItemSurvivesSyncAndGoesWithDeleteForeign() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("mine.md", "mine")
        #expect(try await run(["sync", harness.root.path, "--instance", "docs"], state: harness.stateDirectory, harness: harness).status == 0)
        _ = try await harness.client.uploadItem(to: "docs", key: "from-dashboard.md", contents: Array("not from the folder".utf8))
        await harness.server.emulator.settleAll()

        let plan = try await run(["plan", harness.root.path, "--instance", "docs", "--json", "--full"], state: harness.stateDirectory, harness: harness)
        #expect(plan.status == 0)
        let foreign = json(plan.agent)?["foreign"] as? [[String: Any]]
        #expect(foreign?.compactMap { $0["key"] as? String } == ["from-dashboard.md"], "\(plan.agent.output.prefix(400))")

        let sync = try await run(["sync", harness.root.path, "--instance", "docs", "--full"], state: harness.stateDirectory, harness: harness)
        #expect(sync.status == 0, "\(sync.agent.errors)")
        #expect(sync.agent.errors.contains("were not uploaded by this agent"), "\(sync.agent.errors)")
        #expect(await harness.remoteContents()["from-dashboard.md"] != nil)

        let exact = try await run(["sync", harness.root.path, "--instance", "docs", "--full", "--delete-foreign"], state: harness.stateDirectory, harness: harness)
        #expect(exact.status == 0, "\(exact.agent.errors)")
        #expect(await harness.remoteContents() == ["mine.md": Array("mine".utf8)])
    }

    @Test func aFreshHostDeletesOnlyItemsCarryingItsOwnerMarker() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(
            id: "docs", settings: InstanceSettings(customMetadata: [CustomMetadataField(fieldName: SyncMetadata.ownerField, dataType: .text)]))
        try harness.write("keep.md", "keep")
        try harness.write("gone.md", "gone")
        #expect(try await run(["sync", harness.root.path, "--instance", "docs", "--owner", "docs-host"], state: harness.stateDirectory, harness: harness).status == 0)
        let uploaded = await harness.server.emulator.items(instance: "docs")
        #expect(uploaded.allSatisfy { $0.metadata?[SyncMetadata.ownerField]?.stringValue == "docs-host" }, "\(uploaded)")
        _ = try await harness.client.uploadItem(to: "docs", key: "theirs.md", contents: Array("theirs".utf8),
                                                metadata: [SyncMetadata.ownerField: .string("other-host")])
        try harness.remove("gone.md")
        // A fresh host (no state) with the same owner name: gone.md is ours by its marker.
        let fresh = harness.stateDirectory.appendingPathComponent("fresh")
        let sync = try await run(["sync", harness.root.path, "--instance", "docs", "--owner", "docs-host", "--max-delete", "100%"], state: fresh, harness: harness)
        #expect(sync.status == 0, "\(sync.agent.errors)")
        #expect(Set(await harness.remoteContents().keys) == ["keep.md", "theirs.md"])
    }

    @Test func syncExitCodesSayWhetherEverythingIsInSync() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        func sync(_ root: String, _ extra: [String] = []) async throws -> (status: Int32?, agent: AgentProcess) {
            try await run(["sync", root, "--instance", "docs"] + extra, state: harness.stateDirectory, harness: harness)
        }
        // A missing root and a file as the root are usage errors naming the path.
        let missing = harness.root.appendingPathComponent("no-such-folder").path
        let absent = try await sync(missing)
        #expect(absent.status == 2)
        #expect(absent.agent.errors.contains(missing) && absent.agent.errors.contains("does not exist"), "\(absent.agent.errors)")
        try harness.write("file.md", "a file")
        let notFolder = try await sync(harness.root.appendingPathComponent("file.md").path)
        #expect(notFolder.status == 2)
        #expect(notFolder.agent.errors.contains("is not a directory"), "\(notFolder.agent.errors)")

        for index in 0..<4 { try harness.write("f\(index).md", "file \(index)") }
        #expect(try await sync(harness.root.path).status == 0)
        // Deletes beyond --max-delete are withheld: exit 1 with the reason.
        for index in 0..<3 { try harness.remove("f\(index).md") }
        let refused = try await sync(harness.root.path, ["--max-delete", "1"])
        #expect(refused.status == 1)
        #expect(refused.agent.errors.contains("not in sync") && refused.agent.errors.contains("--max-delete"), "\(refused.agent.errors)")
        // An empty root withholds every delete: exit 1.
        try harness.remove("f3.md")
        try harness.remove("file.md")
        let empty = try await sync(harness.root.path)
        #expect(empty.status == 1)
        #expect(empty.agent.errors.contains("--allow-empty-root"), "\(empty.agent.errors)")
        #expect(try await sync(harness.root.path, ["--allow-empty-root", "--max-delete", "100%"]).status == 0)

        // Uploads failing: exit 1; the next sync finds them backing off: exit 1 again, saying so.
        try harness.write("new.md", "new")
        try await harness.server.emulator.setFaults(FaultSettings(uploadErrorRate: 1))
        let failing = try await sync(harness.root.path)
        #expect(failing.status == 1)
        let backingOff = try await sync(harness.root.path)
        #expect(backingOff.status == 1)
        #expect(backingOff.agent.errors.contains("backing off"), "\(backingOff.agent.errors)")
        try await harness.server.emulator.setFaults(FaultSettings())
    }

    @Test func shortenedKeysAreReportedOnceWithTheFix() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        let long = String(repeating: "a-very-long-folder-name/", count: 6) + "page.md"
        try harness.write(long, "deep")
        try harness.write("short.md", "short")
        let sync = try await run(["sync", harness.root.path, "--instance", "docs"], state: harness.stateDirectory, harness: harness)
        #expect(sync.status == 0, "\(sync.agent.errors)")
        let warnings = sync.agent.errors.components(separatedBy: "\n").filter { $0.contains("got shortened keys") }
        #expect(warnings.count == 1, "\(sync.agent.errors)")
        #expect(warnings.first?.contains("instances update docs --custom-metadata aisearch_sync_path:text") == true)
        // With the field declared, the full path travels with the upload: nothing to warn about.
        _ = try await harness.client.createInstance(
            id: "kept", settings: InstanceSettings(customMetadata: [CustomMetadataField(fieldName: "aisearch_sync_path", dataType: .text)]))
        let kept = try await run(["sync", harness.root.path, "--instance", "kept"], state: harness.stateDirectory.appendingPathComponent("kept"),
                                 harness: harness)
        #expect(kept.status == 0, "\(kept.agent.errors)")
        #expect(!kept.agent.errors.contains("got shortened keys"), "\(kept.agent.errors)")
    }

    @Test func gitignoreRulesApplyOnlyWhenAskedFor() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        _ = try await harness.client.createInstance(id: "plain")
        try harness.write(".gitignore", "build/\n*.log\n")
        try harness.write("guide/.gitignore", "draft.md\n")
        try harness.write(".aisearchignore", "!keep.log\n")   // .aisearchignore wins over .gitignore in the same folder
        try harness.write("readme.md", "readme")
        try harness.write("build/out.md", "generated")
        try harness.write("debug.log", "noise")
        try harness.write("keep.log", "kept")
        try harness.write("guide/intro.md", "intro")
        try harness.write("guide/draft.md", "draft")
        let with = try await run(["sync", harness.root.path, "--instance", "docs", "--gitignore"], state: harness.stateDirectory, harness: harness)
        #expect(with.status == 0, "\(with.agent.errors)")
        #expect(Set(await harness.remoteContents().keys) == [".gitignore", "guide/.gitignore", "readme.md", "keep.log", "guide/intro.md"])
        let without = try await run(["sync", harness.root.path, "--instance", "plain"], state: harness.stateDirectory.appendingPathComponent("plain"),
                                    harness: harness)
        #expect(without.status == 0, "\(without.agent.errors)")
        #expect(await harness.remoteContents(instance: "plain")["build/out.md"] != nil)
        #expect(await harness.remoteContents(instance: "plain")["guide/draft.md"] != nil)
    }

    @Test func aListingThatSkipsItemsMakesTheNextSyncUploadNothing() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<300 { try harness.write("f\(index).md", "file \(index)") }
        #expect(try await run(["sync", harness.root.path, "--instance", "docs"], state: harness.stateDirectory, harness: harness).status == 0)
        await harness.server.emulator.settleAll()
        // Every page leaves out a tenth of its items; the total stays true.
        try await harness.server.emulator.setFaults(FaultSettings(listingSkipRate: 0.1, seed: 7))
        await harness.server.emulator.clearRequestCounts()
        let resync = try await run(["sync", harness.root.path, "--instance", "docs", "--full", "--json"], state: harness.stateDirectory, harness: harness)
        #expect(resync.status == 0, "\(resync.agent.errors)")
        #expect(await uploadRequests(harness) == 0)
        let report = json(resync.agent)?["report"] as? [String: Any]
        #expect((report?["uploaded"] as? [Any])?.isEmpty == true, "\(String(describing: report?["uploaded"]).prefix(300)) \(String(describing: (json(resync.agent)?["plan"] as? [String: Any])?["uploads"]).prefix(600))")
        #expect(await harness.remoteContents() == (try harness.localContents()))
    }
}

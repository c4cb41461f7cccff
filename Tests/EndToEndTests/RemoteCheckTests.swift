import AISearchAPI
import Emulator
import Foundation
import Glibc
import Testing

/// The cheap remote check: a restart or a one-shot `sync` with nothing changed elsewhere costs a
/// few requests, not the whole listing; anything another tool changed still shows.
@Suite(.serialized) struct RemoteCheckTests {
    @Test func aSecondSyncTrustsOneRequestAndAnyOutsideChangeFallsBackToTheListing() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<120 { try harness.write("f\(index).md", "file \(index)") }
        try await sync(harness, expecting: "full_listing")

        // Nothing changed: GET instance and one page of the newest items.
        await harness.server.emulator.clearRequestCounts()
        try await sync(harness, expecting: "unchanged_since_recorded")
        let counts = await harness.server.emulator.requestCounts()
        #expect(counts.reduce(0) { $0 + $1.count } <= 3, "\(counts)")

        // A local edit: still no listing, one upload, and fresh evidence afterwards.
        try harness.write("f7.md", "edited")
        try await sync(harness, expecting: "unchanged_since_recorded")
        #expect(await harness.remoteContents() == (try harness.localContents()))
        try await sync(harness, expecting: "unchanged_since_recorded")

        // Another tool replaces an item: the newest page differs, the listing finds it. The key
        // is another writer's now: left as it is (no upload war), and the sync says so (exit 1).
        _ = try await harness.client.uploadItem(to: "docs", key: "f3.md", contents: Array("changed elsewhere".utf8))
        try await sync(harness, expecting: "full_listing", status: 1)
        #expect(await harness.remoteContents()["f3.md"] == Array("changed elsewhere".utf8))
        #expect(await harness.remoteContents().filter { $0.key != "f3.md" } == (try harness.localContents()).filter { $0.key != "f3.md" })
        // Editing the file makes it ours to write again (the instance is as last listed: one request).
        try harness.write("f3.md", "edited here")
        try await sync(harness, expecting: "unchanged_since_recorded")
        #expect(await harness.remoteContents() == (try harness.localContents()))

        // Another tool deletes an item: the count differs.
        let victim = try #require(await harness.server.emulator.items(instance: "docs").first { $0.key == "f9.md" })
        _ = try await harness.client.deleteItem(victim.id, in: "docs")
        await harness.server.emulator.settleAll()
        try await sync(harness, expecting: "full_listing")
        #expect(await harness.remoteContents() == (try harness.localContents()))

        // --full always lists.
        try await sync(harness, expecting: "full_listing", extra: ["--full"])
    }

    @Test func aWatchRestartedAfterAGracefulStopMakesAtMostFiveRequests() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<200 { try harness.write("f\(index).md", "file \(index)") }
        let arguments = ["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--log-format", "json"]
        let first = try AgentProcess(arguments, harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents() == (try? harness.localContents()) }, "\(first.errors)")
        try harness.write("f1.md", "edited while watching")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents()["f1.md"] == Array("edited while watching".utf8) })
        first.signal(SIGTERM)
        #expect(await first.exitStatus(within: .seconds(120)) == 0, "\(first.errors)")

        await harness.server.emulator.clearRequestCounts()
        let second = try AgentProcess(arguments, harness: harness)
        #expect(await eventually(within: .seconds(120)) { second.errors.contains(#""round":"initial sync""#) || second.errors.contains("initial sync") },
                "\(second.errors)")
        second.signal(SIGTERM)
        #expect(await second.exitStatus(within: .seconds(120)) == 0, "\(second.errors)")
        let counts = await harness.server.emulator.requestCounts()
        let requests = counts.reduce(0) { $0 + $1.count }
        #expect(requests <= 5, "a warm restart made \(requests) requests: \(counts)")
    }

    private func sync(_ harness: EmulatorHarness, expecting comparison: String, extra: [String] = [], status: Int32 = 0) async throws {
        let agent = try AgentProcess(["sync", harness.root.path, "--instance", "docs", "--json", "--max-delete", "100%"] + extra, harness: harness)
        #expect(await agent.exitStatus(within: .seconds(120)) == status, "\(agent.errors)")
        let answer = try JSONSerialization.jsonObject(with: Data(agent.output.utf8)) as? [String: Any]
        #expect(answer?["remote_comparison"] as? String == comparison, "\(agent.output.prefix(300))")
    }
}

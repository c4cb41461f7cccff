import AISearchAPI
import Emulator
import Foundation
import Glibc
import LinuxSystem
import Testing

/// `watch` left running unattended, with the real binary: outages, a full state disk, signals,
/// kills. Nothing here may end in a silent stall: every wait is for a condition, with a deadline.
@Suite(.serialized) struct SupervisionTests {
    @Test func anOutageSpanningTheInitialSyncRecoversWithoutARestart() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<250 { try harness.write("f\(index).md", "file \(index)") }
        // The instance already holds these items, so its listing takes five pages.
        for index in 0..<250 { _ = try await harness.client.uploadItem(to: "docs", key: "f\(index).md", contents: Array("file \(index)".utf8)) }
        try await harness.server.emulator.setFaults(FaultSettings(slowRate: 1, slowDelayMilliseconds: 2000))
        let before = await harness.server.emulator.requestsArrived()
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--listen", "127.0.0.1:0",
                                      "--log-format", "json"], harness: harness)
        let port = try await listeningPort(agent)
        // The agent's GET instance, then the first of five listing pages (2 s each): once that has
        // arrived, the API goes down for the rest of the listing.
        #expect(await eventually(within: .seconds(120)) { await harness.server.emulator.requestsArrived() >= before + 2 })
        try await harness.server.emulator.setFaults(FaultSettings(serverErrorRate: 1))
        #expect(await eventually(within: .seconds(120)) { agent.errors.contains(#""event":"round_failed""#) }, "\(agent.errors)")
        let health = try await get(port, "/healthz")
        #expect(health.status == 503)
        #expect(health.text.contains("initial sync failed"), "\(health.text)")
        #expect(agent.process.isRunning)
        try await harness.server.emulator.setFaults(FaultSettings())
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents() == (try? harness.localContents()) }, "\(agent.errors)")
        #expect(await eventually(within: .seconds(120)) { (try? await get(port, "/healthz"))?.status == 200 })
        try harness.write("later.md", "written after the outage")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents()["later.md"] != nil }, "\(agent.errors)")
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
    }

    @Test func anOutageOfUploadsAloneShowsOnHealthzUntilAnUploadGoesThrough() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--listen", "127.0.0.1:0",
                                      "--log-format", "json"], harness: harness)
        let port = try await listeningPort(agent)
        #expect(await eventually(within: .seconds(120)) { (try? await get(port, "/readyz"))?.status == 200 }, "\(agent.errors)")
        // Listings still answer; every upload gets a 503.
        try await harness.server.emulator.setFaults(FaultSettings(uploadErrorRate: 1))
        try harness.write("b.md", "beta")
        #expect(await eventually(within: .seconds(120)) {
            let health = try? await get(port, "/healthz")
            return health?.status == 503 && health?.text.contains("every request of the last round failed") == true
        }, "\(agent.errors)")
        try await harness.server.emulator.setFaults(FaultSettings())
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents()["b.md"] != nil }, "\(agent.errors)")
        #expect(await eventually(within: .seconds(120)) { (try? await get(port, "/healthz"))?.status == 200 }, "\(agent.errors)")
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aFullStateDiskShowsOnHealthzAndSyncingResumesWhenSpaceReturns() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        let disk = harness.root.deletingLastPathComponent().appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try #require(shell("mount -t tmpfs -o size=512k none '\(disk.path)'") == 0)
        defer { _ = shell("umount -l '\(disk.path)'") }
        let state = disk.appendingPathComponent("state")
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--listen", "127.0.0.1:0",
                                      "--log-format", "json", "--state-dir", state.path], harness: harness, stateDirectoryFlag: false)
        let port = try await listeningPort(agent)
        #expect(await eventually(within: .seconds(120)) { (try? await get(port, "/readyz"))?.status == 200 }, "\(agent.errors)")
        // Fill the disk: the next save fails with ENOSPC (sixty new rows need new pages; a few
        // could still fit in the journal's last page).
        _ = shell("dd if=/dev/zero of='\(disk.path)/filler' bs=4k 2>/dev/null")
        for index in 0..<60 { try harness.write("b\(index).md", "beta \(index)") }
        #expect(await eventually(within: .seconds(120)) {
            let health = try? await get(port, "/healthz")
            return health?.status == 503 && health?.text.contains("No space left") == true
        }, "\(agent.errors)")
        #expect(agent.errors.contains(#""event":"round_failed""#))
        try FileManager.default.removeItem(at: disk.appendingPathComponent("filler"))
        #expect(await eventually(within: .seconds(120)) { (try? await get(port, "/healthz"))?.status == 200 }, "\(agent.errors)")
        try harness.write("c.md", "gamma")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents() == (try? harness.localContents()) }, "\(agent.errors)")
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
    }

    @Test func nestedIgnoreRulesApplyToSync() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        try harness.write("sub/keep.md", "kept")
        try harness.write("sub/secret.md", "never uploaded")
        try harness.write("sub/.aisearchignore", "secret.md\n")
        try harness.write(".aisearchignore", "drafts/\n")
        try harness.write("drafts/wip.md", "draft")
        let sync = try AgentProcess(["sync", harness.root.path, "--instance", "docs"], harness: harness)
        #expect(await sync.exitStatus(within: .seconds(120)) == 0, "\(sync.errors)")
        #expect(Set(await harness.remoteContents().keys) == ["a.md", "sub/keep.md"])
        // A rule added later removes what it now ignores.
        try harness.write("sub/.aisearchignore", "secret.md\nkeep.md\n")
        let again = try AgentProcess(["sync", harness.root.path, "--instance", "docs", "--max-delete", "100%"], harness: harness)
        #expect(await again.exitStatus(within: .seconds(120)) == 0, "\(again.errors)")
        #expect(Set(await harness.remoteContents().keys) == ["a.md"])
    }

    @Test func changedIgnoreRulesAreAppliedWhileWatching() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        try harness.write("notes.txt", "notes")
        try harness.write("sub/draft.md", "draft")
        try harness.write("sub/final.md", "final")
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--max-delete", "100%",
                                      "--log-format", "json"], harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents().count == 4 }, "\(agent.errors)")
        try harness.write(".aisearchignore", "*.txt\n")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents()["notes.txt"] == nil }, "\(agent.errors)")
        try harness.write("sub/.aisearchignore", "draft.md\n")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents()["sub/draft.md"] == nil }, "\(agent.errors)")
        try harness.remove(".aisearchignore")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents()["notes.txt"] != nil }, "\(agent.errors)")
        #expect(Set(await harness.remoteContents().keys) == ["a.md", "notes.txt", "sub/final.md"])
        #expect(agent.errors.contains(#""event":"ignore_rules_changed""#))
        #expect(!agent.errors.contains(#""event":"watcher_overflow""#), "a rule change is not an overflow: \(agent.errors)")
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
    }

    @Test func sighupReloadsTheConfigurationAndSigintExitsZero() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        _ = try await harness.client.createInstance(id: "notes")
        try harness.write("guides/a.md", "guide a")
        try harness.write("notes/n.md", "note n")
        let config = harness.root.deletingLastPathComponent().appendingPathComponent("watch.json")
        func writeConfig(_ syncs: String) throws {
            try Data(#"{"settle_ms": 50, "log_format": "json", "syncs": [\#(syncs)]}"#.utf8).write(to: config)
        }
        let guides = #"{"root": "\#(harness.root.path)/guides", "instance": "docs"}"#
        try writeConfig(guides)
        let agent = try AgentProcess(["watch", "--config", config.path], harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents(instance: "docs").count == 1 }, "\(agent.errors)")
        try writeConfig(guides + #", {"root": "\#(harness.root.path)/notes", "instance": "notes"}"#)
        agent.signal(SIGHUP)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents(instance: "notes").count == 1 }, "\(agent.errors)")
        #expect(agent.errors.contains("SIGHUP: reloading"))
        try harness.write("guides/b.md", "guide b")
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents(instance: "docs").count == 2 }, "\(agent.errors)")
        agent.signal(SIGINT)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        #expect(agent.errors.contains(#""event":"agent_stopped""#))
    }

    @Test func firstSigtermLetsTheRequestInFlightFinishAndRecordsIt() async throws {
        let harness = try EmulatorHarness(faults: FaultSettings(slowRate: 1, slowDelayMilliseconds: 1500))
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<6 { try harness.write("f\(index).md", "file \(index)") }
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--concurrency", "1", "--log-format", "json"],
                                     harness: harness)
        #expect(await eventually(within: .seconds(120)) { agent.errors.contains(#""event":"agent_started""#) }, "\(agent.errors)")
        // The test's instance creation, the agent's GET instance and listing, then its first upload.
        #expect(await eventually(within: .seconds(120)) { await harness.server.emulator.requestsArrived() >= 4 })
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        let landed = await harness.remoteContents().count
        #expect(landed >= 1 && landed < 6, "a graceful stop finishes what is in flight and starts nothing new (\(landed) landed)")
        try await harness.server.emulator.setFaults(FaultSettings())
        let sync = try AgentProcess(["sync", harness.root.path, "--instance", "docs"], harness: harness)
        #expect(await sync.exitStatus(within: .seconds(120)) == 0, "\(sync.errors)")
        #expect(await harness.remoteContents() == (try harness.localContents()))
        #expect(await uploads(harness) == 6, "every file uploaded once: what landed before the stop was recorded")
    }

    @Test func aSecondSigtermStopsAtOnceWithTheStateSaved() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--log-format", "json"],
                                     harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents().count == 1 }, "\(agent.errors)")
        // An upload that takes a minute is in flight.
        try await harness.server.emulator.setFaults(FaultSettings(slowRate: 1, slowDelayMilliseconds: 60_000))
        let before = await harness.server.emulator.requestsArrived()
        try harness.write("b.md", "beta")
        #expect(await eventually(within: .seconds(120)) { await harness.server.emulator.requestsArrived() > before })
        agent.signal(SIGTERM)
        #expect(await eventually(within: .seconds(120)) { agent.errors.contains("finishing the requests in flight") })
        agent.signal(SIGTERM)
        // The upload in flight would take a minute; the second signal does not wait for it.
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        #expect(agent.errors.contains("stopping at once"))
        // Not the graceful path's deadline (25 s) cancelling the upload: the second signal did.
        #expect(!agent.errors.contains("still in flight after"), "\(agent.errors)")
        #expect(!FileManager.default.fileExists(atPath: harness.stateDirectory.appendingPathComponent("running").path), "state closed")
    }

    @Test func killedMidSyncThenRestartedUploadsNothingTwice() async throws {
        let harness = try EmulatorHarness(faults: FaultSettings(slowRate: 1, slowDelayMilliseconds: 20))
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        let files = 200
        for index in 0..<files { try harness.write("f\(index).md", "file \(index)") }
        let arguments = ["watch", harness.root.path, "--instance", "docs", "--concurrency", "2", "--timeout", "2s", "--log-format", "json"]
        let first = try AgentProcess(arguments, harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents().count >= 60 }, "\(first.errors)")
        first.signal(SIGKILL)
        _ = await first.exitStatus(within: .seconds(120))
        let second = try AgentProcess(arguments, harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents() == (try? harness.localContents()) }, "\(second.errors)")
        #expect(await eventually(within: .seconds(120)) { second.errors.contains(#""round":"recovery check""#) }, "\(second.errors)")
        // At most the two requests in flight at the kill went out again.
        #expect(await uploads(harness) <= files + 2)
        second.signal(SIGTERM)
        #expect(await second.exitStatus(within: .seconds(120)) == 0, "\(second.errors)")
    }

    // MARK: - Helpers

    /// Successful upload requests the emulator answered.
    private func uploads(_ harness: EmulatorHarness) async -> Int {
        await harness.server.emulator.requestCounts()
            .filter { $0.method == "POST" && $0.route.hasSuffix("/items") && $0.status == 200 }
            .reduce(0) { $0 + $1.count }
    }

    private func shell(_ command: String) -> Int32 {
        guard let process = try? ChildProcess(executable: "/bin/sh", arguments: ["-c", command]) else { return -1 }
        return process.waitForExit()
    }
}

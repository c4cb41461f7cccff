import AISearchAPI
import Emulator
import Foundation
import Glibc
import Observability
import SyncCore
import Testing
import TestSupport

/// `watch` as an operator runs it: JSON logs, the health and metrics endpoint, readiness after
/// the first reconcile, SIGTERM under load; and `--config` with several folders.
@Suite(.serialized) struct OperationsTests {
    /// Slow answers make the initial reconcile last long enough to see `/readyz` refuse first.
    @Test func jsonLogsEndpointAndReadinessFollowTheAgent() async throws {
        let harness = try EmulatorHarness(faults: FaultSettings(slowRate: 1, slowDelayMilliseconds: 150))
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<20 { try harness.write("f\(index).md", "file \(index)") }
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms", "--concurrency", "1",
                                      "--listen", "127.0.0.1:0", "--log-format", "json"], harness: harness)
        let port = try await listeningPort(agent)

        // Before the initial reconcile has finished: alive, not ready.
        let early = try await get(port, "/readyz")
        #expect(early.status == 503, "readyz answered \(early.status) before the initial reconcile finished")
        #expect(early.text.contains("initial reconcile has not finished"))
        #expect(try await get(port, "/healthz").status == 200)
        #expect(try await eventually(within: .seconds(120)) { try await get(port, "/readyz").status == 200 }, "\(agent.errors)")
        #expect(await harness.remoteContents() == (try harness.localContents()))

        try harness.write("f3.md", "edited")
        #expect(try await eventually(within: .seconds(120)) { await harness.remoteContents() == (try harness.localContents()) })
        let metrics = try await get(port, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["Content-Type"] == PrometheusText.contentType)
        #expect(PrometheusTextValidator.validate(metrics.text) == [])
        #expect(metrics.text.contains(#"aisearch_sync_uploads_total{instance="docs",outcome="success"} 21"#))
        #expect(metrics.text.contains(#"aisearch_sync_files_tracked{instance="docs"} 20"#))
        #expect(metrics.text.contains(#"aisearch_sync_event_to_accepted_seconds_count{instance="docs"} 1"#))
        #expect(metrics.text.contains(#"aisearch_sync_rescans_total{instance="docs",reason="startup"} 1"#))
        if Self.promtool == nil, ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_PROMTOOL"] == "1" {
            Issue.record("promtool is required (AISEARCH_REQUIRE_PROMTOOL=1) but not installed")
        }
        if let promtool = Self.promtool {
            let check = try await run(promtool, ["check", "metrics"], input: metrics.text)
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }
        #expect(try await get(port, "/nothing").status == 404)

        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        let lines = agent.errors.split(separator: "\n")
        #expect(lines.count >= 5)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["event"] is String, "not a JSON log line: \(line)")
        }
        #expect(lines.contains { $0.contains(#""event":"upload_done""#) && $0.contains(#""key":"f3.md""#) && $0.contains(#""item_id":"#) })
        #expect(lines.last?.contains(#""event":"agent_stopped""#) == true)
        #expect(!(agent.errors + agent.output).contains(EmulatorHarness.token), "the token was written out")
    }

    @Test func sigtermDuringTheInitialUploadExitsZeroWithTheStateSaved() async throws {
        let harness = try EmulatorHarness(faults: FaultSettings(slowRate: 1, slowDelayMilliseconds: 40), requestsPerWindow: 100_000)
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<200 { try harness.write("d\(index % 8)/f\(index).md", "file \(index)") }
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--rate-limit", "100000/300"], harness: harness)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents().count >= 20 })
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        let uploadedBeforeExit = await harness.remoteContents().count
        #expect(uploadedBeforeExit < 200, "the signal came too late to test anything")
        #expect(FileManager.default.fileExists(atPath: harness.stateDirectory.appendingPathComponent("state.snapshot").path))

        let again = try AgentProcess(["sync", harness.root.path, "--instance", "docs", "--json", "--rate-limit", "100000/300"], harness: harness)
        #expect(await again.exitStatus(within: .seconds(120)) == 0, "\(again.errors)")
        let summary = try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as? [String: Any]
        let uploaded = ((summary?["report"] as? [String: Any])?["uploaded"] as? [Any])?.count ?? -1
        #expect(uploaded >= 0 && uploaded <= 200 - uploadedBeforeExit, "the saved state should spare what was uploaded: \(uploaded) re-sent")
        #expect(await harness.remoteContents() == (try harness.localContents()))
    }

    @Test func configFileRunsSeveralFoldersIntoOneInstance() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("guides/a.md", "guide a")
        try harness.write("handbook/b.md", "handbook b")
        let config = harness.root.deletingLastPathComponent().appendingPathComponent("agent.json")
        try Data("""
            {"log_level": "warning",
             "syncs": [{"root": "\(harness.root.lastPathComponent)/guides", "instance": "docs", "prefix": "guides/"},
                       {"root": "\(harness.root.lastPathComponent)/handbook", "instance": "docs", "prefix": "handbook/"}]}
            """.utf8).write(to: config)
        let agent = try AgentProcess(["sync", "--config", config.path], harness: harness, stateDirectoryFlag: false)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        #expect(Set(await harness.remoteContents().keys) == ["guides/a.md", "handbook/b.md"])

        // Removing a file from one folder deletes its item only, not the other folder's.
        try harness.remove("handbook/b.md")
        try harness.write("handbook/c.md", "handbook c")
        let second = try AgentProcess(["sync", "--config", config.path, "--max-delete", "100%"], harness: harness, stateDirectoryFlag: false)
        #expect(await second.exitStatus(within: .seconds(120)) == 0, "\(second.errors)")
        #expect(Set(await harness.remoteContents().keys) == ["guides/a.md", "handbook/c.md"])

        let bad = try AgentProcess(["sync", "--config", config.path, "--max-delete", "150%"], harness: harness, stateDirectoryFlag: false)
        #expect(await bad.exitStatus(within: .seconds(120)) == 3)
        #expect(bad.errors == "aisearch-sync: error: --max-delete: \"150%\" is not allowed; use a count like 100 or a percentage from 0% to 100%\n")
    }

    @Test func watchFollowsEveryFolderOfTheConfigFile() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        _ = try await harness.client.createInstance(id: "notes")
        try harness.write("guides/a.md", "guide a")
        try harness.write("notes/n.md", "note n")
        let config = harness.root.deletingLastPathComponent().appendingPathComponent("watch.json")
        try Data("""
            {"settle_ms": 50, "listen": "127.0.0.1:0", "log_format": "json",
             "syncs": [{"root": "\(harness.root.path)/guides", "instance": "docs"},
                       {"root": "\(harness.root.path)/notes", "instance": "notes"}]}
            """.utf8).write(to: config)
        let agent = try AgentProcess(["watch", "--config", config.path], harness: harness)
        let port = try await listeningPort(agent)
        #expect(await eventually(within: .seconds(120)) { (try? await get(port, "/readyz").status) == 200 }, "\(agent.errors)")
        try harness.write("guides/b.md", "guide b")
        try harness.write("notes/m.md", "note m")
        #expect(await eventually(within: .seconds(120)) {
            let docs = await harness.remoteContents(instance: "docs").keys.sorted()
            let notes = await harness.remoteContents(instance: "notes").keys.sorted()
            return docs == ["a.md", "b.md"] && notes == ["m.md", "n.md"]
        }, "\(agent.errors)")
        let metrics = try await get(port, "/metrics").text
        #expect(metrics.contains(#"aisearch_sync_uploads_total{instance="docs",outcome="success"} 2"#))
        #expect(metrics.contains(#"aisearch_sync_uploads_total{instance="notes",outcome="success"} 2"#))
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        // One state per folder under --state-dir.
        for instance in ["docs", "notes"] {
            let state = harness.stateDirectory.appendingPathComponent("default/\(instance)/state.snapshot")
            #expect(FileManager.default.fileExists(atPath: state.path), "no state at \(state.path)")
        }
    }

    /// A killed agent's upload can land after the next agent's initial reconcile (found by the
    /// torture suite): after an interrupted run, `watch` compares everything once more.
    @Test func afterAKilledRunARecoveryCheckUndoesALateRequest() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        // The dead agent's requests carry its owner marker, which is ours: they are ours to undo.
        _ = try await harness.client.createInstance(
            id: "docs", settings: InstanceSettings(customMetadata: [CustomMetadataField(fieldName: SyncMetadata.ownerField, dataType: .text)]))
        let ownerMarker: [String: JSONValue] = [SyncMetadata.ownerField: .string("e2e-agent")]
        for index in 0..<3 { try harness.write("f\(index).md", "file \(index)") }
        let first = try AgentProcess(["sync", harness.root.path, "--instance", "docs", "--owner", "e2e-agent"], harness: harness)
        #expect(await first.exitStatus(within: .seconds(120)) == 0, "\(first.errors)")
        // What a SIGKILL leaves behind: the marker a running agent keeps beside its state.
        let marker = harness.stateDirectory.appendingPathComponent("running")
        try Data("12345\n".utf8).write(to: marker)

        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--timeout", "1s", "--log-format", "json",
                                      "--owner", "e2e-agent"], harness: harness)
        #expect(await eventually(within: .seconds(120)) { agent.errors.contains(#""event":"recovery_scheduled""#) }, "\(agent.errors)")
        #expect(await eventually(within: .seconds(120)) { agent.errors.contains(#""round":"initial sync""#) })
        // The dead agent's requests land now: an old version of f0.md and an item for a file gone.
        _ = try await harness.client.uploadItem(to: "docs", key: "f0.md", contents: Array("stale".utf8), metadata: ownerMarker)
        _ = try await harness.client.uploadItem(to: "docs", key: "gone.md", contents: Array("gone".utf8), metadata: ownerMarker)
        #expect(await eventually(within: .seconds(120)) { await harness.remoteContents() == (try? harness.localContents()) },
                "\(agent.errors)")
        // The round's record is written once its requests are done: just after the remote matches.
        #expect(await eventually(within: .seconds(120)) { agent.errors.contains(#""round":"recovery check""#) }, "\(agent.errors)")
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0)
        #expect(!FileManager.default.fileExists(atPath: marker.path), "a clean stop removes the marker")
    }

    // MARK: - Helpers

    static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private func run(_ executable: String, _ arguments: [String], input: String) async throws -> (status: Int32, output: String) {
        let result = try await runChildProcess(executable, arguments, input: Data(input.utf8))
        return (result.status, result.output)
    }
}

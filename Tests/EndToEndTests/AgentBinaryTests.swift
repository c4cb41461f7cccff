import Hashing
import Foundation
import Glibc
import Testing
import TestSupport
import AISearchAPI
import Emulator

/// The built binary against the emulator, with real inotify and real tools acting on the folder.
@Suite(.serialized) struct AgentBinaryTests {
    @Test func watchMirrorsRealEditsAndStopsCleanlyOnSIGTERM() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<8 { try harness.write("start/s\(index).md", "start \(index)") }
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "100ms"], harness: harness)
        func mirrored() async throws -> Bool { await harness.remoteContents() == (try harness.localContents()) }
        #expect(try await eventually(mirrored), "initial sync: \(agent.errors)")

        // New files, including inside directories made in the same breath.
        try await shell("mkdir -p '\(harness.root.path)/a/b/c' && echo x > '\(harness.root.path)/a/b/c/f.md' && echo new > '\(harness.root.path)/new.md'")
        #expect(try await eventually(mirrored), "creates: \(agent.errors)")

        // Edits by real tools: vim (backup-and-rename save) and sed -i (temp file renamed over).
        try await shell("vim -Es -u NONE -c 'set backup writebackup backupcopy=no' -c 'normal Goadded by vim' -c wq '\(harness.root.path)/new.md'")
        try await shell("sed -i 's/start 1/edited by sed/' '\(harness.root.path)/start/s1.md'")
        #expect(try await eventually(mirrored), "edits: \(agent.errors)")

        // Delete, rename, a directory moved in from outside and one moved out.
        let outside = harness.root.deletingLastPathComponent().appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside.appendingPathComponent("incoming"), withIntermediateDirectories: true)
        try Data("moved in".utf8).write(to: outside.appendingPathComponent("incoming/in.md"))
        try await shell("rm '\(harness.root.path)/start/s2.md' && mv '\(harness.root.path)/start/s3.md' '\(harness.root.path)/start/renamed.md'")
        try await shell("mv '\(outside.path)/incoming' '\(harness.root.path)/incoming' && mv '\(harness.root.path)/a' '\(outside.path)/a'")
        #expect(try await eventually(mirrored), "moves: \(agent.errors)")

        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
        #expect(FileManager.default.fileExists(atPath: harness.stateDirectory.appendingPathComponent("state.json").path))
    }

    @Test func syncKilledAtRandomMomentsConvergesOnRestart() async throws {
        // Eleven processes of up to 300 uploads each exceed the API's 1,200 requests per 5 minutes,
        // and each new process starts with a full budget of its own: raise the emulator's limit.
        let harness = try EmulatorHarness(requestsPerWindow: 100_000)
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<300 { try harness.write("d\(index % 10)/f\(index).md", "file \(index)") }
        var random = SeededGenerator(seed: 20261123)  // the kill moments repeat run to run
        var kills = 0
        for round in 0..<10 {
            if round == 5 { for index in 0..<20 { try harness.write("d\(index % 10)/f\(index).md", "edited \(index)") } }
            let agent = try AgentProcess(["sync", harness.root.path, "--instance", "docs"], harness: harness)
            // The point of this test is the moment of the kill: anywhere from start-up to mid-upload.
            try await Task.sleep(for: .milliseconds(20 + Int(random.next() % 380)))
            if agent.process.isRunning { agent.signal(SIGKILL); kills += 1 }
            _ = await agent.exitStatus(within: .seconds(120))
        }
        let final = try AgentProcess(["sync", harness.root.path, "--instance", "docs"], harness: harness)
        #expect(await final.exitStatus(within: .seconds(120)) == 0, "\(final.errors)")
        let items = await harness.server.emulator.items(instance: "docs").filter { $0.nextAction != .delete }
        #expect(items.count == Set(items.map(\.key)).count, "no duplicate keys")
        #expect(await harness.remoteContents() == (try harness.localContents()))
        #expect(kills > 0)
    }

    private func shell(_ command: String) async throws {
        let result = try await runShell(command)
        #expect(result.status == 0, "\(command): \(result.output)")
    }
}

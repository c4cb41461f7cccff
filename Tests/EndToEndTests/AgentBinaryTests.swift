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
        #expect(FileManager.default.fileExists(atPath: harness.stateDirectory.appendingPathComponent("state.snapshot").path))
    }

    /// Idle is idle: Dispatch's worker pool, whose monitor wakes the process every second for good
    /// once it has run a single job, never starts (jobs run on `JobPool`, sleeps on its timers),
    /// and once the edits and a reload are done a window comes with no thread waking at all.
    @Test func anIdleWatchRunsNoDispatchWorkerAndWakesNoThread() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<20 { try harness.write("d/f\(index).md", "file \(index)") }
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms"], harness: harness)
        func mirrored() async throws -> Bool { await harness.remoteContents() == (try harness.localContents()) }
        #expect(try await eventually(mirrored), "initial sync: \(agent.errors)")
        // An edit, a delete and a create: state saves, backoff clocks and completion checks all run.
        try harness.write("d/f1.md", "edited")
        try FileManager.default.removeItem(at: harness.root.appendingPathComponent("d/f2.md"))
        try harness.write("new.md", "new")
        #expect(try await eventually(mirrored), "edits: \(agent.errors)")
        // A reload: its signal handler must not run on a Dispatch global queue either.
        agent.signal(SIGHUP)
        #expect(await eventually { agent.errors.contains("SIGHUP: reloading") }, "\(agent.errors)")

        let threads = ProcessThreads(pid: agent.process.pid)
        let names = threads.names()
        #expect(names.contains { $0.hasPrefix("job-pool-") }, "\(names)")
        // Dispatch names its workers after their root queue: "com.apple.root.default-qos" shows
        // as "oot.default-qos"; only the overcommit ones (signal sources) are expected.
        #expect(!names.contains { $0.hasSuffix("-qos") }, "a Dispatch worker ran: \(names)")
        // Some work may still be winding down (a debounced save, a completion check): wait for a
        // quiet window rather than assume one. With Dispatch's 1 Hz monitor none ever comes.
        let quiet = await eventually {
            let before = threads.contextSwitches()
            try? await Task.sleep(for: .seconds(2))
            return threads.contextSwitches() == before
        }
        #expect(quiet, "every 2-second window had a wake: \(threads.names())")
        agent.signal(SIGTERM)
        #expect(await agent.exitStatus(within: .seconds(120)) == 0, "\(agent.errors)")
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

/// The threads of a running process, read from `/proc/PID/task`.
private struct ProcessThreads {
    let pid: Int32

    private var taskDirectories: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).sorted()
            .map { "/proc/\(pid)/task/\($0)" }
    }

    func names() -> [String] {
        taskDirectories.compactMap { try? String(contentsOfFile: "\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Each thread's voluntary and involuntary context switches: a thread that wakes adds one.
    func contextSwitches() -> [String: Int] {
        var counts: [String: Int] = [:]
        for directory in taskDirectories {
            guard let status = try? String(contentsOfFile: "\(directory)/status", encoding: .utf8) else { continue }
            counts[directory] = status.split(separator: "\n")
                .filter { $0.hasSuffix("ctxt_switches:") == false && $0.contains("ctxt_switches:") }
                .compactMap { Int($0.split(separator: "\t").last ?? "") }.reduce(0, +)
        }
        return counts
    }
}

import CLI
import Foundation
import Testing

/// How much `sync`, `plan` and `status` print: files left out summarised by reason by default,
/// listed with -v and in --json, nothing but errors and the final line with -q, and JSON lines
/// only with --log-format json.
@Suite struct CLIOutputLevelTests {
    /// A folder with 3 indexable files and 300 the service does not index.
    func populated() async throws -> (EmulatorHarness, [String]) {
        let h = try EmulatorHarness()
        _ = try await h.client.createInstance(id: "docs")
        for index in 0..<3 { try h.write("doc\(index).md", "words \(index)") }
        for index in 0..<300 { try h.write("bin/tool\(index).exe", "binary \(index)") }
        return (h, ["--instance", "docs", "--state-dir", h.stateDirectory.path])
    }

    func lines(_ run: CLIRun) -> [String] {
        (run.output + run.error).split(separator: "\n").map(String.init)
    }

    @Test func syncSummarisesFilesLeftOutByReasonAtTheDefaultLevel() async throws {
        let (h, common) = try await populated()
        defer { Task { await h.stop() } }
        let run = await h.run(["sync", h.root.path] + common)
        #expect(run.status == 0, "\(run.error)")
        let all = lines(run)
        #expect(all.count < 40, "\(all.count) lines:\n\(all.prefix(50).joined(separator: "\n"))")
        #expect(run.error.contains("left out: 300 files of a type AI Search does not index (.exe): bin/tool"), "\(run.error)")
        #expect(run.error.contains("and 297 more (-v lists every file)"))
        #expect(run.output.hasPrefix("sync: 3 uploaded"), "\(run.output)")
    }

    @Test func verboseListsEveryFileAndQuietOnlyTheFinalLine() async throws {
        let (h, common) = try await populated()
        defer { Task { await h.stop() } }
        let verbose = await h.run(["plan", h.root.path, "-v"] + common)
        #expect(verbose.status == 0, "\(verbose.error)")
        #expect(verbose.error.split(separator: "\n").filter { $0.hasPrefix("skipped  bin/tool") }.count == 300)

        let quiet = await h.run(["sync", h.root.path, "-q"] + common)
        #expect(quiet.status == 0, "\(quiet.error)")
        #expect(quiet.error.isEmpty, "\(quiet.error)")
        #expect(quiet.output.split(separator: "\n").count == 1 && quiet.output.hasPrefix("sync: 3 uploaded"), "\(quiet.output)")

        let status = await h.run(["status", h.root.path, "-q"] + common)
        #expect(status.output.split(separator: "\n").map(String.init) == ["every eligible file is searchable"], "\(status.output)")
        let summarised = await h.run(["status", h.root.path] + common)
        #expect(summarised.output.contains("left out: 300 files of a type AI Search does not index (.exe)"), "\(summarised.output)")
        #expect(!summarised.output.contains("ineligible"), "\(summarised.output)")

        let both = await h.run(["sync", h.root.path, "-q", "-v"] + common)
        #expect(both.status == 2)
    }

    @Test func everyLineOfSyncWithJSONLogsParses() async throws {
        let (h, common) = try await populated()
        defer { Task { await h.stop() } }
        let run = await h.run(["sync", h.root.path, "--log-format", "json"] + common)
        #expect(run.status == 0, "\(run.error)")
        let all = lines(run)
        #expect(!all.isEmpty)
        var events: [String] = []
        for line in all {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not JSON: \(line)")
            if let event = object?["event"] as? String { events.append(event) }
        }
        #expect(events.contains("files_left_out") && events.last == "sync_done", "\(events)")
    }

    @Test func anErrorIsARecordTooWithJSONLogs() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let run = await h.run(["sync", h.root.path + "/missing", "-i", "docs", "--log-format", "json"])
        #expect(run.status == 2)
        let lines = run.error.split(separator: "\n")
        #expect(lines.count == 1, "\(run.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        #expect(object["event"] as? String == "command_failed" && object["exit_code"] as? Int == 2, "\(run.error)")
        #expect((object["message"] as? String)?.contains("does not exist") == true)
    }

    @Test func jsonAnswersUseSnakeCaseKeysAndDocumentedWords() async throws {
        let (h, common) = try await populated()
        defer { Task { await h.stop() } }
        let plan = await h.run(["plan", h.root.path, "--json"] + common)
        #expect(plan.status == 0, "\(plan.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        #expect(Self.keys(of: object).allSatisfy { $0 == $0.lowercased() }, "\(Self.keys(of: object).sorted())")
        #expect((object["left_out"] as? [Any])?.count == 300)
        #expect(((object["uploads"] as? [[String: Any]])?.first?["reason"] as? String) == "new")
        #expect((object["cost"] as? [String: Any])?["estimated_seconds"] != nil)

        let sync = await h.run(["sync", h.root.path, "--json"] + common)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(sync.output.utf8)) as? [String: Any])
        #expect(Self.keys(of: answer).allSatisfy { $0 == $0.lowercased() }, "\(Self.keys(of: answer).sorted())")
        #expect(answer["in_sync"] as? Bool == true && answer["files_scanned"] != nil)
    }

    /// Every object key in a decoded JSON value.
    static func keys(of value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(keys(of: $1.value)) }
        }
        if let array = value as? [Any] { return array.reduce(into: Set<String>()) { $0.formUnion(keys(of: $1)) } }
        return []
    }
}

import AISearchAPI
import CLI
import Emulator
import Foundation
import Testing

@Suite struct CLIStatusTests {
    @Test func listsEveryUnsearchableFileWithItsReasonUntilFixed() async throws {
        let h = try EmulatorHarness(failingKeys: ["broken.md"])
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        try h.write("ok.md", "fine words")
        try h.write("broken.md", "this one fails")
        try h.write("tool.exe", "not indexable")
        try h.write("big.txt", bytes: [UInt8](repeating: 0x61, count: 4 * 1024 * 1024 + 1))
        let common = ["--instance", "docs", "--state-dir", h.stateDirectory.path]

        let before = await h.run(["status", h.root.path] + common)
        #expect(before.status == 1, "\(before.error)")
        #expect(before.output.contains("new         ok.md: not uploaded yet") || before.output.contains("ok.md: not uploaded yet"))

        let synced = await h.run(["sync", h.root.path, "--wait"] + common)
        #expect(synced.status != 2, "\(synced.error)")
        await h.server.emulator.clearRequestCounts()
        let failing = await h.run(["status", h.root.path] + common)
        #expect(failing.status == 1, "\(failing.output)\(failing.error)")
        let lines = failing.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("error") && $0.contains("broken.md: ") && $0.lowercased().contains("inject") },
                "\(failing.output)")
        // Files left out: one line per reason by default, one per file with -v.
        #expect(lines.contains("left out: 1 file of a type AI Search does not index (.exe): tool.exe"), "\(failing.output)")
        #expect(lines.contains { $0.hasPrefix("left out: 1 file over the API's limit") && $0.hasSuffix(": big.txt") })
        let verbose = await h.run(["status", h.root.path, "-v"] + common)
        let verboseLines = verbose.output.split(separator: "\n").map(String.init)
        #expect(verboseLines.contains { $0.hasPrefix("ineligible") && $0.contains("tool.exe: unsupported type") })
        #expect(verboseLines.contains { $0.hasPrefix("ineligible") && $0.contains("big.txt: too large") })
        #expect(!lines.contains { $0.contains("ok.md") })
        #expect(lines.contains { $0.hasPrefix("instance docs: 1 completed") && $0.contains("1 error") })
        #expect(lines.last == "1 file(s) not searchable yet")
        // Remote state came from status-filtered listings, not one request per file.
        let counts = await h.server.emulator.requestCounts()
        let itemGets = counts.filter { $0.route.hasSuffix("/items/{item_id}") }.map(\.count).reduce(0, +)
        #expect(itemGets == 0)

        let json = await h.run(["status", h.root.path, "--json"] + common)
        #expect(json.output.contains("\"searchable\" : false") && json.output.contains("\"state\" : \"error\""))

        try h.remove("broken.md")
        _ = await h.run(["sync", h.root.path, "--wait"] + common)
        await h.server.emulator.settleAll()
        let fixed = await h.run(["status", h.root.path] + common)
        #expect(fixed.status == 0, "\(fixed.output)\(fixed.error)")
        #expect(fixed.output.contains("tool.exe") && fixed.output.hasSuffix("every eligible file is searchable\n"))
    }

    /// NFC and NFD `café.md` are two files, so two entries, each under its own bytes.
    @Test func listsNamesThatDifferOnlyInNormalisationAsTwoFiles() async throws {
        struct Report: Decodable { struct Entry: Decodable { var key: String; var state: String }; var files: [Entry] }
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        let twins = ["caf\u{E9}.md", "cafe\u{301}.md"]
        for name in twins { try h.write(name, name) }
        let run = await h.run(["status", h.root.path, "--json", "--instance", "docs", "--state-dir", h.stateDirectory.path])
        let report = try JSONDecoder().decode(Report.self, from: Data(run.output.utf8))
        #expect(report.files.map { Array($0.key.utf8) } == twins.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) },
                "\(run.output)\(run.error)")
        #expect(report.files.allSatisfy { $0.state == "new" })
    }
}

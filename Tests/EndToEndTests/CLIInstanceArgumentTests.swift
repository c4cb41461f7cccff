import CLI
import Foundation
import Testing

/// `search` and `sync` answer a missing or malformed instance as the API commands do (exit 3,
/// before any request, no "create it" hint), and `search` takes wrangler's form.
@Suite struct CLIInstanceArgumentTests {
    @Test(arguments: [
        (["search", "narwhal"], "no instance: pass --instance ID (or set AISEARCH_INSTANCE)"),
        (["search", "x", "-i", "my.docs"], #"--instance: "my.docs" is not an instance id; use lowercase letters, digits, - and _, 1 to 64 characters"#),
        (["sync", "ROOT", "-i", "Docs"], #"--instance: "Docs" is not allowed; use an instance id (lowercase letters, digits, - and _, 1 to 64 characters)"#),
        (["sync", "ROOT"], "no instance for"),
    ])
    func aMissingOrMalformedInstanceExitsThree(arguments: [String], message: String) async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        await h.server.emulator.clearRequestCounts()
        let run = await h.run(arguments.map { $0 == "ROOT" ? h.root.path : $0 })
        #expect(run.status == 3, "\(run.error)")
        #expect(run.error.hasPrefix("aisearch-sync: error: \(message)"), "\(run.error)")
        #expect(!run.error.contains("instances create"))
        #expect(await h.server.emulator.requestCounts().isEmpty)
    }

    @Test func searchTakesWranglersForm() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        _ = try await h.client.uploadItem(to: "docs", key: "fox.md", contents: Array("the red fox runs".utf8), waitForCompletion: true)
        let wrangler = await h.run(["search", "docs", "--query", "red fox", "--max-num-results", "5"])
        let ours = await h.run(["search", "red fox", "-i", "docs", "--max-results", "5"])
        #expect(wrangler.status == 0 && ours.status == 0, "\(wrangler.error)\(ours.error)")
        #expect(wrangler.output == ours.output && wrangler.output.contains("fox.md"), "\(wrangler.output)")

        let conflict = await h.run(["search", "docs", "--query", "x", "-i", "notes"])
        #expect(conflict.status == 2, "\(conflict.error)")
    }
}

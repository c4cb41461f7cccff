import AISearchAPI
import CLI
import Emulator
import Foundation
import Testing

/// What one run of the real command tree printed, against the harness's emulator.
struct CLIRun {
    var status: Int32
    var output: String
    var error: String
}

extension EmulatorHarness {
    func run(_ arguments: [String], color: Bool = false, width: Int = 100) async -> CLIRun {
        let terminal = CapturingTerminal(width: width, isInteractive: color, usesColor: color)
        let environment = ["CLOUDFLARE_ACCOUNT_ID": Self.account, "CLOUDFLARE_API_TOKEN": Self.token]
        let status = await runCLI(arguments: arguments + ["--base-url", server.baseURL], commands: .aisearchSync,
                                  terminal: terminal, environment: environment)
        return CLIRun(status: status, output: terminal.standardOutput, error: terminal.standardError)
    }
}

@Suite struct CLISearchTests {
    func populated() async throws -> EmulatorHarness {
        let h = try EmulatorHarness()
        _ = try await h.client.createInstance(id: "docs")
        for (key, text) in [("sea.md", "the narwhal swims in the cold sea"), ("land.md", "the fox runs on the land"),
                            ("both.md", "a fox watched a narwhal from the shore")] {
            _ = try await h.client.uploadItem(to: "docs", key: key, contents: Array(text.utf8), waitForCompletion: true)
        }
        return h
    }

    @Test func printsKeyScoreAndSnippetPerHit() async throws {
        let h = try await populated()
        defer { Task { await h.stop() } }
        let run = await h.run(["search", "narwhal", "--instance", "docs"])
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("1. ") && lines[0].hasSuffix("1.000"))
        #expect(lines.contains("   the narwhal swims in the cold sea") && lines.contains { $0.contains("sea.md") })
        #expect(!run.output.contains("\u{1B}["))
    }

    @Test func highlightsOnAColourTerminalAndHonoursModeAndLimit() async throws {
        let h = try await populated()
        defer { Task { await h.stop() } }
        let coloured = await h.run(["search", "fox narwhal", "--instance", "docs"], color: true)
        #expect(coloured.output.contains("\u{1B}[1mfox\u{1B}[0m") && coloured.output.contains("\u{1B}[1mnarwhal\u{1B}[0m"))
        #expect(coloured.output.split(separator: "\n").count == 2) // and: only both.md
        let or = await h.run(["search", "fox narwhal", "--instance", "docs", "--mode", "or", "--max-results", "2"])
        #expect(or.output.split(separator: "\n").count == 4 && or.output.contains("1. both.md"))
        let none = await h.run(["search", "unicorn", "--instance", "docs"])
        #expect(none.status == 0 && none.output == "No matches.\n")
        let bad = await h.run(["search", "fox", "--instance", "docs", "--mode", "xor"])
        #expect(bad.status == 2)
    }

    @Test func jsonIsTheAPIAnswer() async throws {
        let h = try await populated()
        defer { Task { await h.stop() } }
        let run = await h.run(["search", "land", "--instance", "docs", "--json"])
        let result = try JSONDecoder().decode(SearchResult.self, from: Data(run.output.utf8))
        #expect(result.chunks.map(\.itemKey) == ["land.md"] && result.queryKind == "text")
    }
}

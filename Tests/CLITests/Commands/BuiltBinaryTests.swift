import Foundation
import Testing
import TestSupport

/// The real executable, as a shell runs it: exit codes and text on the real streams, standard
/// input not a terminal. `swift test` builds every product before running tests, so the binary
/// sits next to the test bundle.
@Suite struct BuiltBinaryTests {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// `aisearch-sync` beside the running test bundle, else under `.build/debug` of this package.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("aisearch-sync"))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/aisearch-sync"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "aisearch-sync is not built (looked at \(candidates.map(\.path))); run 'swift build --product aisearch-sync'")
    }

    /// Runs the binary with exactly `environment` (nothing inherited) and standard input from /dev/null.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let result = try await runChildProcess(try binary().path, arguments, environment: environment, mergingErrors: false)
        return Result(status: result.status, output: result.output, error: result.error)
    }

    @Test func helpListsTheCommandGroups() async throws {
        let result = try await Self.run(["--help"])
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        #expect(result.output.hasPrefix("OVERVIEW: Keep a Cloudflare AI Search instance in step with a local folder.\n"))
        for group in ["namespaces", "instances", "items", "jobs"] {
            #expect(result.output.contains("\n  \(group) "), "help lacks \(group)")
        }
        #expect(result.output.contains("--api-token <token>"))
    }

    @Test func jobsHelpShowsItsSubcommands() async throws {
        let result = try await Self.run(["jobs", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE: aisearch-sync jobs <subcommand>"))
        for verb in ["create", "list", "get", "cancel", "logs"] {
            #expect(result.output.contains("\n  \(verb) "), "jobs help lacks \(verb)")
        }
    }

    @Test func misspelledOptionExitsTwoWithASuggestion() async throws {
        let result = try await Self.run(["items", "list", "--instnace", "docs"])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == """
            aisearch-sync: error: unknown option '--instnace'; did you mean '--instance'?
            Run 'aisearch-sync items list --help' for usage.

            """)
    }

    @Test func missingTokenExitsThree() async throws {
        let result = try await Self.run(["instances", "list"], environment: ["CLOUDFLARE_ACCOUNT_ID": "acc"])
        #expect(result.status == 3)
        #expect(result.output.isEmpty)
        #expect(result.error.hasPrefix("aisearch-sync: error: no API credentials: set CLOUDFLARE_API_TOKEN, or pass --token-file, "
            + "or set api_token_file in the config file\n"))
    }

    @Test func deleteWithoutATerminalOrYesExitsTwo() async throws {
        let result = try await Self.run(["items", "delete", "it1", "-i", "docs"],
                                  environment: ["CLOUDFLARE_ACCOUNT_ID": "acc", "CLOUDFLARE_API_TOKEN": Secrets.token])
        #expect(result.status == 2)
        #expect(result.error.hasPrefix("aisearch-sync: error: not confirmed: standard input is not a terminal; pass -y (--force)"))
        #expect(!result.error.contains(Secrets.token))
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await Self.run(["--version"])
        #expect(result.status == 0)
        #expect(result.output == "0.1.0\n")
    }
}

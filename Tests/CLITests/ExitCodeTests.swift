@testable import CLI
import Foundation
import LinuxSystem
import Testing

/// Thrown errors map to one message and one exit code, in `ErrorReport`.
@Suite struct ExitCodeTests {
    @Test func exitCodeValuesAreStable() {
        #expect(ExitCode.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 130])
    }

    @Test(arguments: [
        ("config", Int32(3), "aisearch-sync: error: CLOUDFLARE_API_TOKEN is not set\nSet it to an API token with AI Search permissions.\n"),
        ("remote", Int32(1), "aisearch-sync: error: GET /jobs: 500 Internal Server Error\n"),
        ("cancel", Int32(130), "aisearch-sync: error: interrupted\n"),
        ("other", Int32(1), "aisearch-sync: error: something odd happened\n"),
        ("definition", Int32(1),
         "aisearch-sync: error: internal error in the command definitions: 'aisearch-sync fail' reads '--undeclared', which it does not declare\n"),
    ])
    func thrownErrorBecomesMessageAndExitCode(kind: String, status: Int32, error: String) async {
        let result = await run(["fail", "--kind", kind])
        #expect(result.status == status)
        #expect(result.error == error)
        #expect(result.output == "")
    }

    @Test func thrownExitCodeIsSilent() async {
        let result = await run(["fail", "--kind", "silent"])
        #expect(result.status == 1)
        #expect(result.output == "2 of 3 files uploaded\n")
        #expect(result.error == "")
    }

    @Test func successfulRunExitsZero() async {
        #expect(await run(["status"]).status == 0)
    }

    @Test func systemErrorIsALocalIOError() {
        let report = ErrorReport(SystemError("open", subject: "/missing/root", errno: .noSuchFile))
        #expect(report.exitCode == .localIO)
        #expect(report.message?.hasPrefix("open /missing/root: ") == true)
        #expect(report.message?.hasSuffix("(ENOENT)") == true)
    }

    @Test func foundationFileErrorIsALocalIOError() {
        #expect(ErrorReport(CocoaError(.fileReadNoSuchFile)).exitCode == .localIO)
    }

    @Test func usageErrorGetsTheRunningCommandsHint() {
        let report = ErrorReport(UsageError("bad"), commandPath: ["aisearch-sync", "jobs"])
        #expect(report == ErrorReport(message: "bad", hint: "Run 'aisearch-sync jobs --help' for usage.", exitCode: .usage))
    }

    @Test func errorLabelIsRedOnAColourTerminal() async {
        let terminal = CapturingTerminal(usesColor: true)
        let status = await runCLI(arguments: ["nope"], commands: Demo.root, terminal: terminal, environment: [:])
        #expect(status == 2)
        #expect(terminal.standardError.hasPrefix("aisearch-sync: \u{1B}[31merror:\u{1B}[0m unknown command 'nope'"))
    }

    @Test func brokenTreeIsRefusedBeforeParsing() async {
        let broken = CommandSpec("tool", abstract: "", options: [.flag("--help", help: "")]) { _ in }
        let terminal = CapturingTerminal()
        let status = await runCLI(arguments: [], commands: broken, terminal: terminal, environment: [:])
        #expect(status == 1)
        #expect(terminal.standardError == "tool: error: internal error in the command definitions: 'tool': option '--help' is declared twice or is reserved\n")
    }
}

/// Serialized: it raises a real SIGINT in this process.
@Suite(.serialized) struct InterruptTests {
    @Test func interruptCancelsTheCommandAndExitsWith130() async {
        let tree = CommandSpec("tool", abstract: "") { _ in
            kill(getpid(), SIGINT)
            try await Task.sleep(for: .seconds(600))
        }
        let terminal = CapturingTerminal()
        let status = await runCLI(arguments: [], commands: tree, terminal: terminal, environment: [:], cancelsOnInterrupt: true)
        #expect(status == 130)
        #expect(terminal.standardError == "tool: error: interrupted\n")
    }
}

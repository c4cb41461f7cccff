import Testing
import TestSupport

/// The shared child-process runner's hang guard: a child still running at the time limit is
/// stopped, and what it printed until then comes back.
@Suite struct ChildProcessTimeLimitTests {
    @Test func aChildPastItsTimeLimitIsStoppedWithWhatItPrinted() async throws {
        let run = try await runChildProcess("/bin/sh", ["-c", "echo started; exec sleep 600"], timeLimit: .milliseconds(300))
        #expect(run.output == "started\n")
        #expect(run.status == 128 + 9, "SIGKILL, as a shell reports it")
    }

    @Test func aChildWithinItsTimeLimitEndsAsItWould() async throws {
        let run = try await runChildProcess("/bin/sh", ["-c", "echo done; exit 3"], timeLimit: .seconds(600))
        #expect(run.output == "done\n")
        #expect(run.status == 3)
    }
}

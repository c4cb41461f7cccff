import Foundation
import Glibc
import LinuxSystem
import Testing
import TestSupport

/// `ChildProcess` against real children: `/bin/sh` and what it reports of itself through /proc.
/// Each test waits for its child off the cooperative pool (`waitForExit` blocks).
@Suite struct ChildProcessTests {
    /// Runs `script` under `/bin/sh -c` through `runChildProcess`, which is built on `ChildProcess`
    /// (pipes for input and output, errors merged, the status awaited off the pool).
    private func shell(_ script: String, environment: [String: String]? = nil, directory: String? = nil,
                       input: [UInt8]? = nil) async throws -> (status: Int32, output: String) {
        let run = try await runChildProcess("/bin/sh", ["-c", script], environment: environment,
                                            input: input.map { Data($0) }, directory: directory)
        return (run.status, run.output)
    }

    @Test func outputErrorsAndStatusComeBack() async throws {
        let run = try await shell("echo out; echo err >&2; exit 7")
        #expect(run.status == 7)
        #expect(run.output == "out\nerr\n")
    }

    @Test func inputEnvironmentAndDirectoryAreTheOnesGiven() async throws {
        let directory = try #require(FileManager.default.temporaryDirectory.path.removingPercentEncoding)
        let run = try await shell("cat; echo \"[$ONLY]\"; env | wc -l; pwd", environment: ["ONLY": "this"],
                                  directory: directory, input: Array("from stdin\n".utf8))
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "from stdin")
        #expect(lines.dropFirst().first == "[this]")
        // dash adds PWD (and nothing else the parent has) to what it was given.
        #expect(Int(lines.dropFirst(2).first?.trimmingCharacters(in: .whitespaces) ?? "") ?? 99 <= 3)
        #expect(lines.last.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == URL(fileURLWithPath: directory).resolvingSymlinksInPath().path)
    }

    @Test func anEnvironmentOfNilIsOurs() async throws {
        let run = try await shell("echo \"$PATH\"")
        #expect(run.output == (ProcessInfo.processInfo.environment["PATH"] ?? "") + "\n")
    }

    /// A descriptor of ours without close-on-exec (as a library might leave one) never reaches
    /// the child: it would hold a pipe open behind its reader's back.
    @Test func onlyTheStandardStreamsReachTheChild() async throws {
        let leaky = dup(STDERR_FILENO)
        try #require(leaky > 2)
        defer { close(leaky) }
        #expect(fcntl(leaky, F_GETFD) & FD_CLOEXEC == 0)
        let run = try await shell("if [ -e /proc/$$/fd/\(leaky) ]; then echo inherited; else echo closed; fi")
        #expect(run.output == "closed\n")
    }

    /// Started from a thread that blocks SIGTERM (as Swift concurrency's threads do), the child
    /// still has no signal blocked, and SIGTERM ends it. (Probed with grep and sleep: a shell
    /// clears its mask itself.)
    @Test func theChildStartsWithNoSignalBlocked() async throws {
        let run = try await offTheCooperativePool { () throws -> (mask: String, status: Int32) in
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            let output = try FileDescriptor.makePipe(nonBlocking: false)
            let grep = try ChildProcess(executable: "/bin/grep", arguments: ["SigBlk", "/proc/self/status"],
                                        output: .descriptor(output.write))
            output.write.close()
            let mask = String(decoding: try output.read.readToEnd(), as: UTF8.self)
            _ = grep.waitForExit()
            let sleeper = try ChildProcess(executable: "/bin/sleep", arguments: ["600"])
            sleeper.signal(SIGTERM)
            // A hang guard, should SIGTERM stay blocked: SIGKILL ends it with another status.
            DispatchQueue.global().asyncAfter(deadline: .now() + 60) { sleeper.signal(SIGKILL) }
            return (mask, sleeper.waitForExit())
        }
        #expect(run.mask.hasPrefix("SigBlk:") && run.mask.hasSuffix("0000000000000000\n"), "\(run.mask)")
        #expect(run.status == 128 + SIGTERM)
    }

    @Test func theStatusIsReadWithoutBlockingAndASignalAfterTheEndIsDropped() async throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exec sleep 600"])
        #expect(child.isRunning)
        #expect(child.exitStatus == nil)
        child.signal(SIGKILL)
        let status = try await offTheCooperativePool { child.waitForExit() }
        #expect(status == 128 + SIGKILL)
        #expect(child.exitStatus == 128 + SIGKILL)
        #expect(!child.isRunning)
        child.signal(SIGKILL)  // reaped: the pid is no longer ours to signal, and nothing is sent
    }

    /// A child dropped unreaped does not stay a zombie: it is reaped once it ends.
    @Test func aChildNobodyWaitedForIsReapedWhenItEnds() async throws {
        var child: ChildProcess? = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exec sleep 600"])
        let pid = try #require(child?.pid)
        child?.signal(SIGKILL)
        child = nil
        // While it is unreaped, its /proc entry stays (as a zombie, state Z); reaped, it goes.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)/stat"), clock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        #expect(stat.isEmpty || !stat.contains(") Z "), "still a zombie: \(stat)")
    }

    @Test func aMissingExecutableIsATypedError() {
        #expect(throws: SystemError("posix_spawn", subject: "/nonexistent/program", errno: .noSuchFile)) {
            _ = try ChildProcess(executable: "/nonexistent/program", arguments: [])
        }
    }

    @Test func appendingWritesAtTheEndOfAFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("first\n".utf8).write(to: URL(fileURLWithPath: path))
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo second; echo third >&2"],
                                     output: .appending(to: path), error: .appending(to: path))
        let status = try await offTheCooperativePool { child.waitForExit() }
        #expect(status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\nsecond\nthird\n")
    }
}

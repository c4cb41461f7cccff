#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LinuxSystem

/// Runs the agent binary as a child process and does to it what the torture does: start, SIGKILL,
/// SIGSTOP/SIGCONT around a burst, and a SIGTERM at the end. Each start writes its own
/// `agent-N.out`/`.err` in `logDirectory` (files, not pipes: a full pipe would block the agent).
/// An actor: the process handle is touched by one task at a time.
public actor AgentSupervisor {
    public struct Counts: Sendable, Hashable {
        public var starts = 0
        public var kills = 0
        /// Exits nobody asked for, e.g. `agent-3: exit status 139` (128 + SIGSEGV).
        public var unexpectedExits: [String] = []
    }

    private let executable: String
    private let arguments: [String]
    private let environment: [String: String]
    private let logDirectory: String
    private var process: ChildProcess?
    public private(set) var counts = Counts()

    public init(executable: String, arguments: [String], environment: [String: String], logDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.logDirectory = logDirectory
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// Starts a new agent process (the previous one must be gone).
    public func start() throws {
        noteUnexpectedExit()
        counts.starts += 1
        let name = "\(logDirectory)/agent-\(counts.starts)"
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: environment,
                                       output: .appending(to: name + ".out"), error: .appending(to: name + ".err"))
        self.process = process
    }

    /// Starts the agent if it is not running (it may have exited on its own, which is recorded).
    public func ensureRunning() throws {
        if !isRunning { try start() }
    }

    /// SIGKILL, then waits until the process is reaped, so the next start never overlaps it.
    public func kill() async {
        noteUnexpectedExit()
        guard let process, process.isRunning else { return }
        process.signal(SIGKILL)
        counts.kills += 1
        await waitForExit(process, within: .seconds(30))
        self.process = nil
    }

    /// SIGSTOP: the agent's inotify queue keeps filling while it cannot read it.
    public func suspend() -> Bool {
        guard let process, process.isRunning else { return false }
        process.signal(SIGSTOP)
        return true
    }

    public func resume() {
        guard let process, process.isRunning else { return }
        process.signal(SIGCONT)
    }

    /// Records an exit the torture did not cause and forgets the process. True if there was one.
    @discardableResult
    public func noteUnexpectedExit() -> Bool {
        guard let process, !process.isRunning else { return false }
        counts.unexpectedExits.append("agent-\(counts.starts): exit status \(process.exitStatus ?? -1) (see agent-\(counts.starts).err)")
        self.process = nil
        return true
    }

    /// SIGTERM and a wait for a clean exit; the status, or nil if it had to be killed.
    public func terminate(within limit: Duration = .seconds(30)) async -> Int32? {
        noteUnexpectedExit()
        guard let process, process.isRunning else { return nil }
        process.signal(SIGTERM)
        await waitForExit(process, within: limit)
        self.process = nil
        if process.isRunning {
            process.signal(SIGKILL)
            await waitForExit(process, within: .seconds(5))
            return nil
        }
        return process.exitStatus
    }

    private func waitForExit(_ process: ChildProcess, within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }
}

import Foundation
import Synchronization

/// Blocking work (waiting for a child process, reading a pipe to its end) done on a thread of its
/// own instead of one of the cooperative pool's.
///
/// Swift Testing runs every test on the cooperative pool, which has one thread per core: two on CI.
/// A test that blocks one of them while its child talks to a server in this process (the emulator,
/// the HTTP server under test) leaves that server one thread or none, and the whole run stalls until
/// some timeout fires: CI saw a 35 s stall in which every deadline expired at once.
public func offTheCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// What a child process printed and how it ended.
public struct ChildProcessResult: Sendable {
    public let status: Int32
    /// Standard output, with standard error too when the run merged them.
    public let output: String
    /// Standard error when kept apart; empty when merged into `output`.
    public let error: String
}

/// Runs `executable` to its end without holding a cooperative thread.
///
/// - Parameters:
///   - environment: the child's whole environment; nil inherits ours.
///   - input: written to its standard input, which is then closed; nil gives it /dev/null.
///   - mergingErrors: standard error goes to `output` (true) or to `error` (false).
///   - timeLimit: a hang guard, never a timing assertion: a child still running then is killed
///     (SIGKILL: a child inherits the signal mask of the test process, where SIGTERM may be
///     blocked), and its result is what it printed until then.
public func runChildProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    input: Data? = nil, directory: String? = nil, mergingErrors: Bool = true, timeLimit: Duration? = nil
) async throws -> ChildProcessResult {
    try await offTheCooperativePool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let error = mergingErrors ? output : Pipe()
        let stdin = input.map { _ in Pipe() }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        let finished = Mutex(false)
        if let timeLimit {
            let pid = process.processIdentifier
            let (seconds, attoseconds) = timeLimit.components
            DispatchQueue.global().asyncAfter(deadline: .now() + Double(seconds) + Double(attoseconds) / 1e18) {
                // Checked under the lock, so a pid reused after the exit is never signalled.
                finished.withLock { if !$0 { _ = kill(pid, SIGKILL) } }
            }
        }
        // Standard error is drained beside standard output, so a child that fills one pipe while
        // we wait on the other cannot block.
        let errorText = Mutex(Data())
        let errorDone = DispatchSemaphore(value: 0)
        if !mergingErrors {
            Thread {
                let data = error.fileHandleForReading.readDataToEndOfFile()
                errorText.withLock { $0 = data }
                errorDone.signal()
            }.start()
        }
        if let stdin, let input {
            // Written from its own thread for the same reason: a large input and a chatty child.
            Thread {
                stdin.fileHandleForWriting.write(input)
                try? stdin.fileHandleForWriting.close()
            }.start()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        if !mergingErrors { errorDone.wait() }
        process.waitUntilExit()
        finished.withLock { $0 = true }
        return ChildProcessResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                                  error: String(decoding: errorText.withLock { $0 }, as: UTF8.self))
    }
}

/// `sh -c command`, to its end, off the cooperative pool.
public func runShell(_ command: String, in directory: String? = nil) async throws -> ChildProcessResult {
    try await runChildProcess("/bin/sh", ["-c", command], directory: directory)
}

import Foundation
import LinuxSystem
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
    /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
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
///     (SIGKILL, which nothing can catch), and its result is what it printed until then.
public func runChildProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    input: Data? = nil, directory: String? = nil, mergingErrors: Bool = true, timeLimit: Duration? = nil
) async throws -> ChildProcessResult {
    try await offTheCooperativePool {
        let output = try FileDescriptor.makePipe(nonBlocking: false)
        let error = mergingErrors ? nil : try FileDescriptor.makePipe(nonBlocking: false)
        let stdin = input == nil ? nil : try FileDescriptor.makePipe(nonBlocking: false)
        let process = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment, directory: directory,
            input: stdin.map { .descriptor($0.read) } ?? .null, output: .descriptor(output.write),
            error: error.map { .descriptor($0.write) } ?? .inherited, mergingErrors: mergingErrors)
        // Our copies of the child's ends are closed, so each reader sees the end when the child's are.
        output.write.close()
        error?.write.close()
        stdin?.read.close()
        if let timeLimit {
            let (seconds, attoseconds) = timeLimit.components
            DispatchQueue.global().asyncAfter(deadline: .now() + Double(seconds) + Double(attoseconds) / 1e18) {
                process.signal(SIGKILL)  // a no-op once the child is reaped
            }
        }
        // Standard error is drained beside standard output, so a child that fills one pipe while
        // we wait on the other cannot block.
        let errorText = Mutex<[UInt8]>([])
        let errorDone = DispatchSemaphore(value: 0)
        if let error {
            Thread {
                let bytes = (try? error.read.readToEnd()) ?? []
                errorText.withLock { $0 = bytes }
                errorDone.signal()
            }.start()
        }
        if let stdin, let input {
            // Written from its own thread for the same reason: a large input and a chatty child.
            Thread {
                try? stdin.write.writeAll(input)
                stdin.write.close()
            }.start()
        }
        let outputBytes = (try? output.read.readToEnd()) ?? []
        if error != nil { errorDone.wait() }
        let status = process.waitForExit()
        return ChildProcessResult(status: status, output: String(decoding: outputBytes, as: UTF8.self),
                                  error: String(decoding: errorText.withLock { $0 }, as: UTF8.self))
    }
}

/// `sh -c command`, to its end, off the cooperative pool.
public func runShell(_ command: String, in directory: String? = nil) async throws -> ChildProcessResult {
    try await runChildProcess("/bin/sh", ["-c", command], directory: directory)
}

#if canImport(Glibc)
import Glibc
#endif
import FileWatch
import Foundation
import LinuxSystem
import Synchronization
import Testing

/// Not a test: `scripts/bench-watch` runs it (release build) with AISEARCH_BENCH=1 and
/// AISEARCH_BENCH_TREE pointing at a generated tree. Does nothing in ordinary test runs.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AISEARCH_BENCH"] == "1"))
struct FileWatchBenchmark {
    static let writes = 200

    @Test func setupMemoryAndLatencyAgainstInotifywait() async throws {
        let treePath = try #require(ProcessInfo.processInfo.environment["AISEARCH_BENCH_TREE"])
        let tree = FilePathBytes(treePath)
        let latencyDirectory = tree.appending("latency")
        let clock = ContinuousClock()

        // Ours: start → first batch (every watch added, initial crawl done).
        let rssBefore = Self.memory("VmRSS")
        let started = clock.now
        let watcher = FileWatcher(root: tree)
        let box = ArrivalBox()
        let consumer = Task {
            for try await batch in watcher.events() { box.record(batch.changed.map(\.description), at: clock.now, rescan: batch.rescan) }
        }
        try await box.wait(timeout: .seconds(600)) { $0.rescans >= 1 }
        let ourSetup = started.duration(to: clock.now)
        let ourPeak = Self.memory("VmHWM"), rssAfter = Self.memory("VmRSS")
        let ourLatencies = try await Self.measureLatency(in: latencyDirectory, prefix: "ours", box: box, clock: clock)
        consumer.cancel()

        // inotifywait -r -m on the same tree: start → "Watches established." on stderr.
        let theirStarted = clock.now
        let theirs = try await Self.spawnAndWait(["inotifywait", "-r", "-m", "-e", "close_write", treePath], clock: clock)
        let theirSetup = theirStarted.duration(to: theirs.ready)
        let theirPeak = Self.memory("VmHWM", pid: theirs.process.pid)
        theirs.process.signal(SIGTERM)

        // inotifywait's raw event latency on the same kind of writes, for reference.
        let raw = try await Self.spawnAndWait(["inotifywait", "-m", "-e", "close_write", "--format", "%f", latencyDirectory.description], clock: clock)
        var rawLatencies: [Duration] = []
        for index in 0..<Self.writes {
            let name = "raw-\(index)"
            let written = clock.now
            try Self.write(latencyDirectory.appending(FilePathBytes(name)))
            let arrived = try await raw.stdout.waitFor(name, timeout: .seconds(10))
            rawLatencies.append(written.duration(to: arrived))
        }
        raw.process.signal(SIGTERM)

        let p = { (values: [Duration], q: Double) -> Duration in
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
        }
        let ms = { (d: Duration) -> String in String(format: "%.1f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) }
        let mb = { (kb: Int) -> String in String(format: "%.1f MiB", Double(kb) / 1024) }
        let ratio = { (a: Double, b: Double) -> String in String(format: "%.2fx", a / max(b, 1e-9)) }
        let seconds = { (d: Duration) -> Double in Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        print("""

        FileWatch benchmark: \(treePath) (\(watchesNeeded(root: tree)) directories watched)
        | measure                      | FileWatch          | inotifywait -r -m  | ratio |
        |------------------------------|--------------------|--------------------|-------|
        | watch setup (start → ready)  | \(ms(ourSetup)) | \(ms(theirSetup)) | \(ratio(seconds(ourSetup), seconds(theirSetup))) |
        | peak RSS (VmHWM, process)    | \(mb(ourPeak)) | \(mb(theirPeak)) | \(ratio(Double(ourPeak), Double(theirPeak))) |
        | RSS added by the watcher     | \(mb(rssAfter - rssBefore)) | \(mb(theirPeak)) | \(ratio(Double(rssAfter - rssBefore), Double(theirPeak))) |
        | write → report p50           | \(ms(p(ourLatencies, 0.5))) | \(ms(p(rawLatencies, 0.5))) (raw event) | \(ratio(seconds(p(ourLatencies, 0.5)), seconds(p(rawLatencies, 0.5)))) |
        | write → report p99           | \(ms(p(ourLatencies, 0.99))) | \(ms(p(rawLatencies, 0.99))) (raw event) | \(ratio(seconds(p(ourLatencies, 0.99)), seconds(p(rawLatencies, 0.99)))) |
        FileWatch latency uses the default settle windows: 200 ms quiet, 50 ms after IN_CLOSE_WRITE
        (each write here ends with close), plus a second stat; inotifywait reports the raw event.

        """)
    }

    static func measureLatency(in directory: FilePathBytes, prefix: String, box: ArrivalBox,
                               clock: ContinuousClock) async throws -> [Duration] {
        var latencies: [Duration] = []
        for index in 0..<writes {
            let name = "latency/\(prefix)-\(index)"
            let written = clock.now
            try write(directory.appending(FilePathBytes("\(prefix)-\(index)")))
            let arrived = try await box.waitFor(name, timeout: .seconds(10))
            latencies.append(written.duration(to: arrived))
        }
        return latencies
    }

    static func write(_ path: FilePathBytes) throws {
        let file = try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
        try file.writeAll(Array("benchmark\n".utf8))
        file.close()
    }

    /// A value in kB from /proc/<pid>/status.
    static func memory(_ field: String, pid: Int32? = nil) -> Int {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    struct Spawned {
        var process: ChildProcess
        var stdout: LineBox
        var ready: ContinuousClock.Instant
    }

    static func spawn(_ arguments: [String]) throws -> (ChildProcess, LineBox, LineBox) {
        let out = try FileDescriptor.makePipe(nonBlocking: false), err = try FileDescriptor.makePipe(nonBlocking: false)
        let process = try ChildProcess(executable: "/usr/bin/env", arguments: arguments,
                                       output: .descriptor(out.write), error: .descriptor(err.write))
        out.write.close()
        err.write.close()
        let stdoutLines = LineBox(), stderrLines = LineBox()
        stdoutLines.follow(out.read)
        stderrLines.follow(err.read)
        return (process, stdoutLines, stderrLines)
    }

    /// Starts `arguments` and waits for "Watches established." on its stderr.
    static func spawnAndWait(_ arguments: [String], clock: ContinuousClock) async throws -> Spawned {
        let (process, stdoutLines, stderrLines) = try spawn(arguments)
        let ready = try await stderrLines.waitFor("Watches established.", timeout: .seconds(600))
        return Spawned(process: process, stdout: stdoutLines, ready: ready)
    }
}

/// Lines read from a pipe by a dedicated thread, each with its arrival time.
final class LineBox: Sendable {
    private let lines = Mutex<[String: ContinuousClock.Instant]>([:])

    func follow(_ descriptor: FileDescriptor) {
        let thread = Thread { [self] in
            let clock = ContinuousClock()
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { (try? descriptor.read(into: $0)) ?? 0 }
                if count == 0 { return }
                pending.append(contentsOf: buffer[..<count])
                let now = clock.now
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lines.withLock { if $0[line] == nil { $0[line] = now } }
                }
            }
        }
        thread.start()
    }

    func waitFor(_ line: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let arrived = lines.withLock({ $0[line] }) { return arrived }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw WaitTimeout()
    }
}

/// Paths reported by our watcher, each with the time its batch arrived.
final class ArrivalBox: Sendable {
    struct State { var arrivals: [String: ContinuousClock.Instant] = [:]; var rescans = 0 }
    private let state = Mutex(State())

    func record(_ paths: [String], at now: ContinuousClock.Instant, rescan: Bool) {
        state.withLock { state in
            for path in paths where state.arrivals[path] == nil { state.arrivals[path] = now }
            if rescan { state.rescans += 1 }
        }
    }

    func wait(timeout: Duration, _ condition: @Sendable (State) -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if state.withLock({ condition($0) }) { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw WaitTimeout()
    }

    func waitFor(_ path: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let arrived = state.withLock({ $0.arrivals[path] }) { return arrived }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw WaitTimeout()
    }
}

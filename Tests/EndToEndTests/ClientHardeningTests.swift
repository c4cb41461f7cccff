import AISearchAPI
import Foundation
import LinuxSystem
import Glibc
import Testing

/// Issue 15, items 4 and 5, with the real binary: a request waiting on a silent server costs no
/// CPU, and 3,000 idle connections neither lock out nor bloat the `--listen` endpoint or the
/// emulator (whose admin routes want `--accept-token` when it is set).
@Suite(.serialized) struct ClientHardeningTests {
    @Test func waitingOnASilentServerCostsLessThanOneTickPerSecond() async throws {
        // A listener that never accepts: the kernel completes the handshake, nobody answers.
        let listener = try Listener()
        let child = try Child(["instances", "list"], environment: [
            "CLOUDFLARE_BASE_URL": "http://127.0.0.1:\(listener.port)/client/v4", "CLOUDFLARE_ACCOUNT_ID": "acct",
            "CLOUDFLARE_API_TOKEN": "t",
        ])
        #expect(await eventually(within: .seconds(120)) { listener.hasPendingConnection }, "the binary never connected")
        let window = 5
        let before = try #require(child.cpuTicks)
        try await Task.sleep(for: .seconds(window))  // the measured wait itself, not a settling pause
        let used = try #require(child.cpuTicks) - before
        print("silent server: \(used) CPU ticks in \(window) s of waiting")
        #expect(child.isRunning, "the binary gave up early: \(child.errors)")
        #expect(used < window, "\(used) ticks over \(window) s of waiting")
    }

    @Test func anEndlessAnswerEndsWithAClearErrorAndBoundedMemory() async throws {
        let listener = try Listener()
        // Accepts one connection and streams an endless chunked body until the client hangs up.
        Thread.detachNewThread { [descriptor = listener.descriptor] in
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var scratch = [UInt8](repeating: 0, count: 65_536)
            _ = read(connection, &scratch, scratch.count)
            let head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 65_536) + Array("\r\n".utf8)
            var bytes = head
            while bytes.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) > 0 { bytes = chunk }
        }
        let child = try Child(["instances", "list"], environment: [
            "CLOUDFLARE_BASE_URL": "http://127.0.0.1:\(listener.port)/client/v4", "CLOUDFLARE_ACCOUNT_ID": "acct",
            "CLOUDFLARE_API_TOKEN": "t",
        ])
        // The peak resident size, sampled until the process ends (VmHWM only ever grows).
        var peak = 0
        let ended = await eventually(within: .seconds(120)) {
            peak = max(peak, highWaterMark(of: child.process.pid) ?? 0)
            return !child.isRunning
        }
        print("endless answer: peak RSS \(peak) bytes; \(child.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(ended)
        #expect(child.process.exitStatus == 1)
        #expect(child.errors.contains("answer too large (more than 8 MiB)"), "\(child.errors)")
        #expect(peak < 100 * 1024 * 1024, "peak RSS \(peak) bytes")
    }

    @Test func listenEndpointStaysResponsiveAndSmallUnderThreeThousandIdleConnections() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "a")
        let agent = try AgentProcess(["watch", harness.root.path, "--instance", "docs", "--settle", "50ms",
                                      "--listen", "0.0.0.0:0", "--log-format", "json"], harness: harness)
        let port = try await listeningPort(agent)
        let warnings = agent.errors.split(separator: "\n").filter { $0.contains(#""event":"listener_exposed""#) }
        #expect(warnings.count == 1, "\(agent.errors)")
        #expect(warnings.first?.contains("not a loopback address") == true)
        #expect(warnings.first?.contains("127.0.0.1") == true)

        #expect(try await get(port, "/healthz").status == 200)
        let pid = agent.process.pid
        let baseline = try #require(residentBytes(of: pid))
        let connections = await openIdleConnections(3_000, port: port)
        #expect(try await get(port, "/healthz").status == 200, "the endpoint is locked out by idle connections")
        let during = try #require(residentBytes(of: pid))
        for descriptor in connections { close(descriptor) }
        #expect(try await get(port, "/metrics").status == 200)
        let after = try #require(residentBytes(of: pid))
        print("--listen under 3,000 idle connections: RSS \(baseline) -> \(during) -> \(after) bytes")
        #expect(during < baseline + 20 * 1024 * 1024)
        #expect(after < baseline + 20 * 1024 * 1024)
    }

    @Test func emulatorSurvivesABurstGivesMemoryBackAndGuardsItsAdminRoutes() async throws {
        let token = "admin-\(UUID().uuidString)"
        let emulator = try Child(["emulator", "--port", "0", "--accept-token", token], environment: [:])
        var baseURL: String?
        _ = await eventually(within: .seconds(120)) {
            baseURL = emulator.output.split(separator: "\n").first { $0.hasPrefix("http://") }.map(String.init)
            return baseURL != nil
        }
        let base = try #require(baseURL, "no base URL printed: \(emulator.errors)")
        let url = try #require(URL(string: base))
        let port = try #require(url.port)
        let stats = "http://127.0.0.1:\(port)/__emulator/stats"
        func admin(_ headers: TransportHeaders) async throws -> Int {
            try await CurlTransport().send(TransportRequest(method: .get, url: stats, headers: headers, timeout: .seconds(30))).status
        }
        #expect(try await admin([:]) == 401)
        #expect(try await admin(["Authorization": "Bearer wrong"]) == 401)
        #expect(try await admin(["Authorization": "Bearer \(token)"]) == 200)

        let pid = emulator.process.pid
        let baseline = try #require(residentBytes(of: pid))
        let connections = await openIdleConnections(3_000, port: port)
        #expect(try await admin(["Authorization": "Bearer \(token)"]) == 200, "locked out by idle connections")
        let during = try #require(residentBytes(of: pid))
        for descriptor in connections { close(descriptor) }
        var after = Int.max
        let settled = await eventually(within: .seconds(60)) {
            after = residentBytes(of: pid) ?? Int.max
            return after < baseline + 20 * 1024 * 1024
        }
        print("emulator under 3,000 idle connections: RSS \(baseline) -> \(during) -> \(after) bytes")
        #expect(settled, "RSS stayed at \(after) bytes after the burst (baseline \(baseline))")
        #expect(try await admin(["Authorization": "Bearer \(token)"]) == 200)
    }
}

/// The binary run with only the given environment (and HOME, PATH), output kept in memory files.
private final class Child: Sendable {
    let process: ChildProcess
    private let outputFile: URL
    private let errorFile: URL

    init(_ arguments: [String], environment: [String: String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputFile = directory.appendingPathComponent("out")
        errorFile = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process = try ChildProcess(executable: try AgentProcess.binary().path, arguments: arguments,
                                   environment: environment.merging(["HOME": directory.path, "PATH": "/usr/bin:/bin"]) { $1 },
                                   input: .null, output: .appending(to: outputFile.path), error: .appending(to: errorFile.path))
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.waitForExit()
    }

    var isRunning: Bool { process.isRunning }
    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// utime + stime of the process, from `/proc/PID/stat` (fields 14 and 15).
    var cpuTicks: Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}

/// `VmRSS` of a process, in bytes.
private func residentBytes(of pid: Int32) -> Int? { statusValue("VmRSS", of: pid) }

/// `VmHWM` (peak resident size) of a process, in bytes.
private func highWaterMark(of pid: Int32) -> Int? { statusValue("VmHWM", of: pid) }

/// A `kB` line of `/proc/PID/status`, in bytes.
private func statusValue(_ name: String, of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
    return line.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) }.map { $0 * 1024 }
}

/// A loopback listener that never accepts.
private final class Listener: @unchecked Sendable {
    // @unchecked: immutable after init.
    let port: UInt16
    private let socket: FileDescriptor
    var descriptor: Int32 { socket.rawValue }

    init() throws {
        socket = try FileDescriptor.listeningSocket(at: SocketAddress(ipAddress: "127.0.0.1", port: 0)!, backlog: 8, nonBlocking: false)
        port = try socket.localAddress().port
    }

    deinit { socket.close() }

    /// A completed connection waits in the accept queue.
    var hasPendingConnection: Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) == 1
    }
}

/// Opens `count` TCP connections to 127.0.0.1:`port` that send nothing, raising this process's
/// descriptor limit first if needed. The caller closes them. The blocking connects run on a
/// thread of their own, so the cooperative pool (which serves other tests' emulators) is not held.
private func openIdleConnections(_ count: Int, port: Int) async -> [Int32] {
    let descriptors = await withCheckedContinuation { (continuation: CheckedContinuation<[Int32], Never>) in
        Thread.detachNewThread { continuation.resume(returning: connectBlocking(count, port: port)) }
    }
    #expect(descriptors.count == count, "opened \(descriptors.count) of \(count) connections")
    return descriptors
}

private func connectBlocking(_ count: Int, port: Int) -> [Int32] {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    let wanted = rlim_t(count + 1_024)
    if limit.rlim_cur < wanted {
        limit.rlim_cur = min(wanted, limit.rlim_max)
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var descriptors: [Int32] = []
    for _ in 0..<count {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { break }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(descriptor); break }
        descriptors.append(descriptor)
    }
    return descriptors
}

import AISearchAPI
import Emulator
import Foundation

/// One torture run: an emulator on a loopback port, a temporary folder, the agent as a child
/// process, and `options.rounds` (or `options.duration` worth of) rounds of workload, faults,
/// kills, quiescence and comparison. Everything but timing follows from `options.seed`.
public struct TortureRun: Sendable {
    public let options: TortureOptions
    /// Where progress lines go (the executable passes `print`).
    public let log: @Sendable (String) -> Void

    static let instance = "torture"
    static let account = "torture-account"
    /// The bucket the instance reads with `--r2`.
    static let bucket = "torture-bucket"

    public init(options: TortureOptions, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.log = log
    }

    public func run() async throws -> TortureReport {
        var report = TortureReport(seed: options.seed)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("aisearch-torture-\(options.seed)-\(UUID().uuidString.prefix(8))").path
        report.workDirectory = work
        for folder in ["root", "parking", "state", "logs", "home"] {
            try FileManager.default.createDirectory(atPath: "\(work)/\(folder)", withIntermediateDirectories: true)
        }
        report.queueSize = Self.maxQueuedEvents()
        var shape = options.shape
        shape.burstFiller = WorkloadShape.filler(forQueueSize: report.queueSize)

        let token = "torture-\(UUID().uuidString)"
        let server = try EmulatorServer(configuration: EmulatorConfiguration(
            apiToken: token, accountID: Self.account, checksumMode: options.checksumMode, processingDelay: .milliseconds(50),
            waitTimeout: .seconds(5), rateLimit: RateLimitPolicy(requests: 10_000_000, windowSeconds: 300)))
        let probe = InstanceProbe(client: Self.client(baseURL: server.baseURL, token: token), instance: Self.instance,
                                  checksumMode: options.checksumMode)
        do {
            _ = try await probe.client.createInstance(id: Self.instance,
                                                      settings: options.r2 ? InstanceSettings(type: "r2", source: Self.bucket) : InstanceSettings())
        } catch let error as APIError where error.status == 409 {
            // A create whose answer was lost (a timeout on a loaded machine) and was retried: the
            // instance exists, which is all that is wanted.
            _ = try await probe.client.getInstance(Self.instance)
        }
        let agent = AgentSupervisor(executable: options.agentPath, arguments: [
            "watch", "\(work)/root", "--instance", Self.instance, "--base-url", server.baseURL, "--account-id", Self.account,
            "--api-token", token, "--state-dir", "\(work)/state", "--settle", "100ms",
            // The delete guard would rightly refuse a round that moves half the tree out; here we
            // want convergence, not a refusal.
            "--max-delete", "100%", "--allow-empty-root",
            // A reset connection can leave a request hanging until the timeout.
            "--timeout", "10s",
        ] + (options.r2 ? ["--r2-endpoint", server.r2Endpoint] : []),
           environment: Self.agentEnvironment(work: work, r2: options.r2), logDirectory: "\(work)/logs")
        let writer = FolderWriter(root: "\(work)/root", parking: "\(work)/parking")

        var generator = WorkloadGenerator(seed: options.seed, shape: shape)
        var faultRandom = SplitMix64(seed: options.seed ^ 0xFA17_5EED_0000_0001)
        log("aisearch-torture: seed \(options.seed), agent \(options.agentPath), work folder \(work), emulator \(server.baseURL)")
        let started = ContinuousClock.now
        do {
            let setup = RoundExecutor(agent: agent, writer: writer)
            _ = try await setup.perform(generator.initialOperations())
            var number = 0
            while options.rounds.map({ number < $0 }) ?? true,
                  options.duration.map({ ContinuousClock.now - started < $0 }) ?? true {
                number += 1
                let faults = options.faultsEnabled ? Self.faults(&faultRandom) : FaultSettings()
                var result = try await runRound(number, operations: generator.round(number), model: generator.model,
                                                faults: faults, server: server, agent: agent, writer: writer, probe: probe)
                result.number = number
                report.rounds.append(result)
                log(TortureReport.progressLine(result, of: options.rounds))
            }
        } catch {
            report.agent = await agent.counts
            _ = await agent.terminate()
            await server.stop()
            throw error
        }
        report.finalExitStatus = await agent.terminate()
        report.agent = await agent.counts
        await server.stop()
        report.overflowRescans = Self.countRescans(in: "\(work)/logs")
        if report.passed, !options.keep { try? FileManager.default.removeItem(atPath: work) }
        return report
    }

    private func runRound(_ number: Int, operations: [TortureOperation], model: FolderModel, faults: FaultSettings,
                          server: EmulatorServer, agent: AgentSupervisor, writer: FolderWriter,
                          probe: InstanceProbe) async throws -> RoundResult {
        var result = RoundResult(number: number)
        await server.emulator.clearRequestCounts()
        try await server.emulator.setFaults(faults)
        let killsBefore = await agent.counts.kills
        result.operations = try await RoundExecutor(agent: agent, writer: writer).perform(operations)
        result.burstFiles = operations.reduce(0) {
            if case .burst(let files, let filler) = $1 { return $0 + files.count + filler.count }
            return $0
        }
        result.kills = await agent.counts.kills - killsBefore
        // Quiescence is asked of a healthy API: faults off, then the instance must catch up.
        try await server.emulator.setFaults(FaultSettings())
        try await agent.ensureRunning()
        let local = try FolderSnapshot.read(root: writer.root)
        result.modelMismatches = FolderComparison.divergences(local: model.files, remote: local)
        let waitStarted = ContinuousClock.now
        result.divergences = await probe.awaitQuiescence(local: local, within: options.quiescenceTimeout)
        if options.r2 {
            result.divergences += await BucketProbe(buckets: server.emulator.r2Buckets, bucket: Self.bucket)
                .awaitAgreement(local: local, within: options.quiescenceTimeout)
        }
        if result.divergences.isEmpty { result.secondsToQuiescence = Self.seconds(ContinuousClock.now - waitStarted) }
        let counts = await server.emulator.requestCounts()
        result.faults = FaultTally(counts: counts)
        result.requests = counts.reduce(0) { $0 + $1.count }
        return result
    }

    /// The agent's environment: a home of its own, and with `--r2` the emulator's R2 key pair.
    static func agentEnvironment(work: String, r2: Bool) -> [String: String] {
        var environment = ["HOME": "\(work)/home", "XDG_CONFIG_HOME": "\(work)/home/.config", "PATH": "/usr/bin:/bin"]
        if r2 {
            environment["R2_ACCESS_KEY_ID"] = EmulatorConfiguration.defaultR2AccessKeyID
            environment["R2_SECRET_ACCESS_KEY"] = EmulatorConfiguration.defaultR2SecretAccessKey
        }
        return environment
    }

    /// Faults for one round: every kind on, at rates that make retries common but let most
    /// requests through (the agent's retry policy must carry it, not luck).
    static func faults(_ random: inout SplitMix64) -> FaultSettings {
        FaultSettings(rateLimitRate: 0.03 + 0.07 * random.unit(), serverErrorRate: 0.03 + 0.07 * random.unit(),
                      connectionResetRate: 0.01 + 0.04 * random.unit(), slowRate: 0.05 + 0.10 * random.unit(),
                      slowDelayMilliseconds: random.int(in: 200...1_500), injectedRetryAfterSeconds: 1, seed: random.next())
    }

    static func client(baseURL: String, token: String) -> AISearchClient {
        var configuration = ClientConfiguration(accountID: account, credentials: .apiToken(token), baseURL: baseURL)
        configuration.budgetLimits = .init(requests: 10_000_000, period: .seconds(300))
        configuration.timeout = .seconds(10)
        return AISearchClient(configuration: configuration)
    }

    /// `fs.inotify.max_queued_events`, or the kernel's default when it cannot be read.
    static func maxQueuedEvents() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 16_384
    }

    static func countRescans(in logs: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []
        // `watch` logs each overflow rescan as a `watcher_overflow` record on standard error.
        return names.filter { $0.hasSuffix(".err") }.reduce(0) { total, name in
            let text = (try? String(contentsOfFile: "\(logs)/\(name)", encoding: .utf8)) ?? ""
            return total + text.split(separator: "\n").filter {
                $0.hasSuffix("event=watcher_overflow") || $0.contains(#""event":"watcher_overflow""#)
            }.count
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

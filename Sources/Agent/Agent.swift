import AISearchAPI
import FileWatch
import LinuxSystem
import Observability
import SyncCore

/// What the agent runs: one entry per sync (its settings, its client, its logger), the health
/// and metrics endpoint, and how changes are detected.
public struct AgentConfiguration: Sendable {
    public struct Sync: Sendable {
        public var settings: SessionSettings
        public var client: AISearchClient
        public var logger: Logger

        public init(settings: SessionSettings, client: AISearchClient, logger: Logger) {
            self.settings = settings
            self.client = client
            self.logger = logger
        }
    }

    public var syncs: [Sync]
    /// Where `/healthz`, `/readyz` and `/metrics` are served; nil for nowhere.
    public var listen: ListenAddress?
    /// `--poll`: scan this often instead of using inotify.
    public var forcedPolling: Duration?
    public var logger: Logger
    /// How long a graceful stop lets the requests in flight finish before cancelling them.
    public var stopDeadline: Duration

    public init(syncs: [Sync], listen: ListenAddress? = nil, forcedPolling: Duration? = nil, logger: Logger,
                stopDeadline: Duration = .seconds(25)) {
        self.syncs = syncs
        self.listen = listen
        self.forcedPolling = forcedPolling
        self.logger = logger
        self.stopDeadline = stopDeadline
    }
}

/// The running agent (`watch`): every sync as a supervised `WatchLoop`, the endpoint, and the
/// answers to `AgentControl` requests.
///
/// - A graceful stop (SIGTERM, SIGINT) closes every executor's gate (no new request starts),
///   lets the loops finish what is in flight for up to `stopDeadline`, then cancels; the states
///   are saved and `run()` returns.
/// - A second stop request cancels at once; the states are still saved.
/// - A reload (SIGHUP) stops the loops the same graceful way, closes the states, asks `reload`
///   for a new configuration and starts again with it (the rule files are re-read by the new
///   watchers and scans). A configuration that cannot be read or opened is logged and the
///   previous one is kept.
/// - A loop's fatal failure stops everything and is thrown (the CLI exits non-zero with it).
public struct Agent: Sendable {
    public let configuration: AgentConfiguration
    public let clock: AgentClock
    public let control: AgentControl
    public let reload: (@Sendable () async throws -> AgentConfiguration)?

    public init(configuration: AgentConfiguration, clock: AgentClock = .continuous, control: AgentControl,
                reload: (@Sendable () async throws -> AgentConfiguration)? = nil) {
        self.configuration = configuration
        self.clock = clock
        self.control = control
        self.reload = reload
    }

    public func run() async throws {
        var configuration = configuration
        let logger = configuration.logger
        let telemetry = AgentTelemetry(instances: [], clients: [])
        guard var sessions = try await openRetrying(configuration) else { return }
        for session in sessions { telemetry.health.register(session.settings.root) }
        var endpoint: AgentEndpoint?
        if let address = configuration.listen {
            do {
                let served = try AgentEndpoint(address: address, telemetry: telemetry, logger: logger)
                endpoint = served
                logger.notice(.listenerStarted, "serving /healthz, /readyz and /metrics on \(ListenAddress(host: address.host, port: UInt16(served.port)))",
                              fields: ["listen": .string(address.host), "port": .int(served.port)])
            } catch {
                _ = await Self.close(sessions, logger: logger)
                throw error
            }
        }
        var finalError: (any Error)?
        while true {
            for session in sessions { telemetry.health.register(session.settings.root) }
            telemetry.attach(clients: sessions.map(\.client))
            do {
                try await runGeneration(sessions, configuration: configuration, telemetry: telemetry)
            } catch {
                finalError = error
            }
            if control.isStopping || finalError != nil {
                logger.notice(.agentStopping, "stopping: saving the state")
            }
            if finalError == nil { await checkpoint(sessions) }
            if let failure = await Self.close(sessions, logger: logger), finalError == nil { finalError = failure }
            guard finalError == nil, !control.isStopping, control.takeReload() else { break }
            logger.notice(.configurationLoaded, "SIGHUP: reloading the configuration and the ignore rules")
            let previous = configuration
            if let reload {
                do { configuration = try await reload() } catch {
                    logger.error("reload_failed", "could not reload the configuration: \(error); keeping the previous one")
                }
            }
            do {
                sessions = try await Self.open(configuration)
            } catch {
                logger.error("reload_failed", "could not start with the reloaded configuration: \(error); going back to the previous one")
                configuration = previous
                do { sessions = try await Self.open(configuration) } catch {
                    finalError = error
                    break
                }
            }
            for root in Set(previous.syncs.map(\.settings.root)).subtracting(configuration.syncs.map(\.settings.root)) {
                telemetry.health.unregister(root)
            }
        }
        await endpoint?.stop()
        if let finalError { throw finalError }
        logger.notice(.agentStopped, "stopped; state saved")
    }

    /// Runs every sync's loop until a stop or reload request (returns) or a fatal failure (throws).
    private func runGeneration(_ sessions: [AgentSession], configuration: AgentConfiguration, telemetry: AgentTelemetry) async throws {
        let loops = sessions.map { session in
            WatchLoop(session: session, batches: Self.watcher(for: session, forcedPolling: configuration.forcedPolling).events,
                      telemetry: telemetry,
                      tracker: configuration.listen == nil || session.settings.waitForCompletion ? nil : CompletionTracker(
                        client: session.client, instance: session.instance,
                        observe: { [metrics = telemetry.metrics, instance = session.instance] latency in
                            metrics.observeEventToIndexed(latency, instance: instance)
                        }),
                      clock: clock, control: control,
                      timing: WatchLoop.Timing(recoveryDelay: session.client.configuration.timeout + .seconds(5),
                                               safetyRescan: session.settings.safetyRescan))
        }
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for loop in loops { group.addTask { try await loop.run(); return true } }
                group.addTask { try await enforceStop(gates: sessions.map(\.gate), deadline: configuration.stopDeadline); return false }
                var running = loops.count
                while running > 0, let finishedLoop = try await group.next() {
                    if finishedLoop { running -= 1 } else {
                        if control.request != .immediateStop {
                            configuration.logger.warning(.agentStopping, "requests still in flight after \(configuration.stopDeadline); cancelling them")
                        }
                        group.cancelAll()
                    }
                }
                group.cancelAll()
            }
        } catch is CancellationError where control.request != .none {
            // Stopped by the deadline or a second signal: the states are saved by the caller.
        }
    }

    /// Records fresh evidence of each instance this run changed, so the next start can trust it
    /// with one request instead of a full listing; given at most 5 s, as a stop must be quick.
    private func checkpoint(_ sessions: [AgentSession]) async {
        let clock = clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { each in
                    for session in sessions { each.addTask { await session.engine.checkpointRemote() } }
                }
            }
            group.addTask { try? await clock.sleepUntil(clock.now() + .seconds(5)) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Waits for a stop or reload request, closes the gates, then waits out the deadline (or a
    /// second stop request) and returns, which cancels the loops.
    private func enforceStop(gates: [WorkGate], deadline: Duration) async throws {
        let (requests, post) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = control.addListener { post.yield() }
        defer { control.removeListener(token) }
        if control.request == .none {
            for await _ in requests where control.request != .none { break }
        }
        try Task.checkCancellation()
        for gate in gates { gate.close() }
        if control.request == .immediateStop { return }
        let clock = clock
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await clock.sleepUntil(clock.now() + deadline) }
            group.addTask { [control] in
                for await _ in requests where control.request == .immediateStop { return }
                throw CancellationError()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Opens the sessions; an outage (the API or the network down when the agent starts, as a
    /// sidecar often does) is retried with backoff and logged, a fatal problem is thrown. Nil
    /// when a stop was requested meanwhile.
    private func openRetrying(_ configuration: AgentConfiguration) async throws -> [AgentSession]? {
        var backoff = Backoff()
        var attempts = 0
        while true {
            do {
                return try await Self.open(configuration)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let instances = configuration.syncs.map(\.settings.instance).joined(separator: ", ")
                guard case .retryable(let reason) = FailureVerdict.classify(error, instance: instances) else { throw error }
                attempts += 1
                let delay = backoff.next()
                configuration.logger.error("start_failed", "could not start (attempt \(attempts)): \(reason); trying again in \(HumanDuration.text(delay))")
                guard await sleepUnlessStopped(for: delay) else { return nil }
            }
        }
    }

    /// Sleeps on the agent's clock; false (at once) when a stop is requested.
    private func sleepUnlessStopped(for delay: Duration) async -> Bool {
        let (requests, post) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = control.addListener { post.yield() }
        defer { control.removeListener(token) }
        if control.isStopping { return false }
        let clock = clock, control = control
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await clock.sleepUntil(clock.now() + delay)) != nil }
            group.addTask {
                for await _ in requests where control.isStopping { return false }
                return false
            }
            let slept = await group.next() ?? false
            group.cancelAll()
            return slept && !control.isStopping
        }
    }

    private static func open(_ configuration: AgentConfiguration) async throws -> [AgentSession] {
        var sessions: [AgentSession] = []
        do {
            for sync in configuration.syncs {
                sessions.append(try await AgentSession.open(sync.settings, client: sync.client, logger: sync.logger))
            }
        } catch {
            _ = await close(sessions, logger: configuration.logger)
            throw error
        }
        return sessions
    }

    /// Saves and unlocks every state; returns the first failure (logged).
    private static func close(_ sessions: [AgentSession], logger: Logger) async -> AgentError? {
        var first: AgentError?
        for session in sessions {
            do { try await session.close() } catch {
                let failure = AgentError(.localState, "could not save the state of \(session.root): \(error)")
                session.logger.error("state_save_failed", failure.message)
                first = first ?? failure
            }
        }
        return first
    }

    /// The session's watcher, after logging what it starts with and what in the environment
    /// would keep inotify from seeing changes; `--poll` when given, else inotify unless the
    /// diagnostics advise scans.
    static func watcher(for session: AgentSession, forcedPolling: Duration?) -> FileWatcher {
        let diagnostics = WatchDiagnostics(root: session.root, rules: session.ignoreRules,
                                           pollingInterval: forcedPolling ?? ChangeDetection.defaultPollingInterval)
        let detection = forcedPolling.map { ChangeDetection.polling(interval: $0) } ?? diagnostics.detection
        var fields = diagnostics.summary.mapValues { LogValue.string($0) }
        fields["detection"] = .string(detection.description)
        session.logger.info(.agentStarted, "watching \(session.root) for instance \(session.instance) (\(detection))", fields: fields)
        for warning in diagnostics.warnings { session.logger.warning("watch_diagnostics", warning) }
        var configuration = FileWatcher.Configuration()
        configuration.ignoreRules = session.ignoreRules
        configuration.settleWindow = session.settings.settle
        configuration.maximumDelay = max(session.settings.maxSettle, session.settings.settle)
        configuration.detection = detection
        return FileWatcher(root: session.root, configuration: configuration)
    }
}

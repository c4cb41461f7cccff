import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import Observability
import SyncCore

/// `watch`: every sync followed at once, one `WatchLoop` each, with the health and metrics
/// endpoint when `--listen` is given. A signal cancels the loops; the states are then saved.
enum WatchCommand {
    static func run(_ context: CommandContext, dependencies: CommandDependencies) async throws {
        let group = try await SyncSessions.open(context, dependencies: dependencies)
        let logger = group.logger
        let settings = group.settings
        let telemetry = AgentTelemetry(instances: Array(Set(group.sessions.map(\.instance))).sorted(),
                                       clients: group.sessions.map(\.client))
        var endpoint: AgentEndpoint?
        do {
            if let address = settings.listen.value {
                let served = try AgentEndpoint(address: address, telemetry: telemetry)
                endpoint = served
                logger.notice(.listenerStarted, "serving /healthz, /readyz and /metrics on \(ListenAddress(host: address.host, port: UInt16(served.port)))",
                              fields: ["listen": .string(address.host), "port": .int(served.port)])
            }
            let forcedPolling = try context.arguments.duration("--poll")
            if let forcedPolling, forcedPolling < .milliseconds(100) { throw UsageError("--poll: scan at most every 100ms (got \(forcedPolling))") }
            let loops = group.sessions.map { session in
                WatchLoop(session: session,
                          watcher: FileWatcher(root: session.root, configuration: watcherConfiguration(
                            session, detection: detection(for: session, forcedPolling: forcedPolling))),
                          safetyRescan: session.sync.safetyRescan.value, telemetry: telemetry,
                          tracker: endpoint == nil || settings.wait.value ? nil : CompletionTracker(
                            client: session.client, instance: session.instance,
                            observe: { [metrics = telemetry.metrics, instance = session.instance] latency in
                                metrics.observeEventToIndexed(latency, instance: instance)
                            }))
            }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for loop in loops { tasks.addTask { try await loop.run() } }
                try await tasks.next()
                tasks.cancelAll()
            }
        } catch is CancellationError {
            // A signal: fall through to the orderly close.
        } catch {
            await endpoint?.stop()
            await group.close()
            throw error
        }
        logger.notice(.agentStopping, "stopping: saving the state")
        await endpoint?.stop()
        await group.close()
        logger.notice(.agentStopped, "stopped; state saved")
    }

    private static func watcherConfiguration(_ session: SyncSession, detection: ChangeDetection) -> FileWatcher.Configuration {
        var configuration = FileWatcher.Configuration()
        configuration.ignoreRules = session.ignoreRules
        configuration.settleWindow = session.sync.settle.value
        configuration.maximumDelay = max(session.sync.maxSettle.value, session.sync.settle.value)
        configuration.detection = detection
        return configuration
    }

    /// Logs what the agent starts with and what in the environment would keep inotify from
    /// seeing changes (a network or FUSE file system, too few watches), and picks how to
    /// detect changes: `--poll` when given, else inotify unless the diagnostics advise scans.
    private static func detection(for session: SyncSession, forcedPolling: Duration?) -> ChangeDetection {
        let diagnostics = WatchDiagnostics(root: session.root, rules: session.ignoreRules,
                                           pollingInterval: forcedPolling ?? ChangeDetection.defaultPollingInterval)
        let detection = forcedPolling.map { ChangeDetection.polling(interval: $0) } ?? diagnostics.detection
        var fields = diagnostics.summary.mapValues { LogValue.string($0) }
        fields["detection"] = .string(detection.description)
        session.logger.info(.agentStarted, "watching \(session.root) for instance \(session.instance) (\(detection))", fields: fields)
        for warning in diagnostics.warnings { session.logger.warning("watch_diagnostics", warning) }
        return detection
    }
}

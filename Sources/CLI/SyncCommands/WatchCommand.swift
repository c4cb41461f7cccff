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
            let loops = group.sessions.map { session in
                WatchLoop(session: session, watcher: FileWatcher(root: session.root, configuration: watcherConfiguration(session)),
                          safetyRescan: session.sync.safetyRescan.value, telemetry: telemetry,
                          tracker: endpoint == nil || settings.wait.value ? nil : CompletionTracker(
                            client: session.client, instance: session.instance,
                            observe: { [metrics = telemetry.metrics, instance = session.instance] latency in
                                metrics.observeEventToIndexed(latency, instance: instance)
                            }))
            }
            for session in group.sessions { logStart(session, logger: session.logger) }
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

    private static func watcherConfiguration(_ session: SyncSession) -> FileWatcher.Configuration {
        var configuration = FileWatcher.Configuration()
        configuration.ignoreRules = session.ignoreRules
        configuration.settleWindow = session.sync.settle.value
        configuration.maximumDelay = max(session.sync.maxSettle.value, session.sync.settle.value)
        return configuration
    }

    /// What the agent starts with, and what in the environment will keep it from seeing changes.
    private static func logStart(_ session: SyncSession, logger: Logger) {
        let limits = InotifyLimits.current()
        let needed = watchesNeeded(root: session.root, rules: session.ignoreRules)
        logger.info(.agentStarted, "watching \(session.root) for instance \(session.instance)",
                    fields: ["root": .string(session.root.description), "watches_needed": .int(needed),
                             "max_user_watches": limits.maxUserWatches.map { .int($0) } ?? .string("unknown")])
        if let maximum = limits.maxUserWatches, needed > maximum {
            logger.warning("inotify_limit", "the folder needs \(needed) inotify watches but fs.inotify.max_user_watches is \(maximum); raise it: sudo sysctl fs.inotify.max_user_watches=\(max(524_288, needed * 2))")
        }
    }
}

import AISearchAPI
import Emulator
import Foundation
import LinuxSystem
import Observability
import SyncCore

/// The syncs one `plan`, `sync`, `status` or `watch` runs: one session per folder (the folder on
/// the command line, or the config file's `syncs`), sharing the settings, the logger and, with
/// `--emulator`, one in-process emulator.
struct SyncSessions: Sendable {
    let settings: EffectiveConfiguration
    let sessions: [SyncSession]
    let logger: Logger
    /// Set with `--emulator`: stopped by `close()`.
    let emulator: EmulatorServer?

    static func open(_ context: CommandContext, dependencies: CommandDependencies,
                     progress: (@Sendable (_ done: Int, _ total: Int, _ key: ItemKey) -> Void)? = nil) async throws -> SyncSessions {
        let settings = try EffectiveConfiguration.load(from: context)
        let logger = Logger(level: settings.logLevel.value, format: settings.logFormat.value, secrets: settings.secrets,
                            sink: TerminalLogSink(terminal: context.terminal))
        let syncs = try settings.requireSyncs()
        let useEmulator = try context.arguments.flag("--emulator")
        var emulator: EmulatorServer?
        var sessions: [SyncSession] = []
        do {
            if useEmulator {
                let server = try EmulatorServer(configuration: EmulatorConfiguration(processingDelay: .milliseconds(200)))
                emulator = server
                logger.notice("emulator_started", "using the built-in emulator at \(server.baseURL) (nothing leaves this machine)")
            } else if settings.credentials == nil, settings.baseURL.source == .defaultValue {
                let root = syncs.first?.root.value ?? "ROOT"
                throw ConfigurationError(
                    "no Cloudflare credentials: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (or pass --api-token/--token-file)",
                    hint: "Or try it offline on the built-in emulator: aisearch-sync \(context.commandPath.last ?? "sync") \(root) --instance \(syncs.first?.instance.value ?? "docs") --emulator")
            }
            for sync in syncs {
                // One budget for the whole process: later syncs reuse the first client's.
                let client: AISearchClient
                let legacy = emulator == nil && sync.legacyPaths.value
                if let first = sessions.first?.client, (first.configuration.pathStyle == .legacy) == legacy {
                    client = first.inNamespace(sync.namespaceName)
                    if emulator != nil { try await prepareEmulated(sync.instance.value, on: client) }
                } else {
                    client = try await self.client(for: sync, settings: settings, emulator: emulator, context: context,
                                                   dependencies: dependencies, logger: logger)
                }
                let fields: [String: LogValue] = syncs.count > 1 ? ["instance": .string(sync.instance.value), "root": .string(sync.root.value)]
                    : ["instance": .string(sync.instance.value)]
                sessions.append(try await SyncSession.open(
                    sync, client: client, settings: settings,
                    stateDirectory: stateDirectory(for: sync, settings: settings, syncCount: syncs.count),
                    context: context, logger: logger.with(fields), progress: progress))
            }
        } catch {
            for session in sessions { await session.close() }
            await emulator?.stop()
            throw error
        }
        return SyncSessions(settings: settings, sessions: sessions, logger: logger, emulator: emulator)
    }

    /// Saves every state and stops the emulator, if any.
    func close() async {
        for session in sessions { await session.close() }
        await emulator?.stop()
    }

    private static func client(for sync: SyncConfiguration, settings: EffectiveConfiguration, emulator: EmulatorServer?,
                               context: CommandContext, dependencies: CommandDependencies, logger: Logger) async throws -> AISearchClient {
        guard let emulator else {
            var configuration = try ClientFactory.configuration(settings, sync: sync, arguments: context.arguments)
            configuration.waitObserver = logWaits(to: logger)
            return dependencies.makeClient(configuration)
        }
        var configuration = ClientConfiguration(accountID: "emulator", credentials: .apiToken("emulator"), baseURL: emulator.baseURL,
                                                namespace: sync.namespaceName,
                                                budgetLimits: settings.rateLimit.value.budgetLimits)
        configuration.waitObserver = logWaits(to: logger)
        let client = dependencies.makeClient(configuration)
        try await prepareEmulated(sync.instance.value, on: client)
        return client
    }

    /// The built-in emulator starts empty: make the namespace and instance the sync names.
    private static func prepareEmulated(_ instance: String, on client: AISearchClient) async throws {
        let namespace = client.configuration.namespace
        if namespace != "default", (try? await client.getNamespace(namespace)) == nil {
            _ = try await client.createNamespace(name: namespace)
        }
        if (try? await client.getInstance(instance)) == nil { _ = try await client.createInstance(id: instance) }
    }

    /// Says why a run is held up: a retry after a failed exchange, or a spent request budget.
    private static func logWaits(to logger: Logger) -> @Sendable (ClientWait) -> Void {
        { wait in
            let seconds = LogFormatter.numberText(Double(wait.delay.components.seconds) + Double(wait.delay.components.attoseconds) / 1e18)
            switch wait.reason {
            case .budget:
                logger.notice(.apiRateLimited, "request budget spent (--rate-limit, Cloudflare allows 1200 per 5 minutes): waiting \(seconds)s before \(wait.endpoint)",
                              duration: wait.delay)
            case .retry(let status, let attempt):
                let answer = status.map { "answered \($0)" } ?? "got no answer"
                logger.info(.apiRetry, "\(wait.endpoint) \(answer); attempt \(attempt + 1) in \(seconds)s", duration: wait.delay,
                            status: status)
            }
        }
    }

    /// `nil` for the default place (per account, namespace and instance). A directory given for
    /// one sync is used as it is; for several, each sync gets a folder below it.
    private static func stateDirectory(for sync: SyncConfiguration, settings: EffectiveConfiguration, syncCount: Int) -> FilePathBytes? {
        guard settings.stateDirectory.source != .defaultValue else { return nil }
        let base = FilePathBytes(settings.stateDirectory.value)
        guard syncCount > 1 else { return base }
        var directory = base.appending(FilePathBytes(sync.namespaceName))
            .appending(FilePathBytes(sync.instance.value))
        if !sync.prefix.value.isEmpty { directory = directory.appending(FilePathBytes("prefix-" + PathComponent.escape(sync.prefix.value))) }
        return directory
    }
}

/// Log lines to the command's standard error, so tests capture them with the rest.
struct TerminalLogSink: LogSink {
    let terminal: any Terminal

    func write(_ line: String) { terminal.write(line, to: .standardError) }
}

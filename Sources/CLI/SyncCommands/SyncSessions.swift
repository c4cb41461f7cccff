import Agent
import AISearchAPI
import Emulator
import Foundation
import LinuxSystem
import Observability
import SyncCore
import Synchronization

/// How a sync's folder and options are given on the command line (`plan`, `sync`, `status`,
/// `watch`, `config check`).
enum SyncOptions {
    static let rootArgument = ArgumentSpec.optional(
        "root", help: "The folder to keep in step with the instance (or the syncs of --config when left out).")
    static let options: [OptionSpec] = [
        .value("--instance", short: "i", valueName: "id", help: "The AI Search instance.", environment: "AISEARCH_INSTANCE"),
        .value("--prefix", valueName: "prefix", help: "Put every key under this prefix (e.g. docs/); items outside it are never touched."),
        .value("--state-dir", valueName: "dir", help: "Where the local state lives (default: $XDG_STATE_HOME/aisearch-sync/ACCOUNT/NAMESPACE/INSTANCE).",
               environment: "AISEARCH_STATE_DIR"),
        .value("--max-delete", valueName: "N|P%", help: "Refuse a round that deletes more items than this (default 50%)."),
        .flag("--allow-empty-root", help: "Allow deleting every item when the folder is empty (off: an empty folder is usually a missing mount)."),
        .value("--owner", valueName: "name", help: "Mark uploads with this owner name (default: this host and folder); items with it are ours on a fresh host.",
               environment: "AISEARCH_OWNER"),
        .flag("--delete-foreign", help: "Also delete items under the prefix that this agent did not upload (an exact mirror)."),
        .flag("--gitignore", help: "Read the folder's .gitignore files (nested ones too) as ignore rules, beside .aisearchignore."),
        .value("--r2-endpoint", valueName: "url", help: "For an R2-backed instance: the bucket's S3 endpoint (default https://ACCOUNT_ID.r2.cloudflarestorage.com).",
               environment: "R2_ENDPOINT"),
        .value("--r2-credentials-file", valueName: "file", help: "For an R2-backed instance: a file with access_key_id and secret_access_key (default: R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY).",
               environment: "R2_CREDENTIALS_FILE"),
        .value("--concurrency", valueName: "n", help: "Requests in flight at once (default 4)."),
        .flag("--wait", help: "Wait for each uploaded item to be indexed and report the ones that end in error."),
        .value("--rate-limit", valueName: "n/seconds", help: "The client's request budget (default 1200/300, Cloudflare's limit)."),
        .flag("--emulator", help: "Run against a built-in emulator of the API on loopback (no account needed)."),
        .flag("--full", help: "List the whole instance even when one request shows it unchanged since the last full comparison."),
        SyncOutput.quietOption,
        SyncOutput.verboseOption,
    ]
}

/// The syncs one `plan`, `sync`, `status` or `watch` runs: one session per folder (the folder on
/// the command line, or the config file's `syncs`), sharing the settings, the logger and, with
/// `--emulator`, one in-process emulator.
struct SyncSessions: Sendable {
    let settings: EffectiveConfiguration
    let sessions: [AgentSession]
    let logger: Logger
    /// Set with `--emulator`: stopped by `close()`.
    let emulator: EmulatorServer?

    /// What the agent needs to open the sessions: resolved settings and clients, nothing opened.
    struct Prepared: Sendable {
        let settings: EffectiveConfiguration
        let syncs: [AgentConfiguration.Sync]
        let logger: Logger
        let emulator: EmulatorServer?
    }

    /// - Parameter requireRoot: fail (exit 2) when a sync's folder is missing or not a directory:
    ///   for the one-shot commands. `watch` waits for a missing folder instead (a mount to come).
    /// - Parameter display: `sync`'s progress display: log lines are written above its bar, and
    ///   budget waits show on it.
    static func open(_ context: CommandContext, dependencies: CommandDependencies, requireRoot: Bool = false,
                     progress display: SyncProgress? = nil,
                     progress: (@Sendable (_ done: Int, _ total: Int, _ key: ItemKey) -> Void)? = nil) async throws -> SyncSessions {
        let prepared = try await prepare(context, dependencies: dependencies, display: display)
        if requireRoot {
            do {
                for sync in prepared.syncs { try checkRoot(sync.settings.root) }
            } catch {
                await prepared.emulator?.stop()
                throw error
            }
        }
        var sessions: [AgentSession] = []
        do {
            for sync in prepared.syncs {
                sessions.append(try await AgentSession.open(sync.settings, client: sync.client, logger: sync.logger, progress: progress))
            }
        } catch {
            for session in sessions { try? await session.close() }
            await prepared.emulator?.stop()
            throw error
        }
        return SyncSessions(settings: prepared.settings, sessions: sessions, logger: prepared.logger, emulator: prepared.emulator)
    }

    /// Reads the configuration (the file again, on a reload) and builds a client per sync. With
    /// `--emulator`, the first call starts the emulator and later calls pass it back in.
    static func prepare(_ context: CommandContext, dependencies: CommandDependencies,
                        reusing existingEmulator: EmulatorServer? = nil, display: SyncProgress? = nil) async throws -> Prepared {
        let settings = try EffectiveConfiguration.load(from: context)
        // -v and -q move the default level (an explicit --log-level wins).
        var level = settings.logLevel.value
        if settings.logLevel.source == .defaultValue {
            switch try SyncOutput.level(context.arguments) {
            case .quiet: level = .warning
            case .verbose: level = .debug
            case .normal: break
            }
        }
        let logger = Logger(level: level, format: settings.logFormat.value, secrets: settings.secrets,
                            sink: TerminalLogSink(terminal: context.terminal, above: display?.line))
        let syncs = try settings.requireSyncs()
        let useEmulator = try context.arguments.flag("--emulator")
        let allowEmptyRoot = try context.arguments.flag("--allow-empty-root")
        let listEverything = try context.arguments.flag("--full")
        var emulator = existingEmulator
        var prepared: [AgentConfiguration.Sync] = []
        do {
            if useEmulator, emulator == nil {
                let server = try EmulatorServer(configuration: EmulatorConfiguration(processingDelay: .milliseconds(200)))
                emulator = server
                logger.notice("emulator_started", "using the built-in emulator at \(server.baseURL) (nothing leaves this machine)")
            } else if !useEmulator, settings.credentials == nil, settings.baseURL.source == .defaultValue {
                let root = syncs.first?.root.value ?? "ROOT"
                throw ConfigurationError(
                    "no Cloudflare credentials: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (or pass --api-token/--token-file)",
                    hint: "Or try it offline on the built-in emulator: aisearch-sync \(context.commandPath.last ?? "sync") \(root) --instance \(syncs.first?.instance.value ?? "docs") --emulator")
            }
            for sync in syncs {
                // One budget for the whole process: later syncs reuse the first client's.
                let client: AISearchClient
                let legacy = emulator == nil && sync.legacyPaths.value
                if let first = prepared.first?.client, (first.configuration.pathStyle == .legacy) == legacy {
                    client = first.inNamespace(sync.namespaceName)
                    if emulator != nil { try await prepareEmulated(sync.instance.value, on: client) }
                } else {
                    client = try await self.client(for: sync, settings: settings, emulator: emulator, context: context,
                                                   dependencies: dependencies, logger: logger, display: display)
                }
                let fields: [String: LogValue] = syncs.count > 1 ? ["instance": .string(sync.instance.value), "root": .string(sync.root.value)]
                    : ["instance": .string(sync.instance.value)]
                var sessionSettings = SessionSettings(
                    root: sync.root.value, instance: sync.instance.value, prefix: sync.prefix.value,
                    prefixSource: sync.prefix.source.location,
                    stateDirectory: stateDirectory(for: sync, settings: settings, syncCount: syncs.count),
                    environment: context.environment,
                    maxDelete: sync.maxDelete.value.deletionLimit,
                    owner: sync.owner?.value, deleteForeign: sync.deleteForeign.value,
                    allowEmptyRoot: allowEmptyRoot, concurrency: sync.concurrency.value, waitForCompletion: settings.wait.value,
                    settle: sync.settle.value, maxSettle: sync.maxSettle.value, safetyRescan: sync.safetyRescan.value,
                    alwaysListEverything: listEverything)
                sessionSettings.gitignore = sync.gitignore.value
                sessionSettings.r2Endpoint = try context.arguments.string("--r2-endpoint")
                sessionSettings.r2CredentialsFile = try context.arguments.string("--r2-credentials-file")
                if let emulator {
                    // The emulator's bucket endpoint and key pair, unless the user gave others.
                    sessionSettings.environment["R2_ENDPOINT"] = sessionSettings.environment["R2_ENDPOINT"] ?? emulator.r2Endpoint
                    if sessionSettings.environment["R2_ACCESS_KEY_ID"] == nil {
                        sessionSettings.environment["R2_ACCESS_KEY_ID"] = EmulatorConfiguration.defaultR2AccessKeyID
                        sessionSettings.environment["R2_SECRET_ACCESS_KEY"] = EmulatorConfiguration.defaultR2SecretAccessKey
                    }
                }
                prepared.append(AgentConfiguration.Sync(settings: sessionSettings, client: client, logger: logger.with(fields)))
            }
        } catch {
            if existingEmulator == nil { await emulator?.stop() }
            throw error
        }
        return Prepared(settings: settings, syncs: prepared, logger: logger, emulator: emulator)
    }

    /// A usage error naming the folder unless it is a directory.
    private static func checkRoot(_ root: String) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) {
            throw AgentError(.usage, "the folder \(ConfigFile.quoted(root)) does not exist",
                             hint: "Check the path (or mount it), or create it first: mkdir -p \(root)")
        }
        if !isDirectory.boolValue {
            throw AgentError(.usage, "\(ConfigFile.quoted(root)) is not a directory; give the folder to sync, not a file in it")
        }
    }

    /// Saves every state and stops the emulator, if any.
    func close() async {
        for session in sessions {
            do { try await session.close() } catch { logger.error("state_save_failed", "could not save the state of \(session.root): \(error)") }
        }
        await emulator?.stop()
    }

    private static func client(for sync: SyncConfiguration, settings: EffectiveConfiguration, emulator: EmulatorServer?,
                               context: CommandContext, dependencies: CommandDependencies, logger: Logger,
                               display: SyncProgress?) async throws -> AISearchClient {
        guard let emulator else {
            var configuration = try ClientFactory.configuration(settings, sync: sync, arguments: context.arguments)
            configuration.waitObserver = logWaits(to: logger, limit: settings.rateLimit.value, display: display)
            return dependencies.makeClient(configuration)
        }
        var configuration = ClientConfiguration(accountID: "emulator", credentials: .apiToken("emulator"), baseURL: emulator.baseURL,
                                                namespace: sync.namespaceName,
                                                budgetLimits: settings.rateLimit.value.budgetLimits)
        configuration.waitObserver = logWaits(to: logger, limit: settings.rateLimit.value, display: display)
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

    /// Says why a run is held up: a retry after a failed exchange, or a spent request budget,
    /// naming the limit in force. A budget wait is one line however many requests meet it:
    /// requests that start waiting before the wait already logged has ended extend it quietly.
    /// Waits under 2 s (the steady pace of the budget) are logged at debug level only.
    private static func logWaits(to logger: Logger, limit: RateLimit, display: SyncProgress?) -> @Sendable (ClientWait) -> Void {
        let lastResume = Mutex<ContinuousClock.Instant?>(nil)
        let source = limit == .cloudflareDefault ? "the default, Cloudflare's limit" : "--rate-limit \(limit)"
        let limitText = "\(limit.requests) requests per \(HumanDuration.text(seconds: limit.perSeconds))"
        return { wait in
            let text = HumanDuration.text(wait.delay)
            switch wait.reason {
            case .budget where wait.delay < .seconds(2):
                logger.debug(.apiRateLimited, "waiting \(text) for the request budget before \(wait.endpoint)", duration: wait.delay)
            case .budget:
                let now = ContinuousClock.now
                let resume = now + wait.delay
                display?.waiting(until: resume)
                let isNew = lastResume.withLock { last in
                    defer { last = max(last ?? resume, resume) }
                    return last.map { now >= $0 } ?? true
                }
                guard isNew else { return }
                logger.notice(.apiRateLimited, "waiting for the request budget (\(limitText), \(source)): resumes in \(text)",
                              duration: wait.delay, fields: ["limit_requests": .int(limit.requests), "limit_seconds": .double(limit.perSeconds)])
            case .retry(let status, let attempt):
                let answer = status.map { "answered \($0)" } ?? "got no answer"
                logger.info(.apiRetry, "\(wait.endpoint) \(answer); attempt \(attempt + 1) in \(text)", duration: wait.delay,
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
/// Lines go above `sync`'s progress bar when there is one, never into it.
struct TerminalLogSink: LogSink {
    let terminal: any Terminal
    var above: ProgressLine?

    func write(_ line: String) {
        if let above { above.writeAbove(line) } else { terminal.write(line, to: .standardError) }
    }
}

extension DeleteLimit {
    /// The engine's form of the limit.
    var deletionLimit: DeletionLimit {
        switch self {
        case .count(let count): .count(count)
        case .percentage(let percent): .percent(percent)
        }
    }
}

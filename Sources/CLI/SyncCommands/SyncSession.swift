import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import Observability
import SyncCore

/// One folder kept in step with one instance: the client, the instance's settings, the state,
/// the ignore rules and the engine, built from a `SyncConfiguration`.
struct SyncSession: Sendable {
    let engine: SyncEngine
    let root: FilePathBytes
    let instance: String
    let ignoreRules: IgnoreRules
    let client: AISearchClient
    let sync: SyncConfiguration
    /// Carries `instance` (and the root when several syncs run) on every record.
    let logger: Logger
    /// The last agent on this state was killed: its requests in flight may still land.
    let previousRunInterrupted: Bool

    static let rootArgument = ArgumentSpec.optional(
        "root", help: "The folder to keep in step with the instance (or the syncs of --config when left out).")
    static let options: [OptionSpec] = [
        .value("--instance", short: "i", valueName: "id", help: "The AI Search instance.", environment: "AISEARCH_INSTANCE"),
        .value("--prefix", valueName: "prefix", help: "Put every key under this prefix (e.g. docs/); items outside it are never touched."),
        .value("--state-dir", valueName: "dir", help: "Where the local state lives (default: $XDG_STATE_HOME/aisearch-sync/ACCOUNT/NAMESPACE/INSTANCE).",
               environment: "AISEARCH_STATE_DIR"),
        .value("--max-delete", valueName: "N|P%", help: "Refuse a round that deletes more items than this (default 50%)."),
        .flag("--allow-empty-root", help: "Allow deleting every item when the folder is empty (off: an empty folder is usually a missing mount)."),
        .value("--concurrency", valueName: "n", help: "Requests in flight at once (default 4)."),
        .flag("--wait", help: "Wait for each uploaded item to be indexed and report the ones that end in error."),
        .value("--rate-limit", valueName: "n/seconds", help: "The client's request budget (default 1200/300, Cloudflare's limit)."),
        .flag("--emulator", help: "Run against a built-in emulator of the API on loopback (no account needed)."),
    ]

    /// Builds the session; throws the user-facing errors of a bad setup.
    static func open(_ sync: SyncConfiguration, client: AISearchClient, settings: EffectiveConfiguration,
                     stateDirectory: FilePathBytes?, context: CommandContext, logger: Logger,
                     progress: (@Sendable (_ done: Int, _ total: Int, _ key: ItemKey) -> Void)?) async throws -> SyncSession {
        let root = FilePathBytes(URL(fileURLWithPath: sync.root.value).standardizedFileURL.path)
        let instance = sync.instance.value
        let instanceSettings: Instance
        do {
            instanceSettings = try await client.getInstance(instance)
        } catch let error as APIError where error.status == 404 {
            throw ConfigurationError("instance '\(instance)' does not exist in namespace '\(client.configuration.namespace)'",
                                     hint: "Create it with: aisearch-sync instances create \(instance)")
        }
        let keyMapper: KeyMapper
        do { keyMapper = try KeyMapper(prefix: sync.prefix.value) } catch { throw UsageError("\(sync.prefix.source.location): \(error)") }
        let (state, interrupted) = try await openState(context, client: client, instance: instance, prefix: sync.prefix.value,
                                                       stateDirectory: stateDirectory, logger: logger)
        var rules = IgnoreRules()
        _ = rules.loadRuleFile(root: root, directory: FilePathBytes([]))
        let frozenRules = rules
        var policy = EligibilityPolicy()
        policy.isIgnored = { path in frozenRules.match(path, isDirectory: false).flatMap { $0.isIgnored ? $0.rule : nil } }
        let scanner = TreeScanner(root: root, keyMapper: keyMapper, policy: policy, ignoredDirectoryRule: { path in
            frozenRules.match(path, isDirectory: true).flatMap { $0.isIgnored ? $0.rule : nil }
        })
        let declared = Set((instanceSettings.settings.customMetadata ?? []).filter { $0.dataType == .text }.map(\.fieldName))
        var executorOptions = PlanExecutor.Options(
            concurrency: sync.concurrency.value,
            waitForCompletion: settings.wait.value,
            uploadsDigestMetadata: declared.contains(SyncMetadata.sha256Field),
            uploadsPathMetadata: declared.contains(KeyMapper.pathMetadataField))
        executorOptions.progress = progress
        let executor = PlanExecutor(store: ClientItemStore(client: client, instance: instance), root: root, keyMapper: keyMapper,
                                    sizeLimit: policy.sizeLimit, options: executorOptions)
        let maxDelete: DeletionLimit = switch sync.maxDelete.value {
        case .count(let count): .count(count)
        case .percentage(let percent): .percent(percent)
        }
        let engineSettings = SyncEngine.Settings(keyPrefix: keyMapper.prefix, maxDelete: maxDelete,
                                                 allowEmptyRoot: try context.arguments.flag("--allow-empty-root"))
        let engine = SyncEngine(scanner: scanner, executor: executor, state: state, settings: engineSettings)
        return SyncSession(engine: engine, root: root, instance: instance, ignoreRules: frozenRules, client: client,
                           sync: sync, logger: logger, previousRunInterrupted: interrupted)
    }

    /// Saves the state and releases its lock.
    func close() async {
        try? await engine.close()
    }

    private static func openState(_ context: CommandContext, client: AISearchClient, instance: String, prefix: String,
                                  stateDirectory: FilePathBytes?, logger: Logger) async throws -> (StateStore, interrupted: Bool) {
        let configuration = client.configuration
        var location: StateLocation
        do {
            location = try StateLocation.resolve(environment: context.environment, account: configuration.accountID,
                                                 namespace: configuration.namespace, instance: instance, override: stateDirectory)
        } catch {
            throw ConfigurationError("state directory: \(error)")
        }
        // Two folders synced into one instance under different prefixes need a state each.
        if stateDirectory == nil, !prefix.isEmpty {
            location = StateLocation(directory: location.directory.appending(FilePathBytes("prefix-" + PathComponent.escape(prefix))))
        }
        let store = StateStore(location: location, scope: StateScope(account: configuration.accountID, namespace: configuration.namespace,
                                                                      instance: instance))
        let loaded: StateLoadResult
        do { loaded = try await store.load() } catch { throw LocalStateError(message: "\(error)") }
        if let warning = loaded.warning { logger.warning("state_warning", "\(warning)") }
        return (store, loaded.previousRunInterrupted)
    }
}

/// A prefix as one file name: `/` and `%` percent-encoded, so `a/b/` and `a%2Fb/` stay apart.
enum PathComponent {
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "/": escaped += "%2F"
            case "%": escaped += "%25"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped.hasSuffix("%2F") ? String(escaped.dropLast(3)) : escaped
    }
}

/// The state could not be opened (locked by another agent, unreadable): exit 4.
struct LocalStateError: UserFacingError {
    var message: String
    var exitCode: ExitCode { .localIO }
}

import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import ObjectStorage
import Observability
import SyncCore

/// One folder kept in step with one instance: the client, the instance's settings, the state,
/// the ignore rules and the engine, built from `SessionSettings`. `plan`, `sync`, `status` and
/// the watch loop all run through one of these, so they apply the very same rules.
public struct AgentSession: Sendable {
    public let engine: SyncEngine
    public let root: FilePathBytes
    public let settings: SessionSettings
    /// The rules that hold before any rule file is read; the watcher and the scanner both start
    /// from these and read `.aisearchignore` files from the tree (one source of truth).
    public let ignoreRules: IgnoreRules
    public let client: AISearchClient
    /// Carries `instance` (and the root when several syncs run) on every record.
    public let logger: Logger
    /// The last agent on this state was killed: its requests in flight may still land.
    public let previousRunInterrupted: Bool
    /// Closed by a graceful stop: the executor starts no new request after it.
    public let gate: WorkGate

    public var instance: String { settings.instance }

    /// Opens the state (taking its lock) and builds the engine.
    /// - Throws: `AgentError` for a bad setup (missing instance, unusable prefix or state
    ///   directory), and the client's errors for a failed `GET instance`.
    public static func open(_ settings: SessionSettings, client: AISearchClient, logger: Logger,
                            progress: (@Sendable (_ done: Int, _ total: Int, _ key: ItemKey) -> Void)? = nil) async throws -> AgentSession {
        let root = FilePathBytes(URL(fileURLWithPath: settings.root).standardizedFileURL.path)
        let instance = settings.instance
        let instanceSettings: Instance
        do {
            instanceSettings = try await client.getInstance(instance)
        } catch let error as APIError where error.status == 404 {
            throw AgentError(.configuration, "instance '\(instance)' does not exist in namespace '\(client.configuration.namespace)'",
                             hint: "Create it with: aisearch-sync instances create \(instance)")
        }
        // An R2-backed instance reads only the bucket's keys under its `source_params.prefix`: ours go there.
        let sourcePrefix = instanceSettings.settings.type == "r2" ? Self.sourcePrefix(of: instanceSettings) : ""
        let keyMapper: KeyMapper
        do { keyMapper = try KeyMapper(prefix: sourcePrefix + settings.prefix) } catch {
            throw AgentError(.usage, "\(settings.prefixSource): \(error)")
        }
        let (state, interrupted, stateDirectory) = try await openState(settings, client: client, logger: logger)
        let rules = IgnoreRules(readsGitignore: settings.gitignore)
        var policy = EligibilityPolicy()
        if instanceSettings.settings.type == "r2" {
            policy.isIgnored = Self.pathFilterRule(of: instanceSettings, keyMapper: keyMapper, logger: logger)
        }
        let scanner = TreeScanner(root: root, keyMapper: keyMapper, policy: policy, ignoreRules: rules)
        let declared = Set((instanceSettings.settings.customMetadata ?? []).filter { $0.dataType == .text }.map(\.fieldName))
        let gate = WorkGate()
        var executorOptions = PlanExecutor.Options(
            concurrency: settings.concurrency,
            waitForCompletion: settings.waitForCompletion,
            uploadsDigestMetadata: declared.contains(SyncMetadata.sha256Field),
            uploadsPathMetadata: declared.contains(KeyMapper.pathMetadataField))
        let owner = settings.owner ?? OwnerMarker.defaultName(root: root)
        if declared.contains(SyncMetadata.ownerField) { executorOptions.ownerMetadata = owner }
        executorOptions.progress = progress
        executorOptions.gate = gate
        let store: any RemoteItemStore
        var itemSource = "builtin"
        var bulkIndexThreshold: Int?
        if instanceSettings.settings.type == "r2" {
            let r2 = try r2Store(for: instanceSettings, sourcePrefix: sourcePrefix, settings: settings, client: client, logger: logger,
                                 indexDebtFile: stateDirectory.appending(FilePathBytes(R2IndexDebt.fileName)))
            store = r2
            itemSource = R2ItemStore.itemSource
            bulkIndexThreshold = r2.bulkThreshold
        } else {
            store = ClientItemStore(client: client, instance: instance)
        }
        let executor = PlanExecutor(store: store, root: root, keyMapper: keyMapper, sizeLimit: policy.sizeLimit, options: executorOptions)
        var engineSettings = SyncEngine.Settings(keyPrefix: keyMapper.prefix, maxDelete: settings.maxDelete,
                                                 allowEmptyRoot: settings.allowEmptyRoot,
                                                 alwaysListEverything: settings.alwaysListEverything,
                                                 owner: owner, deleteForeign: settings.deleteForeign)
        engineSettings.itemSource = itemSource
        engineSettings.bulkIndexThreshold = bulkIndexThreshold
        // After a kill, late requests of dead runs are ours: repair them rather than yield.
        engineSettings.contestsUnmarkedChanges = !interrupted
        let engine = SyncEngine(scanner: scanner, executor: executor, state: state, settings: engineSettings)
        return AgentSession(engine: engine, root: root, settings: settings, ignoreRules: rules, client: client,
                            logger: logger, previousRunInterrupted: interrupted, gate: gate)
    }

    /// `source_params.prefix` of an R2-backed instance, ending in `/` (keys under `docs/` are under
    /// a prefix `docs` too, and none of them under `docs2`); "" when none.
    static func sourcePrefix(of instance: Instance) -> String {
        guard let prefix = instance.settings.other["source_params"]?.objectValue?["prefix"]?.stringValue else { return "" }
        var trimmed = Substring(prefix)
        while trimmed.first == "/" { trimmed = trimmed.dropFirst() }
        guard !trimmed.isEmpty else { return "" }
        return trimmed.hasSuffix("/") ? String(trimmed) : trimmed + "/"
    }

    /// What leaves out the files whose keys an R2-backed instance's path filter
    /// (`source_params.include_items`/`exclude_items`) would skip: they are not written to the
    /// bucket, so the bucket holds only what the instance indexes (reason `ignored`, naming the
    /// pattern). Said once in the log, with how patterns are read (`SourcePathFilter`).
    static func pathFilterRule(of instance: Instance, keyMapper: KeyMapper, logger: Logger) -> @Sendable (FilePathBytes) -> String? {
        let filter = SourcePathFilter(sourceParams: instance.settings.other["source_params"])
        guard !filter.isEmpty else { return { _ in nil } }
        logger.notice("r2_path_filter", "instance '\(instance.id)' indexes only the keys its path filter admits (\(filter)): "
            + "files whose keys it would skip are left out and not written to the bucket (reason: ignored). Patterns match the whole "
            + "object key, or the key with a leading '/' (Cloudflare's R2 examples write '/docs/**'); exclude wins over include")
        return { path in
            guard let key = try? keyMapper.key(for: path) else { return nil }
            switch filter.decision(forKey: key.rawValue) {
            case .indexed: return nil
            case .excluded(let pattern): return "source_params.exclude_items \"\(pattern)\""
            case .notIncluded: return "source_params.include_items (no pattern matches)"
            }
        }
    }

    /// The bucket store of an R2-backed instance: its bucket from the instance's `source`, the S3
    /// endpoint and key pair from the flags or the environment (see `R2Configuration.resolve`).
    private static func r2Store(for instance: Instance, sourcePrefix: String, settings: SessionSettings, client: AISearchClient,
                                logger: Logger, indexDebtFile: FilePathBytes) throws -> R2ItemStore {
        guard let bucket = instance.settings.source, !bucket.isEmpty else {
            throw AgentError(.configuration, "instance '\(instance.id)' reads an R2 bucket but names none (its source is empty)",
                             hint: "Set it: aisearch-sync instances update \(instance.id) --source BUCKET")
        }
        // A jurisdiction bucket (`source_params.r2_jurisdiction`: eu, fedramp) has its own endpoint.
        var endpoint = settings.r2Endpoint
        if endpoint == nil, settings.environment["R2_ENDPOINT"] == nil,
           let jurisdiction = instance.settings.other["source_params"]?.objectValue?["r2_jurisdiction"]?.stringValue,
           !jurisdiction.isEmpty, jurisdiction != "default" {
            endpoint = "https://\(client.configuration.accountID).\(jurisdiction).r2.cloudflarestorage.com"
        }
        let configuration: R2Configuration
        do {
            configuration = try R2Configuration.resolve(accountID: client.configuration.accountID, endpoint: endpoint,
                                                        credentialsFile: settings.r2CredentialsFile, environment: settings.environment)
        } catch {
            throw AgentError(.configuration, "instance '\(instance.id)' reads the R2 bucket '\(bucket)', which this agent writes: \(error)",
                             hint: "Make an R2 API token (dashboard: R2, Manage R2 API tokens) and set R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY")
        }
        logger.notice("r2_mode", "instance '\(instance.id)' reads the R2 bucket '\(bucket)': files are written to the bucket at \(configuration.endpoint) and indexed at once")
        return R2ItemStore(objects: R2Client(configuration: configuration), bucket: bucket, client: client, instance: instance.id,
                           sourcePrefix: sourcePrefix, indexDebtFile: indexDebtFile)
    }

    /// Saves the state and releases its lock.
    public func close() async throws {
        try await engine.close()
    }

    /// The state (its lock taken), whether the last agent on it was killed, and its directory.
    private static func openState(_ settings: SessionSettings, client: AISearchClient, logger: Logger)
        async throws -> (StateStore, interrupted: Bool, directory: FilePathBytes) {
        let configuration = client.configuration
        var location: StateLocation
        do {
            location = try StateLocation.resolve(environment: settings.environment, account: configuration.accountID,
                                                 namespace: configuration.namespace, instance: settings.instance,
                                                 override: settings.stateDirectory)
        } catch {
            throw AgentError(.configuration, "state directory: \(error)")
        }
        // Two folders synced into one instance under different prefixes need a state each.
        if settings.stateDirectory == nil, !settings.prefix.isEmpty {
            location = StateLocation(directory: location.directory.appending(FilePathBytes("prefix-" + PathComponent.escape(settings.prefix))))
        }
        let store = StateStore(location: location, scope: StateScope(account: configuration.accountID, namespace: configuration.namespace,
                                                                      instance: settings.instance))
        let loaded: StateLoadResult
        do { loaded = try await store.load() } catch { throw AgentError(.localState, "\(error)") }
        if let warning = loaded.warning { logger.warning("state_warning", "\(warning)") }
        return (store, loaded.previousRunInterrupted, location.directory)
    }
}

/// A prefix as one file name: `/` and `%` percent-encoded, so `a/b/` and `a%2Fb/` stay apart.
public enum PathComponent {
    public static func escape(_ text: String) -> String {
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

extension AgentSession {
    /// Said once per run when files got shortened keys (their path makes a key over the API's 128
    /// characters) and the instance cannot keep their full paths: search results then show the
    /// shortened key only. Nil when there is none, or the instance declares the path field.
    public func shortenedKeysWarning(_ round: SyncEngine.Round) -> String? {
        guard !engine.executor.options.uploadsPathMetadata else { return nil }
        let mapper = engine.executor.keyMapper
        let shortened = round.snapshot.files.filter { $0.isEligible && mapper.isShortened($0.key) }
        guard !shortened.isEmpty else { return nil }
        let examples = shortened.prefix(3).map { "\($0.path) → \($0.key)" }.joined(separator: ", ")
        return "\(shortened.count) file(s) have paths too long for the API's 128-character keys and got shortened keys "
            + "(\(examples)\(shortened.count > 3 ? ", …" : "")); the instance keeps their full paths only if it declares the field: "
            + "aisearch-sync instances update \(instance) --custom-metadata \(KeyMapper.pathMetadataField):text"
    }
}

import AISearchAPI
import Emulator
import FileWatch
import Foundation
import LinuxSystem
import SyncCore

/// Everything `plan`, `sync` and `watch` share: the client (or an in-process emulator), the
/// instance's settings, the state, the ignore rules and the engine, built once from the options.
struct SyncSession: Sendable {
    let engine: SyncEngine
    let root: FilePathBytes
    let instance: String
    let ignoreRules: IgnoreRules
    let client: AISearchClient
    /// Set with `--emulator`: stopped when the command ends.
    let emulator: EmulatorServer?

    static let rootArgument = ArgumentSpec.required("root", help: "The folder to keep in step with the instance.")
    static let options: [OptionSpec] = [
        .value("--instance", short: "i", valueName: "id", help: "The AI Search instance.", environment: "AISEARCH_INSTANCE", isRequired: true),
        .value("--prefix", valueName: "prefix", help: "Put every key under this prefix (e.g. docs/); items outside it are never touched."),
        .value("--state-dir", valueName: "dir", help: "Where the local state lives (default: $XDG_STATE_HOME/aisearch-sync/ACCOUNT/NAMESPACE/INSTANCE).",
               environment: "AISEARCH_STATE_DIR"),
        .value("--max-delete", valueName: "N|P%", help: "Refuse a round that deletes more items than this.", defaultValue: "50%"),
        .flag("--allow-empty-root", help: "Allow deleting every item when the folder is empty (off: an empty folder is usually a missing mount)."),
        .value("--concurrency", valueName: "n", help: "Requests in flight at once.", defaultValue: "4"),
        .flag("--wait", help: "Wait for each uploaded item to be indexed and report the ones that end in error."),
        .flag("--emulator", help: "Run against a built-in emulator of the API on loopback (no account needed)."),
        .value("--rate-limit", valueName: "n/seconds", help: "Client-side request budget, e.g. 1200/300.", defaultValue: "1200/300"),
    ]

    /// Builds the session; throws the user-facing errors of a bad setup.
    static func open(_ context: CommandContext, dependencies: CommandDependencies,
                     progress: (@Sendable (_ done: Int, _ total: Int, _ key: ItemKey) -> Void)? = nil) async throws -> SyncSession {
        let arguments = context.arguments
        let rootText = try arguments.requireString("root")
        let root = FilePathBytes(URL(fileURLWithPath: rootText).standardizedFileURL.path)
        let instance = try arguments.requireString("--instance")
        var emulator: EmulatorServer?
        let client: AISearchClient
        if try arguments.flag("--emulator") {
            let server = try EmulatorServer(configuration: EmulatorConfiguration(processingDelay: .milliseconds(200)))
            emulator = server
            let configuration = ClientConfiguration(accountID: "emulator", credentials: .apiToken("emulator"), baseURL: server.baseURL)
            client = dependencies.makeClient(configuration)
            if (try? await client.getInstance(instance)) == nil { _ = try await client.createInstance(id: instance) }
            context.printError("aisearch-sync: using the built-in emulator at \(server.baseURL) (nothing leaves this machine)")
        } else {
            try requireCredentialsOrBaseURL(context)
            var configuration = try ClientFactory.configuration(from: arguments)
            if let limits = try arguments.value("--rate-limit", expecting: "n/seconds, e.g. 1200/300", { text -> RequestBudget.Limits? in
                let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
                return parts.count == 2 && parts[0] > 0 && parts[1] > 0 ? .init(requests: parts[0], period: .seconds(parts[1])) : nil
            }) { configuration.budgetLimits = limits }
            client = dependencies.makeClient(configuration)
        }
        let settings: Instance
        do {
            settings = try await client.getInstance(instance)
        } catch let error as APIError where error.status == 404 {
            throw ClientSetupError("instance '\(instance)' does not exist in namespace '\(client.configuration.namespace)'",
                                   hint: "Create it with: aisearch-sync instances create \(instance)")
        }
        let prefix = try arguments.string("--prefix") ?? ""
        let keyMapper: KeyMapper
        do { keyMapper = try KeyMapper(prefix: prefix) } catch { throw UsageError("--prefix: \(error)") }
        let state = try await openState(context, client: client, instance: instance)
        var rules = IgnoreRules()
        _ = rules.loadRuleFile(root: root, directory: FilePathBytes([]))
        let frozenRules = rules
        var policy = EligibilityPolicy()
        policy.isIgnored = { path in frozenRules.match(path, isDirectory: false).flatMap { $0.isIgnored ? $0.rule : nil } }
        let scanner = TreeScanner(root: root, keyMapper: keyMapper, policy: policy, ignoredDirectoryRule: { path in
            frozenRules.match(path, isDirectory: true).flatMap { $0.isIgnored ? $0.rule : nil }
        })
        let declared = Set((settings.settings.customMetadata ?? []).filter { $0.dataType == .text }.map(\.fieldName))
        var executorOptions = PlanExecutor.Options(
            concurrency: try arguments.int("--concurrency", atLeast: 1, atMost: 32) ?? 4,
            waitForCompletion: try arguments.flag("--wait"),
            uploadsDigestMetadata: declared.contains(SyncMetadata.sha256Field),
            uploadsPathMetadata: declared.contains(KeyMapper.pathMetadataField))
        executorOptions.progress = progress
        let executor = PlanExecutor(store: ClientItemStore(client: client, instance: instance), root: root, keyMapper: keyMapper,
                                    sizeLimit: policy.sizeLimit, options: executorOptions)
        let engineSettings = SyncEngine.Settings(keyPrefix: keyMapper.prefix, maxDelete: try maxDelete(arguments),
                                                 allowEmptyRoot: try arguments.flag("--allow-empty-root"))
        let engine = SyncEngine(scanner: scanner, executor: executor, state: state, settings: engineSettings)
        return SyncSession(engine: engine, root: root, instance: instance, ignoreRules: frozenRules, client: client, emulator: emulator)
    }

    /// Saves the state and stops the emulator, if any.
    func close() async {
        try? await engine.close()
        await emulator?.stop()
    }

    private static func requireCredentialsOrBaseURL(_ context: CommandContext) throws {
        let arguments = context.arguments
        // `string` sees typed values and their environment fallbacks alike.
        let hasCredentials = try arguments.string("--api-token") != nil || arguments.string("--token-file") != nil
            || (arguments.string("--email") != nil && arguments.string("--api-key") != nil)
        let hasBaseURL = try arguments.isGiven("--base-url") || context.environment["CLOUDFLARE_BASE_URL"] != nil
        guard hasCredentials || hasBaseURL else {
            let root = (try? arguments.string("root")) ?? "ROOT"
            let instance = (try? arguments.string("--instance")) ?? "docs"
            throw ClientSetupError("no Cloudflare credentials: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (or pass --api-token/--token-file)",
                                   hint: "Or try it offline on the built-in emulator: aisearch-sync \(arguments.commandPath.last ?? "sync") \(root) --instance \(instance) --emulator")
        }
    }

    private static func openState(_ context: CommandContext, client: AISearchClient, instance: String) async throws -> StateStore {
        let configuration = client.configuration
        let location: StateLocation
        do {
            location = try StateLocation.resolve(environment: context.environment, account: configuration.accountID,
                                                 namespace: configuration.namespace, instance: instance,
                                                 override: try context.arguments.string("--state-dir").map { FilePathBytes($0) })
        } catch {
            throw ClientSetupError("state directory: \(error)")
        }
        let store = StateStore(location: location, scope: StateScope(account: configuration.accountID, namespace: configuration.namespace,
                                                                      instance: instance))
        let loaded: StateLoadResult
        do { loaded = try await store.load() } catch { throw LocalStateError(message: "\(error)") }
        if let warning = loaded.warning { context.printError("aisearch-sync: warning: \(warning)") }
        return store
    }

    private static func maxDelete(_ arguments: ParsedArguments) throws -> DeletionLimit {
        try arguments.value("--max-delete", expecting: "a count like 100 or a percentage like 50%") { text -> DeletionLimit? in
            if text.hasSuffix("%") {
                guard let percent = Double(text.dropLast()), (0...100).contains(percent) else { return nil }
                return .percent(percent)
            }
            return Int(text).flatMap { $0 >= 0 ? .count($0) : nil }
        } ?? .percent(50)
    }
}

/// The state could not be opened (locked by another agent, unreadable): exit 4.
struct LocalStateError: UserFacingError {
    var message: String
    var exitCode: ExitCode { .localIO }
}

import LinuxSystem
import SyncCore

/// Everything one sync needs, resolved by whoever read the flags, environment and config file
/// (the CLI): plain values, no knowledge of where each came from beyond what messages name.
public struct SessionSettings: Sendable, Equatable {
    /// The folder, as given (made absolute and standardised when the session opens).
    public var root: String
    public var instance: String
    /// `""` or a prefix ending in `/` added to every key.
    public var prefix: String
    /// Where a bad prefix came from, for its error message (`--prefix`, `syncs[1].prefix`).
    public var prefixSource: String
    /// A state directory chosen by the user; nil for the default place below `environment`'s
    /// `XDG_STATE_HOME` (or `HOME`).
    public var stateDirectory: FilePathBytes?
    public var environment: [String: String]
    public var maxDelete: DeletionLimit
    public var allowEmptyRoot: Bool
    /// The owner marker uploads carry; nil for the default, `OwnerMarker.defaultName`.
    public var owner: String?
    /// Delete items under the prefix that are not ours (`--delete-foreign`).
    public var deleteForeign: Bool
    public var concurrency: Int
    public var waitForCompletion: Bool
    /// Watching only: quiet time before a changed file is read, and the longest wait.
    public var settle: Duration
    public var maxSettle: Duration
    /// Watching only: a full comparison this often; nil for never.
    public var safetyRescan: Duration?
    /// `--full`: list the whole instance in every full round (no fingerprint shortcut).
    public var alwaysListEverything: Bool
    /// For an R2-backed instance: the S3 endpoint (`--r2-endpoint`) and a credentials file
    /// (`--r2-credentials-file`); nil: from the environment (`R2_ENDPOINT`, `R2_ACCESS_KEY_ID`, …).
    public var r2Endpoint: String?
    public var r2CredentialsFile: String?
    /// Read `.gitignore` files as ignore rules too (`--gitignore`).
    public var gitignore = false

    public init(root: String, instance: String, prefix: String = "", prefixSource: String = "--prefix",
                stateDirectory: FilePathBytes? = nil, environment: [String: String] = [:],
                maxDelete: DeletionLimit = .percent(50), owner: String? = nil, deleteForeign: Bool = false,
                allowEmptyRoot: Bool = false, concurrency: Int = 4,
                waitForCompletion: Bool = false, settle: Duration = .milliseconds(200), maxSettle: Duration = .seconds(10),
                safetyRescan: Duration? = .seconds(3600), alwaysListEverything: Bool = false) {
        self.alwaysListEverything = alwaysListEverything
        self.root = root
        self.instance = instance
        self.prefix = prefix
        self.prefixSource = prefixSource
        self.stateDirectory = stateDirectory
        self.environment = environment
        self.maxDelete = maxDelete
        self.allowEmptyRoot = allowEmptyRoot
        self.owner = owner
        self.deleteForeign = deleteForeign
        self.concurrency = concurrency
        self.waitForCompletion = waitForCompletion
        self.settle = settle
        self.maxSettle = maxSettle
        self.safetyRescan = safetyRescan
    }
}

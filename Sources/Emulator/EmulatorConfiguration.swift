import AISearchAPI
import Foundation
import ObjectStorage

/// Everything the emulator is told at start. A value type: build one, hand it to `Emulator`.
/// Faults can change later through `Emulator.setFaults(_:)` or `PUT /__emulator/faults`.
public struct EmulatorConfiguration: Sendable {
    /// What an item's `checksum` is. The real algorithm is undocumented, so clients must cope with
    /// all three: `md5`/`sha256` are lowercase hex digests of the content; `opaque` is a SHA-256 of
    /// the content under a secret per-emulator salt, which a client cannot recompute but which
    /// changes whenever the content does.
    public enum ChecksumMode: String, Sendable, Codable, CaseIterable {
        case md5, sha256, opaque
    }

    /// Accepted `Authorization: Bearer` token. When neither this nor `email`/`apiKey` is set,
    /// authentication is off and every request is accepted.
    public var apiToken: String?
    /// Accepted legacy `X-Auth-Email` + `X-Auth-Key` pair (both needed).
    public var email: String?
    public var apiKey: String?
    /// The one account id served; nil accepts any account id (all share one state).
    public var accountID: String?
    public var checksumMode: ChecksumMode
    /// Time from an item being queued until it settles; it is `running` for the second half.
    public var processingDelay: Duration
    /// Longest `wait_for_completion` hold before answering with the item still `running`.
    public var waitTimeout: Duration
    public var rateLimit: RateLimitPolicy
    public var faults: FaultSettings
    /// `--data DIR`: load state from and save it to this directory. Nil keeps state in memory.
    public var dataDirectory: String?
    /// How long after a change the state is written (changes within it are saved together).
    public var saveDebounce: Duration
    /// Largest accepted upload. The docs say "4 MB"; we read it as 4 MiB = 4,194,304 bytes.
    public var maxUploadBytes: Int
    /// Keys whose processing is made to end in `error` (a log says it was injected), matched
    /// byte for byte like every key (see `failsOnPurpose(key:)`).
    public var failingKeys: Set<String>
    /// The clock for timestamps, processing and sleeps. Tests pass a `ManualEmulatorClock`.
    public var clock: any EmulatorClock
    /// Builds the per-instance chunk/search index.
    public var makeIndex: @Sendable () -> any SearchIndexing
    /// The key pair the R2 endpoint (`/r2`) verifies SigV4 signatures against.
    public var r2AccessKeyID = EmulatorConfiguration.defaultR2AccessKeyID
    public var r2SecretAccessKey = EmulatorConfiguration.defaultR2SecretAccessKey
    /// Where R2-backed instances read their buckets: nil (the default) for the emulator's own `/r2`
    /// buckets, or an external S3 endpoint and key pair (`readR2Buckets(from:…)`, `R2Upstream`).
    public var r2Upstream: R2Configuration?

    public init(apiToken: String? = nil, email: String? = nil, apiKey: String? = nil, accountID: String? = nil,
                checksumMode: ChecksumMode = .opaque, processingDelay: Duration = .milliseconds(500),
                waitTimeout: Duration = .seconds(40), rateLimit: RateLimitPolicy = RateLimitPolicy(),
                faults: FaultSettings = FaultSettings(), dataDirectory: String? = nil,
                saveDebounce: Duration = .milliseconds(200), maxUploadBytes: Int = 4 * 1024 * 1024,
                failingKeys: Set<String> = [], clock: any EmulatorClock = SystemEmulatorClock(),
                makeIndex: @escaping @Sendable () -> any SearchIndexing = { KeywordIndex() }) {
        self.apiToken = apiToken
        self.email = email
        self.apiKey = apiKey
        self.accountID = accountID
        self.checksumMode = checksumMode
        self.processingDelay = processingDelay
        self.waitTimeout = waitTimeout
        self.rateLimit = rateLimit
        self.faults = faults
        self.dataDirectory = dataDirectory
        self.saveDebounce = saveDebounce
        self.maxUploadBytes = maxUploadBytes
        self.failingKeys = failingKeys
        self.clock = clock
        self.makeIndex = makeIndex
    }

    /// Whether `key` is one of `failingKeys`, comparing bytes: injecting a failure for the NFC
    /// spelling of a name must not fail its NFD twin.
    func failsOnPurpose(key: String) -> Bool {
        failingKeys.contains { KeyBytes($0) == KeyBytes(key) }
    }
}

/// Requests allowed per credential in any span of `windowSeconds` (Cloudflare: 1,200 per
/// 5 minutes per user), read as the client's budget reads it (`RequestWindow`).
public struct RateLimitPolicy: Sendable, Codable, Hashable {
    public var requests: Int
    public var windowSeconds: Int

    public init(requests: Int = 1200, windowSeconds: Int = 300) {
        self.requests = requests
        self.windowSeconds = windowSeconds
    }

    /// The same limit as the client's budget limits.
    public var limits: RequestBudget.Limits {
        RequestBudget.Limits(requests: max(1, requests), period: .seconds(max(1, windowSeconds)))
    }
}

/// Injected failures, drawn from a generator seeded with `seed`: the n-th API request after a
/// (re)seed always meets the same fate. Rates are probabilities in 0...1; one draw per request
/// picks at most one of 429, 5xx or reset (in that order of the ranges), and a second draw
/// decides whether the answer is also slowed by `slowDelayMilliseconds`.
public struct FaultSettings: Sendable, Codable, Hashable {
    public var rateLimitRate: Double
    /// 500, 502 and 503 in equal shares.
    public var serverErrorRate: Double
    /// The connection is reset without an answer.
    public var connectionResetRate: Double
    public var slowRate: Double
    public var slowDelayMilliseconds: Int
    /// `Retry-After` seconds on an injected 429.
    public var injectedRetryAfterSeconds: Int
    /// Uploads (`POST …/items`) answered 503, whatever the other draws say: an outage of the
    /// write path only, so a sync can list but not upload.
    public var uploadErrorRate: Double
    /// Each item of an item-listing page is skipped with this probability, drawn anew for every
    /// page request, and the page is filled from the items after it: what offset paging does while
    /// items change status or are deleted. `total_count` stays true, so a client can notice.
    public var listingSkipRate: Double
    public var seed: UInt64

    public init(rateLimitRate: Double = 0, serverErrorRate: Double = 0, connectionResetRate: Double = 0,
                slowRate: Double = 0, slowDelayMilliseconds: Int = 2000, injectedRetryAfterSeconds: Int = 1,
                uploadErrorRate: Double = 0, listingSkipRate: Double = 0, seed: UInt64 = 1) {
        self.uploadErrorRate = uploadErrorRate
        self.listingSkipRate = listingSkipRate
        self.rateLimitRate = rateLimitRate
        self.serverErrorRate = serverErrorRate
        self.connectionResetRate = connectionResetRate
        self.slowRate = slowRate
        self.slowDelayMilliseconds = slowDelayMilliseconds
        self.injectedRetryAfterSeconds = injectedRetryAfterSeconds
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case rateLimitRate = "rate_limit_rate"
        case serverErrorRate = "server_error_rate"
        case connectionResetRate = "connection_reset_rate"
        case slowRate = "slow_rate"
        case slowDelayMilliseconds = "slow_delay_ms"
        case injectedRetryAfterSeconds = "retry_after_seconds"
        case uploadErrorRate = "upload_error_rate"
        case listingSkipRate = "listing_skip_rate"
        case seed
    }

    /// Decodes a partial object: absent fields keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultSettings()
        rateLimitRate = try container.decodeIfPresent(Double.self, forKey: .rateLimitRate) ?? defaults.rateLimitRate
        serverErrorRate = try container.decodeIfPresent(Double.self, forKey: .serverErrorRate) ?? defaults.serverErrorRate
        connectionResetRate = try container.decodeIfPresent(Double.self, forKey: .connectionResetRate)
            ?? defaults.connectionResetRate
        slowRate = try container.decodeIfPresent(Double.self, forKey: .slowRate) ?? defaults.slowRate
        slowDelayMilliseconds = try container.decodeIfPresent(Int.self, forKey: .slowDelayMilliseconds)
            ?? defaults.slowDelayMilliseconds
        injectedRetryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .injectedRetryAfterSeconds)
            ?? defaults.injectedRetryAfterSeconds
        uploadErrorRate = try container.decodeIfPresent(Double.self, forKey: .uploadErrorRate) ?? defaults.uploadErrorRate
        listingSkipRate = try container.decodeIfPresent(Double.self, forKey: .listingSkipRate) ?? defaults.listingSkipRate
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
    }

    /// Nil when every rate is within 0...1 and the sum of the exclusive ones is at most 1.
    var validationError: String? {
        let rates = [rateLimitRate, serverErrorRate, connectionResetRate, slowRate, uploadErrorRate, listingSkipRate]
        if rates.contains(where: { !(0...1).contains($0) }) { return "every rate must be between 0 and 1" }
        if rateLimitRate + serverErrorRate + connectionResetRate > 1 {
            return "rate_limit_rate + server_error_rate + connection_reset_rate must not exceed 1"
        }
        if slowDelayMilliseconds < 0 || injectedRetryAfterSeconds < 0 { return "delays must not be negative" }
        return nil
    }
}

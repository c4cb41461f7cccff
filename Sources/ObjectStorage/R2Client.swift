import AISearchAPI
import Foundation
import Hashing
import LinuxSystem
import Synchronization

/// An S3 client for R2 (and any S3 endpoint that takes path-style requests): PutObject,
/// DeleteObject, HeadObject, GetObject, ListObjectsV2, CreateBucket. Toolchain only: requests are
/// signed with `SigV4Signer` and sent through an `HTTPTransport` (`URLSessionTransport` in
/// production, a fake in tests).
///
/// What it guarantees:
/// - **Errors**: an S3 error answer throws `S3Error` (one line naming the operation, the object
///   and what to do); no answer throws `TransportError`; a 2xx answer it cannot read throws
///   `S3ResponseError`; cancellation throws `CancellationError`. No message holds the secret.
/// - **Retries** per `R2Configuration.retryPolicy`: 408, 429, 5xx (SlowDown is a 503), S3 codes
///   such as `RequestTimeout`, and transport failures; each attempt is signed anew.
/// - **Rate**: each attempt first takes a token from `budget`, which is *not* the REST API's.
/// - **Sendable** value; copies share the transport, the budget and the metrics.
public struct R2Client: Sendable {
    public let configuration: R2Configuration
    /// The S3 request budget every call draws from.
    public let budget: RequestBudget
    let transport: any HTTPTransport
    let signer: SigV4Signer
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable () -> Double
    let currentDate: @Sendable () -> Date
    let recorder = R2MetricsRecorder()

    /// - Parameters:
    ///   - clock: what retry waits (and a default budget) sleep on.
    ///   - currentDate: the signing time and the reference for `Retry-After` dates.
    public init(configuration: R2Configuration, transport: any HTTPTransport = URLSessionTransport(),
                budget: RequestBudget? = nil, clock: any Clock<Duration> = JobPoolClock(),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                currentDate: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.transport = transport
        self.budget = budget ?? RequestBudget(limits: configuration.budgetLimits, clock: clock)
        signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        sleep = Self.sleeper(clock)
        self.random = random
        self.currentDate = currentDate
    }

    private static func sleeper<C: Clock>(_ clock: C) -> @Sendable (Duration) async throws -> Void where C.Duration == Duration {
        { duration in if duration > .zero { try await clock.sleep(for: duration) } }
    }

    // MARK: Requests

    /// One S3 call before signing.
    struct Call {
        var operation: String
        var method: HTTPMethod
        var bucket: String
        var key: ObjectKey?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var payloadHash: String = SigV4Signer.emptyPayloadHash
    }

    /// The signed transport request of `call`, as made at `date`.
    func signedRequest(_ call: Call, at date: Date) -> TransportRequest {
        let (host, basePath) = configuration.hostAndPath
        var path = basePath + "/" + call.bucket
        if let key = call.key { path += "/" + key.encodedPath }
        var signable = SigV4Request(method: call.method.rawValue, encodedPath: path, query: call.query,
                                    headers: [("host", host), ("x-amz-content-sha256", call.payloadHash)] + call.headers,
                                    payloadHash: call.payloadHash)
        let signature = signer.sign(signable, at: date)
        let query = signable.canonicalQuery
        signable.headers.removeAll { $0.name == "host" }
        var headers = TransportHeaders()
        for field in signable.headers { headers.add(name: field.name, value: field.value) }
        headers.add(name: "x-amz-date", value: signature.amzDate)
        headers.add(name: "Authorization", value: signature.authorization)
        headers.add(name: "User-Agent", value: configuration.userAgent)
        let scheme = configuration.endpoint.hasPrefix("https:") ? "https" : "http"
        return TransportRequest(method: call.method, url: "\(scheme)://\(host)\(path)\(query.isEmpty ? "" : "?" + query)",
                                headers: headers, body: call.body, timeout: configuration.timeout)
    }

    /// Sends `call` with retries; answers the first 2xx (or, for `tolerated` statuses, that
    /// answer too), else throws the last error.
    func perform(_ call: Call, tolerating tolerated: Set<Int> = []) async throws -> TransportResponse {
        if let key = call.key, let problem = key.problem {
            throw S3Error(operation: call.operation, bucket: call.bucket, key: key, status: 0, code: "InvalidKey",
                          message: problem, endpoint: configuration.endpoint)
        }
        let policy = configuration.retryPolicy
        var attempt = 1
        while true {
            try await budget.acquire()
            recorder.recordSent(call.operation, isRetry: attempt > 1)
            var delay = Duration.zero
            do {
                let response = try await transport.send(signedRequest(call, at: currentDate()))
                if (200..<300).contains(response.status) || tolerated.contains(response.status) { return response }
                defer { recorder.recordFailure(status: response.status) }
                let error = S3Error.from(status: response.status, body: response.body, operation: call.operation,
                                         bucket: call.bucket, key: call.key, endpoint: configuration.endpoint, attempts: attempt)
                let serverDelay = RetryAfter.delay(in: response.headers, now: currentDate())
                delay = policy.delay(beforeRetry: attempt, serverDelay: serverDelay, random: random())
                if response.status == 429 || error.code == "SlowDown" { await budget.pause(for: delay) }
                let retryable = policy.shouldRetry(status: response.status, headers: response.headers) || error.isRetryable
                guard attempt < policy.maxAttempts, retryable else { throw error }
            } catch var error as TransportError {
                recorder.recordFailure(status: nil)
                error.endpoint = "\(call.operation) \(call.bucket)"
                error.attempts = attempt
                guard attempt < policy.maxAttempts, policy.retriesTransportErrors, error.isRetryable else { throw error }
                delay = policy.delay(beforeRetry: attempt, serverDelay: nil, random: random())
            }
            try await sleep(delay)
            attempt += 1
        }
    }
}

extension R2Client {
    /// The counters so far (shared by copies of this client), with the budget's state.
    public func metrics() async -> R2ClientMetrics {
        var snapshot = recorder.snapshot
        snapshot.budgetRemaining = await budget.remaining
        return snapshot
    }
}

/// What an `R2Client` has sent: S3 requests count against their own budget, not the REST API's,
/// and `plan`/`status`/benchmarks show them apart.
public struct R2ClientMetrics: Sendable, Hashable {
    /// Every request that went out, retries included.
    public var requestsSent = 0
    /// Of those, how many were retries.
    public var retries = 0
    /// Requests sent per operation (`PutObject`, `ListObjectsV2`…), retries included.
    public var requestsByOperation: [String: Int] = [:]
    /// Answers that were not 2xx (nor an expected 404 of HeadObject), by status.
    public var failuresByStatus: [Int: Int] = [:]
    /// Exchanges that got no answer at all.
    public var transportFailures = 0
    /// Requests the budget would let out right now.
    public var budgetRemaining = 0
}

final class R2MetricsRecorder: Sendable {
    private let state = Mutex(R2ClientMetrics())

    func recordSent(_ operation: String, isRetry: Bool) {
        state.withLock { metrics in
            metrics.requestsSent += 1
            if isRetry { metrics.retries += 1 }
            metrics.requestsByOperation[operation, default: 0] += 1
        }
    }

    func recordFailure(status: Int?) {
        state.withLock { metrics in
            if let status { metrics.failuresByStatus[status, default: 0] += 1 } else { metrics.transportFailures += 1 }
        }
    }

    var snapshot: R2ClientMetrics { state.withLock { $0 } }
}

/// A 2xx answer the client could not read (a listing that is not XML, a missing ETag).
public struct S3ResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var bucket: String
    public var problem: String
    public var description: String { "\(operation) \(bucket): the answer could not be read: \(problem)" }
}

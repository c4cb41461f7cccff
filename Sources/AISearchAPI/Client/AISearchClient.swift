import Foundation
import LinuxSystem

/// The Cloudflare AI Search REST client: one async method per API call (see the extensions in
/// this folder), each answering the decoded `result` or throwing.
///
/// What it guarantees:
/// - **Errors**: a failure answer throws `APIError`; an answer that is not the expected JSON throws
///   `ResponseFormatError`; no answer at all throws `TransportError`; cancellation throws
///   `CancellationError`. No error text holds the credentials or a query string.
/// - **Retries** per `ClientConfiguration.retryPolicy` (see `RetryPolicy` for which statuses).
/// - **Rate**: every HTTP exchange, retries included, first takes a token from `budget`.
/// - **Sendable**: a value type; copies (and `inNamespace(_:)`) share the transport, the budget and
///   the metrics. Safe to use from many tasks at once.
public struct AISearchClient: Sendable {
    public let configuration: ClientConfiguration
    /// The request budget every call of this client draws from.
    public let budget: RequestBudget
    let transport: any HTTPTransport
    let time: TimeSource
    let random: @Sendable () -> Double
    let makeBoundary: @Sendable () -> String
    let currentDate: @Sendable () -> Date
    let recorder: MetricsRecorder
    let paths: Paths

    /// - Parameters:
    ///   - transport: how requests travel; tests pass a fake.
    ///   - budget: a budget to share with other clients; by default a new one with
    ///     `configuration.budgetLimits` on `clock`.
    ///   - clock: what retry waits (and a default budget) sleep on.
    ///   - random: jitter source, numbers in `0 ..< 1`.
    ///   - multipartBoundary: boundary of upload bodies; fixed in tests.
    ///   - currentDate: wall time, to read a `Retry-After` date when the answer has no `Date`.
    public init(configuration: ClientConfiguration, transport: any HTTPTransport = CurlTransport(),
                budget: RequestBudget? = nil, clock: any Clock<Duration> = JobPoolClock(),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                multipartBoundary: @escaping @Sendable () -> String = MultipartFormData.randomBoundary,
                currentDate: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.transport = transport
        self.budget = budget ?? RequestBudget(limits: configuration.budgetLimits, clock: clock)
        time = TimeSource(clock)
        self.random = random
        makeBoundary = multipartBoundary
        self.currentDate = currentDate
        recorder = MetricsRecorder()
        paths = Paths(accountID: configuration.accountID, namespace: configuration.namespace,
                      style: configuration.pathStyle)
    }

    /// The same client acting on another namespace; it shares the transport, budget and metrics.
    public func inNamespace(_ namespace: String) -> AISearchClient {
        var configuration = self.configuration
        configuration.namespace = namespace
        return AISearchClient(copying: self, configuration: configuration)
    }

    private init(copying other: AISearchClient, configuration: ClientConfiguration) {
        self.configuration = configuration
        transport = other.transport
        budget = other.budget
        time = other.time
        random = other.random
        makeBoundary = other.makeBoundary
        currentDate = other.currentDate
        recorder = other.recorder
        paths = Paths(accountID: configuration.accountID, namespace: configuration.namespace,
                      style: configuration.pathStyle)
    }

    /// The counters so far, with the budget's current state.
    public func metrics() async -> ClientMetrics {
        var snapshot = recorder.snapshot
        snapshot.budgetRemaining = await budget.remaining
        snapshot.budgetWaits = await budget.waits
        return snapshot
    }
}

// MARK: - Calls

/// A request before headers and base URL: what each API method describes.
struct Call: Sendable {
    var endpoint: Endpoint
    var body: [UInt8] = []
    var contentType: String?
    var accept = "application/json"
    var waitsForCompletion = false
    /// How much of each listed item to read (`ItemListQuery.comparedFields`); nil: all of it.
    var comparedFields: ItemListQuery.ComparedFields?
    /// The largest answer accepted (see `TransportRequest.maxResponseBytes`).
    var maxResponseBytes = TransportRequest.defaultMaxResponseBytes

    init(_ method: HTTPMethod, _ path: String, query: [(name: String, value: String)] = []) {
        endpoint = Endpoint(method: method, path: path, query: query)
    }

    /// The call with a JSON body (keys sorted, so bodies are stable).
    func json(_ value: some Encodable) throws -> Call {
        var call = self
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        call.body = Array(try encoder.encode(value))
        call.contentType = "application/json"
        return call
    }
}

/// Any result may be missing (`DELETE` answers `result: null`); the caller decides if that is wrong.
struct Empty: Codable, Sendable {}

extension AISearchClient {
    /// Sends the call and decodes the `result` it must have.
    func result<T: Codable & Sendable>(_ call: Call, as type: T.Type = T.self) async throws -> T {
        let (envelope, response, attempts) = try await envelope(call, as: T.self)
        guard let result = envelope.result else {
            recorder.recordFailedCall()
            throw ResponseFormatError(method: call.endpoint.method, path: call.endpoint.path, status: response.status,
                                      contentType: response.headers["content-type"], problem: .missingResult,
                                      attempts: attempts)
        }
        return result
    }

    /// Sends the call and decodes a list `result` with its `result_info`; `null` is an empty list.
    func page<T: Codable & Sendable>(_ call: Call, of type: T.Type = T.self) async throws -> Page<T> {
        let (envelope, _, _) = try await envelope(call, as: [T].self)
        return Page(items: envelope.result ?? [], resultInfo: envelope.resultInfo)
    }

    /// Sends the call and answers the body as it came (after a 2xx status).
    func rawBody(_ call: Call) async throws -> [UInt8] {
        let (response, attempts) = try await exchange(call)
        guard (200..<300).contains(response.status) else {
            throw failure(response, call: call, attempts: attempts)
        }
        return response.body
    }

    func envelope<T: Codable & Sendable>(_ call: Call, as type: T.Type) async throws
        -> (Envelope<T>, TransportResponse, Int) {
        try await envelope(call) { body in try JSONDecoder().decode(Envelope<T>.self, from: Data(body)) }
    }

    /// A page of items, each shown to `fold` first (`ListedItemFold`): the page holds the items
    /// it left, `listed` counts all of them. Every item page is read here.
    func itemPage(_ call: Call, folding fold: inout some ListedItemFold) async throws -> (page: Page<Item>, listed: Int, ids: ItemIDsDigest) {
        var listed = 0
        var ids = ItemIDsDigest()
        let (envelope, _, _) = try await envelope(call) { body -> Envelope<[Item]> in
            // Item pages (2,000 of them in a full comparison at 100,000 items) take the narrow
            // reader; it declines anything unusual, which JSONDecoder then reads or explains.
            if let page = ItemPageReader.envelope(body, comparedFields: call.comparedFields, folding: &fold) {
                listed = page.listed
                ids = page.ids
                return page.envelope
            }
            var envelope = try JSONDecoder().decode(Envelope<[Item]>.self, from: Data(body))
            let items = envelope.result ?? []
            listed = items.count
            for item in items { ids.add(item.id) }
            envelope.result = envelope.result.map { $0.filter { !fold.consumes($0) } }
            return envelope
        }
        return (Page(items: envelope.result ?? [], resultInfo: envelope.resultInfo), listed, ids)
    }

    /// Sends the call and reads its 2xx answer with `decode`; a failed decoding, an answer with
    /// `success: false` or another status throws what it means.
    private func envelope<T: Codable & Sendable>(_ call: Call, decode: ([UInt8]) throws -> Envelope<T>) async throws
        -> (Envelope<T>, TransportResponse, Int) {
        let (response, attempts) = try await exchange(call)
        guard (200..<300).contains(response.status) else {
            throw failure(response, call: call, attempts: attempts)
        }
        let envelope: Envelope<T>
        do {
            envelope = try decode(response.body)
        } catch {
            recorder.recordFailedCall()
            throw formatError(response, call: call, attempts: attempts, decodingError: error)
        }
        guard envelope.success else {
            recorder.recordFailedCall()
            throw APIError(status: response.status, errors: envelope.errors, method: call.endpoint.method,
                           path: call.endpoint.path, attempts: attempts)
        }
        return (envelope, response, attempts)
    }

    /// The error a non-2xx answer stands for.
    func failure(_ response: TransportResponse, call: Call, attempts: Int) -> any Error {
        recorder.recordFailedCall()
        if let envelope = try? JSONDecoder().decode(Envelope<JSONValue>.self, from: Data(response.body)) {
            return APIError(status: response.status, errors: envelope.errors, method: call.endpoint.method,
                            path: call.endpoint.path, attempts: attempts)
        }
        return formatError(response, call: call, attempts: attempts, decodingError: nil)
    }

    private func formatError(_ response: TransportResponse, call: Call, attempts: Int,
                             decodingError: (any Error)?) -> ResponseFormatError {
        let isJSON = (try? JSONSerialization.jsonObject(with: Data(response.body), options: .fragmentsAllowed)) != nil
        let problem: ResponseFormatError.Problem = isJSON
            ? .unexpectedShape(decodingError.map(Self.describe) ?? "not a Cloudflare envelope")
            : .notJSON
        return ResponseFormatError(method: call.endpoint.method, path: call.endpoint.path, status: response.status,
                                   contentType: response.headers["content-type"], problem: problem, attempts: attempts)
    }

    /// A decoding error in one line: where, and what was expected.
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "top level" : keys.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "\(path(context)): missing key \(key.stringValue)"
        case DecodingError.typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case DecodingError.valueNotFound(let type, let context): return "\(path(context)): null where \(type) expected"
        case DecodingError.dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        default: return String(describing: error)
        }
    }

    // MARK: Exchange with retries

    /// Sends the call, retrying per the policy; answers the last response (any status) and the
    /// number of attempts, or throws the last `TransportError`.
    func exchange(_ call: Call) async throws -> (TransportResponse, attempts: Int) {
        let policy = configuration.retryPolicy
        let request = transportRequest(for: call)
        var attempt = 1
        while true {
            if let observer = configuration.waitObserver {
                let endpoint = call.endpoint.label
                try await budget.acquire { delay in
                    if delay >= .seconds(1) { observer(ClientWait(reason: .budget, endpoint: endpoint, delay: delay)) }
                }
            } else {
                try await budget.acquire()
            }
            recorder.recordSent()
            let delay: Duration
            var lastStatus: Int?
            do {
                let response = try await transport.send(request)
                lastStatus = response.status
                recorder.record(status: response.status)
                if let status = RateLimitStatus.parse(response.headers) { await budget.observe(status) }
                if (200..<300).contains(response.status) { return (response, attempt) }
                let serverDelay = RetryAfter.delay(in: response.headers, now: currentDate())
                delay = policy.delay(beforeRetry: attempt, serverDelay: serverDelay, random: random())
                if response.status == 429 { await budget.pause(for: delay) }
                guard attempt < policy.maxAttempts, policy.shouldRetry(status: response.status, headers: response.headers)
                else { return (response, attempt) }
            } catch var error as TransportError {
                recorder.recordTransportFailure()
                error.endpoint = call.endpoint.label
                error.attempts = attempt
                guard attempt < policy.maxAttempts, policy.retriesTransportErrors, error.isRetryable else {
                    recorder.recordFailedCall()
                    throw error
                }
                delay = policy.delay(beforeRetry: attempt, serverDelay: nil, random: random())
            }
            recorder.recordRetry()
            configuration.waitObserver?(ClientWait(reason: .retry(status: lastStatus, attempt: attempt), endpoint: call.endpoint.label, delay: delay))
            try await time.sleep(delay)
            attempt += 1
        }
    }

    func transportRequest(for call: Call) -> TransportRequest {
        var headers = TransportHeaders()
        for field in configuration.credentials.headerFields { headers.add(name: field.name, value: field.value) }
        headers.add(name: "Accept", value: call.accept)
        headers.add(name: "User-Agent", value: configuration.userAgent)
        if let contentType = call.contentType { headers.add(name: "Content-Type", value: contentType) }
        let timeout = call.waitsForCompletion ? max(configuration.timeout, configuration.waitTimeout) : configuration.timeout
        return TransportRequest(method: call.endpoint.method, url: configuration.baseURL + call.endpoint.target,
                                headers: headers, body: call.body, timeout: timeout,
                                maxResponseBytes: call.maxResponseBytes)
    }
}

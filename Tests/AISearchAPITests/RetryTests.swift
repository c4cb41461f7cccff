import Foundation
import Synchronization
import Testing
@testable import AISearchAPI

@Suite struct RetryTests {
    @Test func serverErrorsAreRetriedWithFullJitterBackoff() async throws {
        let transport = FakeTransport(responses: [.failure(500), .failure(502), .failure(503), .ok(Fixtures.instance)])
        let clock = ManualClock(advancesAutomatically: true)
        let client = Fixtures.client(transport, clock: clock, random: { 0.5 })
        _ = try await client.getInstance("docs")
        #expect(transport.requests.count == 4)
        // random 0.5 × min(60 s, 0.5 s · 2^(n-1))
        #expect(clock.sleeps == [.milliseconds(250), .milliseconds(500), .seconds(1)])
        let metrics = await client.metrics()
        #expect(metrics.retries == 3)
        #expect(metrics.requestsSent == 4)
        #expect(metrics.responsesByStatusClass == ["5xx": 3, "2xx": 1])
    }

    @Test func backoffIsCappedAtMaxDelay() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(10))
        #expect(policy.delay(beforeRetry: 1, serverDelay: nil, random: 0.999) < .seconds(1))
        #expect(policy.delay(beforeRetry: 20, serverDelay: nil, random: 1) == .seconds(10))
        #expect(policy.delay(beforeRetry: 3, serverDelay: nil, random: 0) == .zero)
        #expect(policy.delay(beforeRetry: 2, serverDelay: .seconds(600), random: 0.5) == .seconds(10))
    }

    @Test func retryAfterSecondsIsHonoured() async throws {
        let transport = FakeTransport(responses: [.failure(429, code: 971, message: "Please wait", headers: ["Retry-After": "7"]),
                                                  .ok(Fixtures.instance)])
        let clock = ManualClock(advancesAutomatically: true)
        _ = try await Fixtures.client(transport, clock: clock).getInstance("docs")
        #expect(clock.sleeps == [.seconds(7)])
    }

    @Test func retryAfterHTTPDateIsMeasuredAgainstTheAnswersDate() async throws {
        let headers: TransportHeaders = ["Retry-After": "Sun, 06 Nov 1994 08:50:07 GMT", "Date": "Sun, 06 Nov 1994 08:49:37 GMT"]
        let transport = FakeTransport(responses: [.failure(503, headers: headers), .ok(Fixtures.instance)])
        let clock = ManualClock(advancesAutomatically: true)
        _ = try await Fixtures.client(transport, clock: clock).getInstance("docs")
        #expect(clock.sleeps == [.seconds(30)])
    }

    @Test func retryAfterHTTPDateWithoutDateHeaderUsesTheCurrentDate() async throws {
        // Fixtures.client's current date is 784111777 = Sun, 06 Nov 1994 08:49:37 GMT.
        let transport = FakeTransport(responses: [.failure(429, headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:49 GMT"]),
                                                  .ok(Fixtures.instance)])
        let clock = ManualClock(advancesAutomatically: true)
        _ = try await Fixtures.client(transport, clock: clock).getInstance("docs")
        #expect(clock.sleeps == [.seconds(12)])
    }

    @Test func retryAfterMillisecondsIsPreferred() async throws {
        let transport = FakeTransport(responses: [.failure(429, headers: ["Retry-After": "3", "retry-after-ms": "1250"]),
                                                  .ok(Fixtures.instance)])
        let clock = ManualClock(advancesAutomatically: true)
        _ = try await Fixtures.client(transport, clock: clock).getInstance("docs")
        #expect(clock.sleeps == [.milliseconds(1250)])
    }

    @Test(arguments: [400, 401, 403, 404, 409, 422])
    func clientErrorsAreNeverRetried(status: Int) async throws {
        let transport = FakeTransport(responses: [.failure(status, headers: ["Retry-After": "1"]), .ok(Fixtures.instance)])
        let clock = ManualClock(advancesAutomatically: true)
        await #expect(throws: APIError.self) { try await Fixtures.client(transport, clock: clock).getInstance("docs") }
        #expect(transport.requests.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func requestTimeoutStatusIsRetried() async throws {
        let transport = FakeTransport(responses: [.failure(408), .ok(Fixtures.instance)])
        _ = try await Fixtures.client(transport).getInstance("docs")
        #expect(transport.requests.count == 2)
    }

    @Test func serverCanVetoRetry() async throws {
        let transport = FakeTransport(responses: [.failure(503, headers: ["x-should-retry": "false"]), .ok(Fixtures.instance)])
        await #expect(throws: APIError.self) { try await Fixtures.client(transport).getInstance("docs") }
        #expect(transport.requests.count == 1)
    }

    @Test func lastFailureIsThrownAfterMaxAttempts() async throws {
        let transport = FakeTransport(responses: [.failure(503, code: 10001, message: "Service unavailable")])
        let clock = ManualClock(advancesAutomatically: true)
        let client = Fixtures.client(transport, retry: RetryPolicy(maxAttempts: 3), clock: clock, random: { 1 })
        let error = try await #require(throws: APIError.self) { try await client.getInstance("docs") }
        #expect(error.attempts == 3)
        #expect(error.description.contains("after 3 attempts"))
        #expect(transport.requests.count == 3)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test func connectionErrorsAreRetriedAndUploadsAreResentWhole() async throws {
        let transport = FakeTransport([.failure(TransportError(code: .connectionLost)),
                                       .failure(TransportError(code: .timedOut)), .success(.ok(Fixtures.item()))])
        let clock = ManualClock(advancesAutomatically: true)
        _ = try await Fixtures.client(transport, clock: clock, random: { 0.5 })
            .uploadItem(to: "docs", key: "a.md", contents: Array("hello".utf8))
        #expect(transport.requests.count == 3)
        #expect(Set(transport.requests.map(\.body)).count == 1)
        #expect(clock.sleeps == [.milliseconds(250), .milliseconds(500)])
    }

    @Test func transportErrorNamesTheEndpointAfterLastAttempt() async throws {
        let transport = FakeTransport([.failure(TransportError(code: .cannotConnect, detail: "URLError -1004"))])
        let client = Fixtures.client(transport, retry: RetryPolicy(maxAttempts: 2))
        let error = try await #require(throws: TransportError.self) {
            try await client.listItems(in: "docs", query: ItemListQuery(search: "secret plan"))
        }
        #expect(error.code == .cannotConnect)
        #expect(error.attempts == 2)
        #expect(error.description == "GET /accounts/\(Fixtures.account)/ai-search/namespaces/default/instances/docs/items: cannot connect (URLError -1004) after 2 attempts; check the network and the base URL")
        #expect(await client.metrics().transportFailures == 2)
    }

    @Test func conflictRetryCanBeEnabledAsInTheSDK() async throws {
        var statuses = RetryPolicy.defaultRetryableStatuses
        statuses.insert(409)
        let transport = FakeTransport(responses: [.failure(409), .ok(Fixtures.instance)])
        _ = try await Fixtures.client(transport, retry: RetryPolicy(retryableStatuses: statuses)).getInstance("docs")
        #expect(transport.requests.count == 2)
    }

    @Test func cancellationStopsWaitingForARetry() async throws {
        let transport = FakeTransport(responses: [.failure(503)])
        let clock = ManualClock()
        let client = Fixtures.client(transport, clock: clock)
        let task = Task { try await client.getInstance("docs") }
        await clock.waitForSleepers(count: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(transport.requests.count == 1)
    }
}

/// `waitObserver` hears of every pause before it starts, so the agent can say why it waits.
@Suite struct WaitObserverTests {
    @Test func retriesAndBudgetWaitsAreAnnounced() async throws {
        let heard = Mutex<[ClientWait]>([])
        var configuration = Fixtures.configuration(style: .namespaced, credentials: .apiToken(Fixtures.token), retry: RetryPolicy())
        configuration.budgetLimits = .init(requests: 1, period: .seconds(10))
        configuration.waitObserver = { wait in heard.withLock { $0.append(wait) } }
        let transport = FakeTransport(responses: [.failure(503), .ok(Fixtures.instance)])
        let client = AISearchClient(configuration: configuration, transport: transport, clock: ManualClock(advancesAutomatically: true),
                                    random: { 0.5 }, multipartBoundary: { "b" }, currentDate: { Date(timeIntervalSince1970: 0) })
        _ = try await client.getInstance("docs")
        let waits = heard.withLock { $0 }
        #expect(waits.count == 2)
        #expect(waits.first?.reason == .retry(status: 503, attempt: 1))
        #expect(waits.first?.delay == .milliseconds(250))
        #expect(waits.first?.endpoint.hasPrefix("GET ") == true)
        #expect(waits.last?.reason == .budget, "one request per 10 s: the retry waits for the budget")
        #expect((waits.last?.delay ?? .zero) >= .seconds(1))
    }
}

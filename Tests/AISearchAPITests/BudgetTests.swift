import Foundation
import Testing
@testable import AISearchAPI

@Suite struct BudgetTests {
    @Test func requestBeyondTheBudgetWaitsForTheClock() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(limits: .cloudflareDefault, clock: clock)
        let transport = FakeTransport(responses: [.ok(Fixtures.instance)])
        let client = AISearchClient(configuration: Fixtures.configuration(), transport: transport, budget: budget, clock: clock)
        for _ in 0..<1200 { _ = try await client.getInstance("docs") }
        #expect(await budget.remaining == 0)

        let blocked = Task { try await client.getInstance("docs") }
        await clock.waitForSleepers(count: 1)
        #expect(transport.requests.count == 1200)
        clock.advance(by: .milliseconds(302_999))
        #expect(transport.requests.count == 1200)
        clock.advance(by: .milliseconds(1))  // 1,200 in any 300 s: the first leaves the window at 300 s (+ 1% margin)
        _ = try await blocked.value
        #expect(transport.requests.count == 1201)
        #expect(await client.metrics().budgetWaits == 1)
    }

    @Test func budgetFreesWhatLeftTheWindow() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(limits: RequestBudget.Limits(requests: 10, period: .seconds(10)), clock: clock)
        for _ in 0..<6 { try await budget.acquire() }
        clock.advance(by: .seconds(5))
        for _ in 0..<4 { try await budget.acquire() }
        #expect(await budget.remaining == 0)
        clock.advance(by: .seconds(5))
        #expect(await budget.remaining == 6)
        clock.advance(by: .seconds(60))
        #expect(await budget.remaining == 10)
    }

    /// The conservative reading of "N per window": never more than N in any span of the window,
    /// however the requests come; so a server counting fixed or sliding windows never refuses.
    @Test func neverMoreThanTheLimitInAnyWindow() {
        let limits = RequestBudget.Limits(requests: 5, period: .seconds(10))
        var window = RequestWindow(limits: limits)
        var now = Duration.zero
        var times: [Duration] = []
        for step in 0..<40 {
            now = window.earliestStart(at: now + .milliseconds(700 * (step % 4)))
            window.record(at: now)
            times.append(now)
        }
        for (index, start) in times.enumerated() {
            #expect(times[index...].prefix { $0 < start + .seconds(10) }.count <= 5)
        }
        #expect(times[5] == times[0] + .seconds(10), "the sixth goes when the first leaves the window")
        #expect(window.remaining(at: now) == 0 && window.reset(at: now) > .zero)
    }

    @Test(arguments: [(150, 50, 10, nil, 20), (2477, 1200, 300, nil, 600), (10, 1200, 300, nil, 0), (50, 50, 10, 0, 10),
                      (1201, 1200, 300, 1200, 300)] as [(Int, Int, Int, Int?, Int)])
    func theEstimateIsWholeWindowsBeyondWhatMayGoNow(requests: Int, limit: Int, seconds: Int, available: Int?, expected: Int) {
        let limits = RequestBudget.Limits(requests: limit, period: .seconds(seconds))
        #expect(limits.minimumDuration(forRequests: requests, available: available) == .seconds(expected))
    }

    @Test func budgetIsSharedBetweenClients() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(limits: RequestBudget.Limits(requests: 3, period: .seconds(30)), clock: clock)
        let transport = FakeTransport(responses: [.ok(Fixtures.instance)])
        let first = AISearchClient(configuration: Fixtures.configuration(), transport: transport, budget: budget, clock: clock)
        let second = first.inNamespace("team")
        _ = try await first.getInstance("a")
        _ = try await second.getInstance("b")
        _ = try await second.getInstance("c")
        #expect(await first.metrics().budgetRemaining == 0)
    }

    @Test func serverRateLimitHeaderHoldsRequestsUntilItsReset() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(limits: .cloudflareDefault, clock: clock)
        let transport = FakeTransport(responses: [.ok(Fixtures.instance, headers: ["RateLimit": #""default";r=1;t=30"#])])
        let client = AISearchClient(configuration: Fixtures.configuration(), transport: transport, budget: budget, clock: clock)
        _ = try await client.getInstance("docs")   // server: 1 left for 30 s
        _ = try await client.getInstance("docs")   // uses it; the answer says 1 left again, for a new 30 s
        #expect(await budget.remaining == 1)
        await budget.observe(RateLimitStatus(remaining: 0, reset: .seconds(30)))
        let blocked = Task { try await client.getInstance("docs") }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(29))
        #expect(transport.requests.count == 2)
        clock.advance(by: .seconds(1))
        _ = try await blocked.value
        #expect(transport.requests.count == 3)
    }

    @Test func rateLimitedAnswerPausesEveryCaller() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(limits: .cloudflareDefault, clock: clock)
        let transport = FakeTransport(responses: [.failure(429, headers: ["Retry-After": "20"])])
        let client = AISearchClient(configuration: Fixtures.configuration(retry: .none), transport: transport,
                                    budget: budget, clock: clock)
        await #expect(throws: APIError.self) { try await client.getInstance("docs") }
        #expect(await budget.remaining == 0)
        clock.advance(by: .seconds(20))
        #expect(await budget.remaining > 0)
    }
}

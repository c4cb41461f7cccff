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
        clock.advance(by: .milliseconds(249))
        #expect(transport.requests.count == 1200)
        clock.advance(by: .milliseconds(1))  // 1,200 per 300 s: one token every 250 ms
        _ = try await blocked.value
        #expect(transport.requests.count == 1201)
        #expect(await client.metrics().budgetWaits == 1)
    }

    @Test func budgetRefillsOverThePeriod() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(limits: RequestBudget.Limits(requests: 10, period: .seconds(10)), clock: clock)
        for _ in 0..<10 { try await budget.acquire() }
        #expect(await budget.remaining == 0)
        clock.advance(by: .seconds(5))
        #expect(await budget.remaining == 5)
        clock.advance(by: .seconds(60))
        #expect(await budget.remaining == 10)
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

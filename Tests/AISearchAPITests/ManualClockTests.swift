import Testing
@testable import AISearchAPI

@Suite struct ManualClockTests {
    @Test func sleeperWakesOnlyWhenTheClockReachesItsDeadline() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(9))
        #expect(clock.pendingSleepers == 1)
        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(clock.pendingSleepers == 0)
        #expect(clock.now == ManualClock.Instant(offset: .seconds(10)))
        #expect(clock.sleeps == [.seconds(10)])
    }

    @Test func cancelledSleeperThrowsAndLeaves() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.pendingSleepers == 0)
    }

    @Test func automaticClockJumpsToEachDeadline() async throws {
        let clock = ManualClock(advancesAutomatically: true)
        try await clock.sleep(for: .seconds(3))
        try await clock.sleep(for: .milliseconds(5))
        #expect(clock.now.offset == .milliseconds(3005))
        #expect(clock.sleeps == [.seconds(3), .milliseconds(5)])
    }
}

@Suite struct MetricsTests {
    @Test func metricsCountStatusClassesRetriesAndFailures() async throws {
        let transport = FakeTransport(responses: [.failure(429), .ok(Fixtures.instance), .failure(404), .failure(404)])
        let client = Fixtures.client(transport)
        _ = try await client.getInstance("docs")
        await #expect(throws: APIError.self) { try await client.getInstance("gone") }
        let copyMetrics = await client.inNamespace("other").metrics()
        let metrics = await client.metrics()
        #expect(metrics.requestsSent == 3)
        #expect(metrics.responsesByStatusClass == ["4xx": 2, "2xx": 1])
        #expect(metrics.rateLimitedResponses == 1)
        #expect(metrics.retries == 1)
        #expect(metrics.failedCalls == 1)
        #expect(metrics.budgetRemaining == 1197)  // 3 sent; none leaves the 300 s window during the retry wait
        #expect(copyMetrics.requestsSent == metrics.requestsSent)
    }
}

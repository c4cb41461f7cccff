import AISearchAPI
import Foundation
import HTTPServer
import Testing
@testable import Emulator

struct TrafficTests {
    var instances: String { "/client/v4/accounts/\(Harness.account)/ai-search/instances" }

    @Test func missingCredentialsAre401() async throws {
        let h = try Harness()
        let error = try h.error(await h.send("GET", instances, headers: [:]), status: 401)
        #expect(error.code == 10000 && error.message == "Authentication error")
    }

    @Test func wrongTokenIs403() async throws {
        let h = try Harness()
        let error = try h.error(await h.send("GET", instances, headers: ["Authorization": "Bearer nope"]), status: 403)
        #expect(error.code == 10000)
    }

    @Test func legacyKeyPairIsAcceptedAndAWrongOneIs403() async throws {
        let h = try Harness { $0.email = "me@example.com"; $0.apiKey = "global" }
        _ = try h.result([Instance].self, await h.send("GET", instances, headers: ["X-Auth-Email": "me@example.com", "X-Auth-Key": "global"]))
        let error = try h.error(await h.send("GET", instances, headers: ["X-Auth-Email": "me@example.com", "X-Auth-Key": "bad"]),
                                status: 403)
        #expect(error.code == 9103)
    }

    @Test func aFixedAccountRefusesOthers() async throws {
        let h = try Harness { $0.accountID = "other-account" }
        #expect(try h.error(await h.send("GET", instances), status: 403).code == 10000)
    }

    @Test func noConfiguredCredentialsMeansOpen() async throws {
        let h = try Harness { $0.apiToken = nil }
        _ = try h.result([Instance].self, await h.send("GET", instances, headers: [:]))
    }

    @Test func everyAPIAnswerCarriesRateLimitHeaders() async throws {
        let h = try Harness()
        let first = await h.send("GET", instances)
        #expect(first.headers["Ratelimit"] == "\"default\";r=1199;t=300")
        #expect(first.headers["Ratelimit-Policy"] == "\"default\";q=1200;w=300")
        h.clock.advance(by: .seconds(60))
        let failed = await h.send("GET", instances + "/missing")
        #expect(failed.status == 404)
        #expect(failed.headers["Ratelimit"] == "\"default\";r=1198;t=240")
        #expect(await h.send("GET", instances, headers: [:]).headers["Ratelimit-Policy"] != nil)
    }

    @Test func overTheLimitIs429WithRetryAfterUntilTheWindowEnds() async throws {
        let h = try Harness { $0.rateLimit = RateLimitPolicy(requests: 3, windowSeconds: 300) }
        for _ in 0..<3 { #expect(await h.send("GET", instances).status == 200) }
        h.clock.advance(by: .seconds(100))
        let limited = await h.send("GET", instances)
        let error = try h.error(limited, status: 429)
        #expect(error.code == 971 && error.message == "Please wait and consider throttling your request speed")
        #expect(limited.headers["Retry-After"] == "200")
        #expect(limited.headers["Ratelimit"] == "\"default\";r=0;t=200")
        h.clock.advance(by: .seconds(200))
        #expect(await h.send("GET", instances).status == 200)
    }

    @Test func rateLimitIsPerCredential() async throws {
        let h = try Harness { $0.rateLimit = RateLimitPolicy(requests: 1, windowSeconds: 300) }
        #expect(await h.send("GET", instances).status == 200)
        #expect(await h.send("GET", instances).status == 429)
        #expect(await h.send("GET", instances, headers: ["Authorization": "Bearer someone-else"]).status == 403)
    }

    /// The fate of each of `count` requests under `faults`: status, or 0 for a reset.
    private func fates(_ faults: FaultSettings, count: Int = 40) async throws -> [Int] {
        let h = try Harness { $0.faults = faults }
        var statuses: [Int] = []
        for _ in 0..<count {
            let response = await h.send("GET", instances)
            statuses.append(response.disposition == .resetConnection ? 0 : response.status)
        }
        return statuses
    }

    @Test func injected429sAreDeterministicForASeed() async throws {
        let faults = FaultSettings(rateLimitRate: 0.3, injectedRetryAfterSeconds: 2, seed: 42)
        let first = try await fates(faults)
        #expect(first == (try await fates(faults)))
        #expect(Set(first) == [200, 429])
        #expect(first != (try await fates(FaultSettings(rateLimitRate: 0.3, seed: 43))))
        let h = try Harness { $0.faults = FaultSettings(rateLimitRate: 1, injectedRetryAfterSeconds: 2) }
        let response = await h.send("GET", instances)
        #expect(try h.error(response, status: 429).code == 971)
        #expect(response.headers["Retry-After"] == "2")
    }

    @Test func injectedServerErrorsCoverAll3Kinds() async throws {
        let statuses = try await fates(FaultSettings(serverErrorRate: 0.6, seed: 7), count: 60)
        #expect(Set(statuses) == [200, 500, 502, 503])
        #expect(statuses == (try await fates(FaultSettings(serverErrorRate: 0.6, seed: 7), count: 60)))
        let h = try Harness { $0.faults = FaultSettings(serverErrorRate: 1, seed: 1) }
        var seen: [Int: HTTPResponse] = [:]
        for _ in 0..<30 { let r = await h.send("GET", instances); seen[r.status] = r }
        #expect(try h.error(try #require(seen[500]), status: 500).code == 1000)
        #expect(seen[502]?.headers["Content-Type"]?.hasPrefix("text/html") == true)
    }

    @Test func injectedConnectionResetsAreDeterministic() async throws {
        let statuses = try await fates(FaultSettings(connectionResetRate: 0.25, seed: 99))
        #expect(Set(statuses) == [0, 200])
        #expect(statuses == (try await fates(FaultSettings(connectionResetRate: 0.25, seed: 99))))
    }

    @Test func slowAnswersWaitOnTheClock() async throws {
        let h = try Harness { $0.faults = FaultSettings(slowRate: 1, slowDelayMilliseconds: 3000) }
        let response = await h.advancing(by: .seconds(3)) { await h.send("GET", instances) }
        #expect(response.status == 200)
        #expect(h.clock.sleeperCount == 0)
    }

    @Test func faultsChangeAtRunTimeThroughTheAdminEndpoint() async throws {
        let h = try Harness()
        let set = await h.send("PUT", "/__emulator/faults", json: #"{"rate_limit_rate": 1, "seed": 5}"#)
        #expect(set.status == 200)
        #expect(await h.emulator.faults().rateLimitRate == 1)
        #expect(await h.send("GET", instances).status == 429)
        let shown = try JSONDecoder().decode(FaultSettings.self, from: Data(await h.send("GET", "/__emulator/faults").body))
        #expect(shown.seed == 5)
        #expect(await h.send("PUT", "/__emulator/faults", json: #"{"rate_limit_rate": 2}"#).status == 400)
        try await h.emulator.setFaults(FaultSettings())
        #expect(await h.send("GET", instances).status == 200)
    }

    @Test func statsCountRequestsByMethodRouteAndStatus() async throws {
        let h = try Harness()
        _ = await h.send("GET", instances)
        _ = await h.send("GET", instances)
        _ = await h.send("GET", instances + "/x")
        _ = await h.send("GET", "/__emulator/faults")
        let counts = await h.emulator.requestCounts()
        #expect(counts.contains(RequestCount(method: "GET", route: "/accounts/{account_id}/ai-search/instances", status: 200, count: 2)))
        #expect(counts.contains(RequestCount(method: "GET", route: "/accounts/{account_id}/ai-search/instances/{id}", status: 404, count: 1)))
        let stats = try JSONDecoder().decode(EmulatorService.StatsAnswer.self, from: Data(await h.send("GET", "/__emulator/stats").body))
        #expect(stats.total == 3)
        _ = await h.send("POST", "/__emulator/reset")
        #expect(await h.emulator.totalRequestCount() == 0)
        #expect(await h.send("GET", "/__emulator/unknown").status == 404)
    }

    @Test func requestLogListsAnsweredRequestsAfterASequenceNumber() async throws {
        let h = try Harness()
        let before = Date().timeIntervalSince1970
        _ = await h.send("GET", instances)
        _ = await h.send("GET", instances + "/x")
        _ = await h.send("GET", "/__emulator/stats")
        let after = Date().timeIntervalSince1970
        let all = try JSONDecoder().decode(EmulatorService.RequestLogAnswer.self, from: Data(await h.send("GET", "/__emulator/requests").body))
        #expect(all.last == 2)
        #expect(all.requests.map(\.sequence) == [1, 2])
        #expect(all.requests.map(\.status) == [200, 404])
        #expect(all.requests[0].method == "GET" && all.requests[0].route == "/accounts/{account_id}/ai-search/instances")
        #expect(all.requests.allSatisfy { $0.time >= before && $0.time <= after })
        let newer = try JSONDecoder().decode(EmulatorService.RequestLogAnswer.self,
                                             from: Data(await h.send("GET", "/__emulator/requests", query: [("since", "1")]).body))
        #expect(newer.requests.map(\.sequence) == [2])
        #expect(await h.send("GET", "/__emulator/requests", query: [("since", "-1")]).status == 400)
        #expect(await h.send("POST", "/__emulator/requests").status == 405)
        _ = await h.send("POST", "/__emulator/reset")
        _ = await h.send("GET", instances)
        let afterReset = try JSONDecoder().decode(EmulatorService.RequestLogAnswer.self, from: Data(await h.send("GET", "/__emulator/requests").body))
        #expect(afterReset.requests.map(\.sequence) == [3])
    }

    @Test func requestLogKeepsTheNewestWhenFull() async throws {
        let traffic = TrafficControl(configuration: EmulatorConfiguration())
        let capacity = TrafficControl.requestLogCapacity
        for index in 0..<(capacity + 5) { await traffic.record(method: "GET", route: "r\(index)", status: 200) }
        let (kept, last) = await traffic.loggedRequests(since: 0)
        #expect(last == capacity + 5)
        #expect(kept.count == capacity)
        #expect(kept.first?.sequence == 6 && kept.last?.sequence == capacity + 5)
        #expect(kept.map(\.sequence) == Array(6...(capacity + 5)))
        #expect(await traffic.loggedRequests(since: capacity + 3).requests.map(\.route) == ["r\(capacity + 3)", "r\(capacity + 4)"])
    }

    @Test func resetClearsState() async throws {
        let h = try Harness()
        try await h.createInstance("docs")
        _ = await h.send("POST", "/__emulator/reset")
        #expect(try h.result([Instance].self, await h.send("GET", instances)).isEmpty)
    }
}

import Foundation
@testable import Emulator
import HTTPServer
import Testing

/// With credentials configured (`--accept-token`, or email and key), `/__emulator/` wants them
/// too; without, it stays open.
@Suite struct AdminAuthTests {
    @Test func adminRoutesRequireTheAcceptedToken() async throws {
        let h = try Harness()
        #expect(await h.send("GET", "/__emulator/stats", headers: [:]).status == 401)
        #expect(await h.send("PUT", "/__emulator/faults", body: Array(#"{"rate_limit_rate": 1}"#.utf8),
                             headers: ["Authorization": "Bearer wrong"]).status == 401)
        let refused = await h.send("POST", "/__emulator/reset", headers: ["X-Auth-Email": "a@b.c", "X-Auth-Key": "k"])
        #expect(refused.status == 401)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("--accept-token"))
        #expect(await h.send("GET", "/__emulator/stats").status == 200)
    }

    @Test func emailAndKeyOpenTheAdminRoutesWhenThoseAreAccepted() async throws {
        let h = try Harness { $0.apiToken = nil; $0.email = "ops@example.com"; $0.apiKey = "global-key" }
        #expect(await h.send("GET", "/__emulator/faults", headers: [:]).status == 401)
        #expect(await h.send("GET", "/__emulator/faults", headers: ["X-Auth-Email": "ops@example.com", "X-Auth-Key": "global-key"]).status == 200)
    }

    @Test func withoutCredentialsTheAdminRoutesStayOpen() async throws {
        let h = try Harness { $0.apiToken = nil }
        #expect(await h.send("GET", "/__emulator/stats", headers: [:]).status == 200)
    }
}

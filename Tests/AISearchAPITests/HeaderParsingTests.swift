import Foundation
import Testing
@testable import AISearchAPI

@Suite struct HeaderParsingTests {
    /// Names match with ASCII letters folded, and nothing else folded: `@` is not a backtick,
    /// `[` not `{`, `_` not `-`.
    @Test func fieldNamesMatchIgnoringASCIICaseOnly() {
        var headers: TransportHeaders = ["RateLimit-Remaining": "7", "X-A@[": "odd", "x_b": "under"]
        #expect(headers["ratelimit-remaining"] == "7" && headers["RATELIMIT-REMAINING"] == "7")
        #expect(headers["x-a@["] == "odd" && headers["x-a`["] == nil && headers["x-a@{"] == nil)
        #expect(headers["x-b"] == nil && headers["X_B"] == "under")
        #expect(headers["ratelimit-remainin"] == nil && headers["ratelimit-remainingg"] == nil)
        headers["RATELIMIT-remaining"] = "8"
        #expect(headers.values(for: "ratelimit-Remaining") == ["8"] && headers.fields.count == 3)
    }

    /// RFC 9110 §5.6.7's example date in its three forms: 784111777 seconds after the epoch.
    @Test(arguments: ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
    func httpDateFormsParse(_ text: String) {
        #expect(HTTPDate.parse(text) == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test(arguments: ["", "tomorrow", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"])
    func badDatesDoNotParse(_ text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test func retryAfterForms() {
        let now = Date(timeIntervalSince1970: 784_111_777)
        #expect(RetryAfter.delay(in: ["Retry-After": "120"], now: now) == .seconds(120))
        #expect(RetryAfter.delay(in: ["Retry-After": "1.5"], now: now) == .milliseconds(1500))
        #expect(RetryAfter.delay(in: ["retry-after-ms": "40", "Retry-After": "9"], now: now) == .milliseconds(40))
        #expect(RetryAfter.delay(in: ["Retry-After": "Sun, 06 Nov 1994 08:49:00 GMT"], now: now) == .zero)
        #expect(RetryAfter.delay(in: ["Retry-After": "-3"], now: now) == nil)
        #expect(RetryAfter.delay(in: [:], now: now) == nil)
    }

    @Test func rateLimitStructuredForm() {
        #expect(RateLimitStatus.parse(["RateLimit": #""default";r=50;t=30"#]) == RateLimitStatus(remaining: 50, reset: .seconds(30)))
        // Several policies: the tightest wins.
        #expect(RateLimitStatus.parse(["RateLimit": #""burst";r=5;t=1, "daily";r=900;t=3600"#])
            == RateLimitStatus(remaining: 5, reset: .seconds(1)))
    }

    @Test func rateLimitDictionaryAndSeparateForms() {
        #expect(RateLimitStatus.parse(["RateLimit": "limit=100, remaining=7, reset=12"])
            == RateLimitStatus(remaining: 7, reset: .seconds(12)))
        #expect(RateLimitStatus.parse(["RateLimit-Remaining": "3", "RateLimit-Reset": "9"])
            == RateLimitStatus(remaining: 3, reset: .seconds(9)))
        #expect(RateLimitStatus.parse(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60"])
            == RateLimitStatus(remaining: 0, reset: .seconds(60)))
        #expect(RateLimitStatus.parse(["RateLimit-Policy": #""default";q=1200;w=300"#]) == nil)
        #expect(RateLimitStatus.parse(["RateLimit": "garbage"]) == nil)
    }
}

import Agent
import AISearchAPI
import Foundation
import Observability

/// The most deletions one reconcile may make before it stops and asks for confirmation: a
/// guard against an unmounted or emptied folder wiping the index.
public enum DeleteLimit: Sendable, Equatable, CustomStringConvertible {
    /// At most this many items.
    case count(Int)
    /// At most this percentage (0–100) of the items currently in the index.
    case percentage(Double)

    /// `100` or `10%` (a whole number, or a number from 0 to 100 followed by `%`).
    public init?(_ text: String) {
        if text.hasSuffix("%") {
            guard let number = Double(text.dropLast()), number.isFinite, (0...100).contains(number),
                  text.first?.isNumber == true else { return nil }
            self = .percentage(number)
        } else {
            guard let number = Int(text), number >= 0 else { return nil }
            self = .count(number)
        }
    }

    public var description: String {
        switch self {
        case .count(let count): String(count)
        case .percentage(let percentage): LogFormatter.numberText(percentage) + "%"
        }
    }

    /// The number of deletions allowed when the index holds `itemCount` items (rounded down).
    public func allowedDeletions(of itemCount: Int) -> Int {
        switch self {
        case .count(let count): count
        case .percentage(let percentage): Int((Double(itemCount) * percentage / 100).rounded(.down))
        }
    }
}

/// The client-side request budget: at most `requests` API calls per `perSeconds` seconds.
/// Cloudflare's global limit is 1200 requests per 5 minutes per user.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var requests: Int
    public var perSeconds: Double

    public init(requests: Int, perSeconds: Double) {
        self.requests = requests
        self.perSeconds = perSeconds
    }

    public static let cloudflareDefault = RateLimit(requests: 1200, perSeconds: 300)

    /// `1200/300`: requests, a slash, seconds.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let requests = Self.requests(String(parts[0])),
              let seconds = Self.seconds(String(parts[1])) else { return nil }
        self.init(requests: requests, perSeconds: seconds)
    }

    static func requests(_ text: String) -> Int? {
        Int(text).flatMap { (1...1_000_000).contains($0) ? $0 : nil }
    }

    static func seconds(_ text: String) -> Double? {
        Double(text).flatMap { $0.isFinite && $0 > 0 && $0 <= 86_400 && text.first?.isNumber == true ? $0 : nil }
    }

    public var description: String { "\(requests)/\(LogFormatter.numberText(perSeconds))" }

    /// The client's budget with these limits.
    public var budgetLimits: RequestBudget.Limits {
        RequestBudget.Limits(requests: requests, period: .milliseconds(Int64(perSeconds * 1000)))
    }
}

/// How requests authenticate.
public enum Credentials: Sendable, Equatable {
    /// `Authorization: Bearer <token>` (recommended: a scoped API token).
    case apiToken(String)
    /// `X-Auth-Email` + `X-Auth-Key`: the legacy global API key.
    case globalAPIKey(email: String, key: String)

    /// The strings the logger must redact.
    public var secrets: [String] {
        switch self {
        case .apiToken(let token): [token]
        case .globalAPIKey(_, let key): [key]
        }
    }
}

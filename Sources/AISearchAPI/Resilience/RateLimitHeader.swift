/// What a server's rate-limit headers say is left: `remaining` requests until `reset` from now.
///
/// Reads the IETF draft forms (draft-ietf-httpapi-ratelimit-headers):
/// - structured (draft 07+): `RateLimit: "default";r=50;t=30` (several policies: the tightest wins);
/// - older dictionary form: `RateLimit: limit=100, remaining=50, reset=30`;
/// - separate fields: `RateLimit-Remaining: 50` + `RateLimit-Reset: 30` (also `X-RateLimit-*`).
public struct RateLimitStatus: Sendable, Hashable {
    public var remaining: Int
    public var reset: Duration

    public init(remaining: Int, reset: Duration) {
        self.remaining = remaining
        self.reset = reset
    }

    /// The status the headers state, or nil when they state none (or nothing readable).
    public static func parse(_ headers: TransportHeaders) -> RateLimitStatus? {
        var found: [RateLimitStatus] = []
        for value in headers.values(for: "ratelimit") { found += parseField(value) }
        for prefix in ["ratelimit", "x-ratelimit"] {
            if let remaining = headers["\(prefix)-remaining"].flatMap({ Int($0.trimmed) }),
               let reset = headers["\(prefix)-reset"].flatMap({ Double($0.trimmed) }) {
                found.append(RateLimitStatus(remaining: max(0, remaining), reset: .seconds(max(0, reset))))
            }
        }
        return found.min { ($0.remaining, $0.reset) < ($1.remaining, $1.reset) }
    }

    /// One `RateLimit` field value in either syntax.
    static func parseField(_ value: String) -> [RateLimitStatus] {
        let members = value.split(separator: ",").map { $0.trimmed }
        // Older dictionary form: the members are `key=value` and together make one status.
        let pairs = members.compactMap(keyValue)
        if !pairs.isEmpty, pairs.count == members.count {
            let dictionary = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            if let remaining = dictionary["remaining"].flatMap({ Int($0) }),
               let reset = dictionary["reset"].flatMap({ Double($0) }) {
                return [RateLimitStatus(remaining: max(0, remaining), reset: .seconds(max(0, reset)))]
            }
        }
        // Structured form: each member is `"policy";r=..;t=..`.
        return members.compactMap { member in
            let parameters = member.split(separator: ";").dropFirst().compactMap { keyValue($0.trimmed) }
            let dictionary = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
            guard let remaining = dictionary["r"].flatMap({ Int($0) }) else { return nil }
            let reset = dictionary["t"].flatMap { Double($0) } ?? 0
            return RateLimitStatus(remaining: max(0, remaining), reset: .seconds(max(0, reset)))
        }
    }

    private static func keyValue(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals].trimmed.lowercased()
        let value = text[text.index(after: equals)...].trimmed.trimmingQuotes
        return key.isEmpty ? nil : (key, value)
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Without leading and trailing spaces and tabs. Read as bytes: every answer's headers pass
    /// through here, and walking Characters backwards twice cost 3% of a full listing's CPU.
    var trimmed: String {
        let bytes = utf8
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

extension String {
    var trimmingQuotes: String {
        count >= 2 && hasPrefix("\"") && hasSuffix("\"") ? String(dropFirst().dropLast()) : self
    }
}

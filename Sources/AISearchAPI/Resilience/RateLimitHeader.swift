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

    /// The separate fields' names, remaining then reset (spelled once: every answer is read).
    private static let separateFields = [("ratelimit-remaining", "ratelimit-reset"), ("x-ratelimit-remaining", "x-ratelimit-reset")]

    /// The status the headers state, or nil when they state none (or nothing readable).
    public static func parse(_ headers: TransportHeaders) -> RateLimitStatus? {
        // The tightest status stated (the first of equals), found as they are read.
        var tightest: RateLimitStatus?
        func consider(_ status: RateLimitStatus) {
            if tightest.map({ (status.remaining, status.reset) < ($0.remaining, $0.reset) }) ?? true { tightest = status }
        }
        for field in headers.fields where TransportHeaders.sameName(field.name, "ratelimit") {
            parseField(field.value).forEach(consider)
        }
        for (remainingName, resetName) in separateFields {
            if let remaining = headers[remainingName].flatMap({ Int($0.trimmed) }),
               let reset = headers[resetName].flatMap({ Double($0.trimmed) }) {
                consider(RateLimitStatus(remaining: max(0, remaining), reset: .seconds(max(0, reset))))
            }
        }
        return tightest
    }

    /// One `RateLimit` field value in either syntax.
    static func parseField(_ value: String) -> [RateLimitStatus] {
        let members = value.split(separator: ",").map { $0.trimmed }
        // Older dictionary form: the members are `key=value` and together make one status.
        let pairs = members.compactMap(keyValue)
        if !pairs.isEmpty, pairs.count == members.count {
            if let remaining = first("remaining", in: pairs).flatMap({ Int($0) }),
               let reset = first("reset", in: pairs).flatMap({ Double($0) }) {
                return [RateLimitStatus(remaining: max(0, remaining), reset: .seconds(max(0, reset)))]
            }
        }
        // Structured form: each member is `"policy";r=..;t=..`.
        return members.compactMap { member in
            let parameters = member.split(separator: ";").dropFirst().compactMap { keyValue($0.trimmed) }
            guard let remaining = first("r", in: parameters).flatMap({ Int($0) }) else { return nil }
            let reset = first("t", in: parameters).flatMap { Double($0) } ?? 0
            return RateLimitStatus(remaining: max(0, remaining), reset: .seconds(max(0, reset)))
        }
    }

    /// The value of the first pair named `key` (a repeated key: the first one counts).
    private static func first(_ key: String, in pairs: [(String, String)]) -> String? {
        pairs.first { $0.0 == key }?.1
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
        utf8.count >= 2 && utf8.first == UInt8(ascii: "\"") && utf8.last == UInt8(ascii: "\"") ? String(dropFirst().dropLast()) : self
    }
}

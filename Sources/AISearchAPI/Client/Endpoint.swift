/// One call's method, path and query, before the base URL and headers are added.
struct Endpoint: Sendable {
    var method: HTTPMethod
    /// Percent-encoded path after the base URL, starting with `/`.
    var path: String
    var query: [(name: String, value: String)] = []

    /// `GET /accounts/…/items`: how errors and logs name the call (no query: values may be private).
    var label: String { "\(method.rawValue) \(path)" }

    /// Path plus encoded query string.
    var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, so a value is one path
    /// segment or one query value whatever it holds (`/`, `?`, `&`, `+`, spaces, non-ASCII).
    static func encode(_ text: String) -> String {
        // Nearly every segment and value (ids, names, numbers) needs no escape: kept as it is.
        guard !text.utf8.allSatisfy(isUnreserved) else { return text }
        let hex: StaticString = "0123456789ABCDEF"
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// Builds the paths of every call under either path style: the one place that knows them.
struct Paths: Sendable {
    var accountID: String
    var namespace: String
    var style: ClientConfiguration.PathStyle

    private var account: String { "/accounts/\(Endpoint.encode(accountID))/ai-search" }

    var namespaces: String { account + "/namespaces" }

    func namespace(_ name: String) -> String { namespaces + "/" + Endpoint.encode(name) }

    /// `…/instances` under the configured style.
    var instances: String {
        switch style {
        case .namespaced: namespace(namespace) + "/instances"
        case .legacy: account + "/instances"
        }
    }

    func instance(_ id: String) -> String { instances + "/" + Endpoint.encode(id) }
    func items(_ instance: String) -> String { self.instance(instance) + "/items" }
    func item(_ id: String, in instance: String) -> String { items(instance) + "/" + Endpoint.encode(id) }
    func jobs(_ instance: String) -> String { self.instance(instance) + "/jobs" }
    func job(_ id: String, in instance: String) -> String { jobs(instance) + "/" + Endpoint.encode(id) }

    /// Namespace-wide search exists only under the namespaced paths, whatever the style.
    var namespaceSearch: String { namespace(namespace) + "/search" }
}

extension Array where Element == (name: String, value: String) {
    /// Appends `name=value` when `value` is present.
    mutating func add(_ name: String, _ value: (some CustomStringConvertible)?) {
        if let value { append((name, value.description)) }
    }
}

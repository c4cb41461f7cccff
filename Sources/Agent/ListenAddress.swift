import Foundation

/// Where the health and metrics endpoint listens: `127.0.0.1:9465`, `0.0.0.0:9465`, `[::]:9465`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host without brackets (`::` for `[::]`).
    public var host: String
    /// 0 asks the kernel for a free port (tests).
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard host.contains(":") else { return nil }
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
            return nil
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether only this machine can connect: `127.0.0.0/8`, `::1`, `localhost`.
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// One line for the log when other hosts can reach the endpoint; nil on loopback.
    public var exposureWarning: String? {
        guard !isLoopback else { return nil }
        return "--listen \(self) is not a loopback address: /healthz, /readyz and /metrics (folder health, file and "
            + "request counts; no credentials, no file contents) are served without authentication to any host that "
            + "can reach this port; listen on 127.0.0.1:PORT or [::1]:PORT, or restrict the port with a firewall or a "
            + "network policy"
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 socket address (`sockaddr_in` or `sockaddr_in6`), kept as a value.
///
/// Built from a numeric address (`127.0.0.1`, `::1`, `[::1]`) or returned by `accept`,
/// `getsockname`; it never resolves host names.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// The raw `sockaddr_in` / `sockaddr_in6` bytes.
    private let bytes: [UInt8]

    /// Parses a numeric IPv4 or IPv6 address (brackets around IPv6 are allowed) and a port.
    /// `localhost` means `127.0.0.1`. Returns nil for anything else, host names included.
    public init?(ipAddress: String, port: UInt16) {
        var address = ipAddress
        if address == "localhost" { address = "127.0.0.1" }
        if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, address, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, address, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    /// Copies the first `length` bytes of `storage`, as filled by `accept(2)` or `getsockname(2)`.
    init(storage: sockaddr_storage, length: socklen_t) {
        bytes = withUnsafeBytes(of: storage) { Array($0.prefix(Int(length))) }
    }

    /// `AF_INET` or `AF_INET6`.
    public var family: Int32 {
        Int32(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: sa_family_t.self) })
    }

    /// The port, in host byte order (`sin_port` and `sin6_port` sit at the same offset).
    public var port: UInt16 {
        UInt16(bigEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self) })
    }

    /// The numeric address without the port, e.g. `127.0.0.1` or `::1`.
    public var ipAddress: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withSockaddr { address, _ in
            address.withMemoryRebound(to: UInt8.self, capacity: bytes.count) { raw in
                let offset = family == AF_INET6
                    ? MemoryLayout<sockaddr_in6>.offset(of: \sockaddr_in6.sin6_addr)!
                    : MemoryLayout<sockaddr_in>.offset(of: \sockaddr_in.sin_addr)!
                _ = inet_ntop(family, raw + offset, &text, socklen_t(text.count))
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `127.0.0.1:8080` or `[::1]:8080`.
    public var description: String {
        family == AF_INET6 ? "[\(ipAddress)]:\(port)" : "\(ipAddress):\(port)"
    }

    /// Calls `body` with a properly aligned `sockaddr` pointer and its length.
    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            bytes.withUnsafeBytes { target.copyMemory(from: $0) }
        }
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(bytes.count)) }
        }
    }
}

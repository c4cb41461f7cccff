import Glibc

/// This machine's host name (`gethostname(2)`): the kernel's UTS name, no DNS lookup.
public enum HostName {
    /// The host name, or nil when the kernel reports none or it is not UTF-8.
    public static func current() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        guard !bytes.isEmpty else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

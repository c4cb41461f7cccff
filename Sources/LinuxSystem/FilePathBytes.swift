#if canImport(Glibc)
import Glibc
#endif

/// A file path as the kernel sees it: raw bytes, no NUL, never decoded and re-encoded, so a
/// non-UTF-8 name round-trips exactly (a `String` would repair it into U+FFFD).
public struct FilePathBytes: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var bytes: [UInt8]

    public init(_ bytes: some Sequence<UInt8>) {
        self.bytes = Array(bytes)
        precondition(!self.bytes.contains(0), "a path cannot hold a NUL byte")
    }

    public init(_ string: String) { self.init(Array(string.utf8)) }

    public init(stringLiteral value: String) { self.init(value) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// `self` and `component` joined by one `/`.
    /// One array made, sized once (a walk joins every file's name to its directory's path).
    public func appending(_ component: FilePathBytes) -> FilePathBytes {
        if bytes.isEmpty { return component }
        var joined: [UInt8] = []
        joined.reserveCapacity(bytes.count + 1 + component.bytes.count)
        joined.append(contentsOf: bytes)
        if bytes.last != UInt8(ascii: "/") { joined.append(UInt8(ascii: "/")) }
        joined.append(contentsOf: component.bytes)
        return FilePathBytes(checkedBytes: joined)
    }

    /// Bytes already known to hold no NUL (joined from two paths, or read up to a C string's end).
    init(checkedBytes: [UInt8]) { bytes = checkedBytes }

    /// The last component (everything after the final `/`).
    public var lastComponent: FilePathBytes { FilePathBytes(lastComponentBytes) }

    /// The bytes of the last component, in place: for checks run on every walked file.
    public var lastComponentBytes: ArraySlice<UInt8> {
        bytes[(bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? bytes.startIndex)...]
    }

    /// Everything before the final `/` (empty for a bare name, `/` for a child of the root).
    public var parent: FilePathBytes {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return FilePathBytes([]) }
        return slash == 0 ? "/" : FilePathBytes(bytes[..<slash])
    }

    /// The components between slashes, empty ones dropped.
    public var components: [FilePathBytes] {
        bytes.split(separator: UInt8(ascii: "/")).map { FilePathBytes($0) }
    }

    /// Whether `self` is `ancestor` or lies below it.
    public func isWithin(_ ancestor: FilePathBytes) -> Bool {
        if self == ancestor { return true }
        let prefix = ancestor.bytes.last == UInt8(ascii: "/") ? ancestor.bytes : ancestor.bytes + [UInt8(ascii: "/")]
        return bytes.starts(with: prefix)
    }

    /// The path of `self` below `ancestor`, or nil when it is not below it.
    public func relative(to ancestor: FilePathBytes) -> FilePathBytes? {
        guard isWithin(ancestor) else { return nil }
        if self == ancestor { return FilePathBytes([]) }
        let dropCount = ancestor.bytes.last == UInt8(ascii: "/") ? ancestor.bytes.count : ancestor.bytes.count + 1
        return FilePathBytes(bytes.dropFirst(dropCount))
    }

    /// The absolute path with every symbolic link, `.` and `..` resolved (`realpath(3)`), as the
    /// mount table spells mount points; nil when a component does not exist or cannot be read.
    public func resolvingSymbolicLinks() -> FilePathBytes? {
        guard let real = withCString({ realpath($0, nil) }) else { return nil }
        defer { free(real) }
        return FilePathBytes(UnsafeRawBufferPointer(start: real, count: strlen(real)))
    }

    /// Valid UTF-8 as a `String`, or nil; never a lossy repair.
    public var utf8String: String? { String(validUTF8: bytes) }

    /// For messages only: invalid bytes shown as `\xNN`, so a log never misleads.
    public var description: String {
        if let text = utf8String { return text }
        var result = ""
        var index = 0
        while index < bytes.count {
            // Decode the longest valid UTF-8 run, escape one byte otherwise.
            var decoded = false
            for length in stride(from: min(4, bytes.count - index), through: 1, by: -1) {
                if let piece = String(validUTF8: bytes[index..<(index + length)]) {
                    result += piece
                    index += length
                    decoded = true
                    break
                }
            }
            if !decoded {
                result += "\\x" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        return result
    }

    /// Calls `body` with a NUL-terminated C string of the path.
    /// The copy is a temporary allocation (on the stack for any path up to a page or so), not a
    /// heap block per system call: a walk makes one call per file.
    public func withCString<R, E: Error>(_ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        let count = bytes.count
        return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { (buffer) throws(E) -> R in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            buffer[count] = 0
            return try body(UnsafePointer(buffer.baseAddress!))
        }
    }

    public static func < (lhs: FilePathBytes, rhs: FilePathBytes) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

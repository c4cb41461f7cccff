#if canImport(Glibc)
import Glibc
#endif

/// One entry of a directory listing, name as raw bytes.
public struct DirectoryEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case regular, directory, symbolicLink, other, unknown }
    public var name: FilePathBytes
    /// From `d_type`; `.unknown` on file systems that do not fill it, where callers `lstat`.
    public var kind: Kind
}

/// Lists `path` (without `.` and `..`), names as raw bytes.
public func directoryEntries(of path: FilePathBytes) throws(SystemError) -> [DirectoryEntry] {
    let stream: OpaquePointer? = path.withCString { opendir($0) }
    guard let stream else { throw SystemError("opendir", subject: path.description) }
    defer { closedir(stream) }
    var entries: [DirectoryEntry] = []
    while true {
        errno = 0
        guard let entry = readdir(stream) else {
            if errno != 0 { throw SystemError("readdir", subject: path.description) }
            return entries
        }
        let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            Array(raw.prefix { $0 != 0 })
        }
        if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
        let kind: DirectoryEntry.Kind = switch Int32(entry.pointee.d_type) {
        case Int32(DT_REG): .regular
        case Int32(DT_DIR): .directory
        case Int32(DT_LNK): .symbolicLink
        case Int32(DT_UNKNOWN): .unknown
        default: .other
        }
        entries.append(DirectoryEntry(name: FilePathBytes(name), kind: kind))
    }
}

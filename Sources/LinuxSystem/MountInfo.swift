/// One line of `/proc/self/mountinfo` (proc(5)): where a file system is mounted and its type as
/// the kernel names it, which is more precise than the `statfs` magic (`fuse.sshfs`, not FUSE;
/// `nfs4`, not NFS).
public struct MountInfoEntry: Hashable, Sendable {
    public var mountID: Int
    public var parentID: Int
    /// The `major:minor` of the mounted file system, as `stat`'s `st_dev` decodes.
    public var major: UInt32
    public var minor: UInt32
    /// The directory of the file system that forms the root of this mount (not `/` for a bind mount).
    public var root: FilePathBytes
    public var mountPoint: FilePathBytes
    /// e.g. `ext4`, `nfs4`, `fuse.sshfs`, `overlay`.
    public var fileSystemType: String
    /// The mount source, e.g. `/dev/vda1` or `server:/export`.
    public var source: String

    public init(mountID: Int, parentID: Int, major: UInt32, minor: UInt32, root: FilePathBytes,
                mountPoint: FilePathBytes, fileSystemType: String, source: String) {
        self.mountID = mountID
        self.parentID = parentID
        self.major = major
        self.minor = minor
        self.root = root
        self.mountPoint = mountPoint
        self.fileSystemType = fileSystemType
        self.source = source
    }
}

/// Reads and searches the mount table of this process's mount namespace.
public enum MountInfo {
    /// The entries of `/proc/self/mountinfo` (or `file`), in mount order.
    public static func current(file: FilePathBytes = "/proc/self/mountinfo") throws(SystemError) -> [MountInfoEntry] {
        parse(try readWholeFile(file))
    }

    /// Parses mountinfo text. Lines that do not have the documented shape are skipped rather than
    /// failing the whole table: the diagnostics that use it are best effort.
    public static func parse(_ text: some Collection<UInt8>) -> [MountInfoEntry] {
        text.split(separator: UInt8(ascii: "\n")).compactMap { entry(Array($0)) }
    }

    /// The mount `path` (absolute, links resolved) lies on: the longest mount point that contains
    /// it; among equally long ones the one whose device is `device` (`st_dev`), else the last
    /// (a later mount on the same point hides the earlier).
    public static func mount(containing path: FilePathBytes, device: UInt64? = nil,
                             in entries: [MountInfoEntry]) -> MountInfoEntry? {
        var best: MountInfoEntry?
        for entry in entries where path.isWithin(entry.mountPoint) {
            guard let current = best else { best = entry; continue }
            let length = entry.mountPoint.bytes.count, bestLength = current.mountPoint.bytes.count
            if length > bestLength {
                best = entry
            } else if length == bestLength {
                let bestMatches = device.map { current.isDevice($0) } ?? false
                let entryMatches = device.map { entry.isDevice($0) } ?? false
                if entryMatches || !bestMatches { best = entry }
            }
        }
        return best
    }

    /// The entries in one table and not the other (mounted, unmounted, or changed in a field
    /// we parse), in no particular order.
    public static func differences(between old: [MountInfoEntry], and new: [MountInfoEntry]) -> [MountInfoEntry] {
        Array(Set(old).symmetricDifference(new))
    }

    // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    private static func entry(_ line: [UInt8]) -> MountInfoEntry? {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true).map(Array.init)
        guard fields.count >= 10, let separator = fields[6...].firstIndex(of: [UInt8(ascii: "-")]),
              separator + 2 < fields.count,
              let mountID = Int(text(fields[0])), let parentID = Int(text(fields[1])) else { return nil }
        let device = fields[2].split(separator: UInt8(ascii: ":")).map { UInt32(text(Array($0))) }
        guard device.count == 2, let major = device[0], let minor = device[1] else { return nil }
        return MountInfoEntry(mountID: mountID, parentID: parentID, major: major, minor: minor,
                              root: FilePathBytes(unescaped(fields[3])), mountPoint: FilePathBytes(unescaped(fields[4])),
                              fileSystemType: text(unescaped(fields[separator + 1])),
                              source: text(unescaped(fields[separator + 2])))
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Undoes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash).
    static func unescaped(_ field: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(field.count)
        var index = 0
        while index < field.count {
            if field[index] == UInt8(ascii: "\\"), index + 3 < field.count, let value = octal(field[(index + 1)...(index + 3)]) {
                result.append(value)
                index += 4
            } else {
                result.append(field[index])
                index += 1
            }
        }
        return result
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        // A NUL cannot be part of a path; leave such an escape as it is.
        return (1...255).contains(value) ? UInt8(value) : nil
    }
}

extension MountInfoEntry {
    /// Whether `device` (a `st_dev`) is this mount's `major:minor`, decoded as glibc's
    /// `gnu_dev_major`/`gnu_dev_minor` do.
    public func isDevice(_ device: UInt64) -> Bool {
        let major = UInt32(truncatingIfNeeded: ((device >> 8) & 0xFFF) | ((device >> 32) & ~0xFFF))
        let minor = UInt32(truncatingIfNeeded: (device & 0xFF) | ((device >> 12) & ~0xFF))
        return major == self.major && minor == self.minor
    }
}

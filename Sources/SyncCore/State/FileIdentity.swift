import LinuxSystem

/// The `lstat` fields that say a file is the same file with the same content as when it was
/// hashed: device, inode, size and the two change stamps (nanoseconds since the epoch).
///
/// Equal identities are necessary but not sufficient for equal content: a write within the same
/// timestamp tick as the hash keeps them equal, which is what `SyncState.needsRehash` guards.
public struct FileIdentity: Hashable, Sendable, Codable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modificationTimeNanoseconds: Int64
    public var changeTimeNanoseconds: Int64

    public init(device: UInt64, inode: UInt64, size: Int64,
                modificationTimeNanoseconds: Int64, changeTimeNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.changeTimeNanoseconds = changeTimeNanoseconds
    }

    public init(_ status: FileStatus) {
        self.init(device: status.device, inode: status.inode, size: status.size,
                  modificationTimeNanoseconds: status.modificationTimeNanoseconds,
                  changeTimeNanoseconds: status.changeTimeNanoseconds)
    }

    /// Whether `status` describes the same file, unchanged since this identity was taken.
    public func matches(_ status: FileStatus) -> Bool {
        self == FileIdentity(status)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Notices changes to this process's mount table: a mount, unmount, move or bind anywhere in its
/// mount namespace. inotify cannot see these (its watches stay on the inodes that were covered).
///
/// Linux reports a change of `/proc/self/mountinfo` to `poll(2)` as `POLLPRI | POLLERR` on a
/// descriptor open on it, once per descriptor: the poll that reports a change consumes it, and
/// changes made before the descriptor was opened are never reported. The file always polls as
/// readable, so only `.priority` is asked for. What changed is not said; compare `entries()`
/// before and after (`MountInfo.differences(between:and:)`).
///
/// Owns its descriptor (closed with the monitor). Thread-safety: any thread may use it, but
/// since a poll consumes the notification, one thread should do the polling.
public final class MountTableMonitor: Sendable {
    public let descriptor: FileDescriptor
    /// The table file it watches and `entries()` reads.
    public let file: FilePathBytes

    /// Opens `file` (normally `/proc/self/mountinfo`); throws when it cannot be opened (no /proc).
    public init(file: FilePathBytes = "/proc/self/mountinfo") throws(SystemError) {
        descriptor = try FileDescriptor.open(file, flags: O_RDONLY)
        self.file = file
    }

    /// The entry to add to a `FileDescriptor.poll(_:timeoutMilliseconds:)` set.
    public var pollRequest: PollRequest { PollRequest(descriptor: descriptor, events: .priority) }

    /// Whether the `returnedEvents` of `pollRequest` say the table changed.
    public static func reportsChange(_ returnedEvents: PollEvents) -> Bool {
        !returnedEvents.isDisjoint(with: [.priority, .error])
    }

    /// Waits up to `timeoutMilliseconds` (-1: no limit) for a change; true if one was reported.
    public func waitForChange(timeoutMilliseconds: Int32) throws(SystemError) -> Bool {
        Self.reportsChange(try descriptor.poll(for: .priority, timeoutMilliseconds: timeoutMilliseconds))
    }

    /// The table as it is now, read afresh.
    public func entries() throws(SystemError) -> [MountInfoEntry] {
        try MountInfo.current(file: file)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The `inotify(7)` event and watch bits.
public struct InotifyMask: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let access = InotifyMask(IN_ACCESS)
    public static let modify = InotifyMask(IN_MODIFY)
    public static let attributes = InotifyMask(IN_ATTRIB)
    public static let closeWrite = InotifyMask(IN_CLOSE_WRITE)
    public static let closeNoWrite = InotifyMask(IN_CLOSE_NOWRITE)
    public static let open = InotifyMask(IN_OPEN)
    public static let movedFrom = InotifyMask(IN_MOVED_FROM)
    public static let movedTo = InotifyMask(IN_MOVED_TO)
    public static let create = InotifyMask(IN_CREATE)
    public static let delete = InotifyMask(IN_DELETE)
    public static let deleteSelf = InotifyMask(IN_DELETE_SELF)
    public static let moveSelf = InotifyMask(IN_MOVE_SELF)
    // Set by the kernel in events only.
    public static let unmount = InotifyMask(IN_UNMOUNT)
    public static let queueOverflow = InotifyMask(IN_Q_OVERFLOW)
    public static let ignored = InotifyMask(IN_IGNORED)
    public static let isDirectory = InotifyMask(IN_ISDIR)
    // Accepted by `addWatch` only.
    public static let onlyDirectory = InotifyMask(IN_ONLYDIR)
    public static let dontFollow = InotifyMask(IN_DONT_FOLLOW)
    public static let excludeUnlinked = InotifyMask(IN_EXCL_UNLINK)
    public static let maskAdd = InotifyMask(IN_MASK_ADD)
    public static let oneShot = InotifyMask(IN_ONESHOT)

    public static let moved = InotifyMask(rawValue: UInt32(IN_MOVED_FROM | IN_MOVED_TO))

    private init(_ bits: some BinaryInteger) { self.init(rawValue: UInt32(truncatingIfNeeded: bits)) }

    public var description: String {
        let names: [(InotifyMask, String)] = [
            (.access, "ACCESS"), (.modify, "MODIFY"), (.attributes, "ATTRIB"), (.closeWrite, "CLOSE_WRITE"),
            (.closeNoWrite, "CLOSE_NOWRITE"), (.open, "OPEN"), (.movedFrom, "MOVED_FROM"), (.movedTo, "MOVED_TO"),
            (.create, "CREATE"), (.delete, "DELETE"), (.deleteSelf, "DELETE_SELF"), (.moveSelf, "MOVE_SELF"),
            (.unmount, "UNMOUNT"), (.queueOverflow, "Q_OVERFLOW"), (.ignored, "IGNORED"), (.isDirectory, "ISDIR"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: "|")
    }
}

/// A watch descriptor: the kernel's handle for one watched inode within one inotify instance.
public struct WatchDescriptor: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public var description: String { "wd \(rawValue)" }
}

/// One event as read from an inotify descriptor. `name` is the entry's name inside the watched
/// directory, raw bytes (empty for events about the watched inode itself).
public struct InotifyEvent: Hashable, Sendable {
    public var watch: WatchDescriptor
    public var mask: InotifyMask
    public var cookie: UInt32
    public var name: FilePathBytes

    public init(watch: WatchDescriptor, mask: InotifyMask, cookie: UInt32, name: FilePathBytes) {
        self.watch = watch
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// Parses the kernel's packed `struct inotify_event` records (header, then a NUL-padded name).
    /// A truncated trailing record is dropped; the kernel only ever returns whole records.
    public static func parse(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        let headerSize = 16
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + headerSize <= buffer.count {
            let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= buffer.count else { break }
            let name = buffer[nameStart..<(nameStart + length)].prefix { $0 != 0 }
            events.append(InotifyEvent(watch: WatchDescriptor(rawValue: watch), mask: InotifyMask(rawValue: mask),
                                       cookie: cookie, name: FilePathBytes(name)))
            offset = nameStart + length
        }
        return events
    }
}

/// One inotify instance: owns its descriptor (non-blocking, close-on-exec) through `FileDescriptor`.
///
/// Thread-safety: the kernel serialises calls on the descriptor, so every method may be called
/// from any thread; in practice one reader thread owns the read side. Closing the instance
/// (`close()` or releasing it) removes all of its watches.
public final class Inotify: Sendable {
    /// Bytes read per `read(2)`: enough for ~4000 events with short names, far more than one
    /// kernel wake-up usually holds, and above the 64 KiB the brief asks for.
    public static let readBufferSize = 64 * 1024

    public let descriptor: FileDescriptor

    /// `inotify_init1(IN_NONBLOCK | IN_CLOEXEC)`. `EMFILE` here means `max_user_instances` is reached.
    public init() throws(SystemError) {
        let raw = try retryingOnInterrupt("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        descriptor = FileDescriptor(owning: raw)
    }

    public func close() { descriptor.close() }

    /// `inotify_add_watch`. Adding a watch on an inode already watched by this instance returns
    /// the same descriptor (with the mask replaced unless `.maskAdd`). `ENOSPC` means
    /// `max_user_watches` is reached.
    @discardableResult
    public func addWatch(_ path: FilePathBytes, mask: InotifyMask) throws(SystemError) -> WatchDescriptor {
        let raw = try path.withCString { (cPath) throws(SystemError) -> Int32 in
            try retryingOnInterrupt("inotify_add_watch", subject: path.description) {
                inotify_add_watch(descriptor.rawValue, cPath, mask.rawValue)
            }
        }
        return WatchDescriptor(rawValue: raw)
    }

    /// `inotify_rm_watch`. The kernel then queues `IN_IGNORED` for the watch. `EINVAL` (the watch
    /// is already gone) is not an error worth reporting, so it is swallowed.
    public func removeWatch(_ watch: WatchDescriptor) {
        _ = inotify_rm_watch(descriptor.rawValue, watch.rawValue)
    }

    /// Waits up to `timeoutMilliseconds` (-1: no limit) for events or for `wake` to be signalled,
    /// then reads whatever is queued. Returns an empty array on timeout or wake-up.
    public func readEvents(timeoutMilliseconds: Int32, wake: WakeSignal? = nil) throws(SystemError) -> [InotifyEvent] {
        var entries = [pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)]
        if let wake { entries.append(pollfd(fd: wake.readEnd.rawValue, events: Int16(POLLIN), revents: 0)) }
        let ready = try retryingOnInterrupt("poll") { Glibc.poll(&entries, nfds_t(entries.count), timeoutMilliseconds) }
        if ready == 0 { return [] }
        if entries[0].revents & Int16(POLLNVAL) != 0 { throw SystemError("poll", errno: .badDescriptor) }
        guard entries[0].revents & Int16(POLLIN) != 0 else { return [] }
        return try readAvailable()
    }

    /// Reads the events queued now, without waiting; empty when none are.
    public func readAvailable() throws(SystemError) -> [InotifyEvent] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBufferSize, alignment: 8)
        defer { buffer.deallocate() }
        let count: Int
        do {
            count = try descriptor.read(into: buffer)
        } catch where error.errno == .wouldBlock {
            return []
        }
        return InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
}

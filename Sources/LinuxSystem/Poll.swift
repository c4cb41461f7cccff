#if canImport(Glibc)
import Glibc
#endif

/// The `poll(2)` event bits we use.
public struct PollEvents: OptionSet, Hashable, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let readable = PollEvents(rawValue: Int16(POLLIN))
    public static let writable = PollEvents(rawValue: Int16(POLLOUT))
    /// "Priority data": what `/proc/self/mountinfo` reports when the mount table changed.
    public static let priority = PollEvents(rawValue: Int16(POLLPRI))
    public static let error = PollEvents(rawValue: Int16(POLLERR))
    public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
    public static let invalid = PollEvents(rawValue: Int16(POLLNVAL))
}

extension FileDescriptor {
    /// Waits until the descriptor has one of `events`, or `timeoutMilliseconds` pass (-1: no limit).
    /// Returns the events that happened, empty on timeout. `EINTR` restarts the wait with the full
    /// timeout, which callers treat as an upper bound anyway: they poll in short slices so that
    /// task cancellation is noticed.
    public func poll(for events: PollEvents, timeoutMilliseconds: Int32) throws(SystemError) -> PollEvents {
        var entry = pollfd(fd: rawValue, events: events.rawValue, revents: 0)
        let ready = try retryingOnInterrupt("poll") { Glibc.poll(&entry, 1, timeoutMilliseconds) }
        return ready == 0 ? [] : PollEvents(rawValue: entry.revents)
    }
}

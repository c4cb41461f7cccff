#if canImport(Glibc)
import Glibc
#endif

/// One descriptor of a multi-descriptor `poll(2)`: what to wait for, and what happened.
public struct PollRequest: Sendable {
    public let descriptor: FileDescriptor
    public var events: PollEvents
    /// Filled in by `FileDescriptor.poll(_:timeoutMilliseconds:)`; `.invalid` if the descriptor
    /// was closed meanwhile.
    public var returnedEvents: PollEvents = []

    public init(descriptor: FileDescriptor, events: PollEvents) {
        self.descriptor = descriptor
        self.events = events
    }
}

extension FileDescriptor {
    /// Waits until one of `requests` is ready or `timeoutMilliseconds` pass (-1: no limit), and
    /// fills in each `returnedEvents`. Returns how many are ready; 0 on timeout or when a signal
    /// interrupted the wait (callers loop and recompute their timeout).
    public static func poll(_ requests: inout [PollRequest], timeoutMilliseconds: Int32) throws(SystemError) -> Int {
        var entries = requests.map { pollfd(fd: $0.descriptor.rawValue, events: $0.events.rawValue, revents: 0) }
        let ready = entries.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeoutMilliseconds) }
        if ready < 0 {
            let error = Errno.current
            if error == .interrupted { return 0 }
            throw SystemError("poll", errno: error)
        }
        for index in requests.indices { requests[index].returnedEvents = PollEvents(rawValue: entries[index].revents) }
        return Int(ready)
    }

    /// A pipe, both ends close-on-exec and, if asked, non-blocking: to wake a thread that sleeps
    /// in `poll` (`WakeSignal`), or to talk to a child process (`ChildProcess`).
    public static func makePipe(nonBlocking: Bool) throws(SystemError) -> (read: FileDescriptor, write: FileDescriptor) {
        var raw: [Int32] = [-1, -1]
        // pipe2 is not visible from Swift's Glibc module, so the flags are set right after.
        if Glibc.pipe(&raw) != 0 { throw SystemError("pipe") }
        let ends = (read: FileDescriptor(owning: raw[0]), write: FileDescriptor(owning: raw[1]))
        for end in [ends.read, ends.write] {
            _ = try retryingOnInterrupt("fcntl") { fcntl(end.rawValue, F_SETFD, FD_CLOEXEC) }
            if nonBlocking { try end.setNonBlocking() }
        }
        return ends
    }
}

#if canImport(Glibc)
import Glibc
#endif
import FileWatch
import LinuxSystem
import Testing

extension FileWatcherTests {
    @Test func inotifyWrapperReadsRawNamesAndMasks() throws {
        let tree = try TemporaryTree()
        let inotify = try Inotify()
        let watch = try inotify.addWatch(tree.root, mask: [.create, .closeWrite, .movedFrom, .movedTo])
        let name = FilePathBytes([0xFF, 0xFE])
        try tree.write(name)
        try tree.rename(name, "renamed")
        var events: [InotifyEvent] = []
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while events.count < 4 && clock.now < deadline {
            events += try inotify.readEvents(timeoutMilliseconds: 100)
        }
        #expect(events.map(\.watch) == Array(repeating: watch, count: 4))
        #expect(events.map(\.mask) == [.create, .closeWrite, .movedFrom, .movedTo])
        #expect(events.map(\.name) == [name, name, name, "renamed"])
        #expect(events[2].cookie == events[3].cookie && events[2].cookie != 0)
    }

    @Test func inotifyWaitIsWokenBySignal() throws {
        let inotify = try Inotify()
        let wake = try WakeSignal()
        wake.signal()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try inotify.readEvents(timeoutMilliseconds: 60_000, wake: wake).isEmpty)
        #expect(started.duration(to: clock.now) < .seconds(30))
    }

    @Test func inotifyErrorsAreTyped() throws {
        let inotify = try Inotify()
        #expect(throws: SystemError("inotify_add_watch", subject: "/nonexistent/x", errno: .noSuchFile)) {
            try inotify.addWatch("/nonexistent/x", mask: .create)
        }
    }
}

@Suite struct InotifyEventParsingTests {
    @Test func parsesPackedRecordsWithPaddedNames() {
        var bytes: [UInt8] = []
        func append(_ wd: Int32, _ mask: UInt32, _ cookie: UInt32, _ name: [UInt8], padTo length: Int) {
            withUnsafeBytes(of: wd.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: cookie.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(length).littleEndian) { bytes += $0 }
            bytes += name + Array(repeating: 0, count: length - name.count)
        }
        append(1, UInt32(IN_CREATE), 0, [0x61, 0xFF], padTo: 16)
        append(-1, UInt32(IN_Q_OVERFLOW), 0, [], padTo: 0)
        let events = bytes.withUnsafeBytes { InotifyEvent.parse($0) }
        #expect(events == [
            InotifyEvent(watch: WatchDescriptor(rawValue: 1), mask: .create, cookie: 0, name: FilePathBytes([0x61, 0xFF])),
            InotifyEvent(watch: WatchDescriptor(rawValue: -1), mask: .queueOverflow, cookie: 0, name: FilePathBytes([])),
        ])
    }
}

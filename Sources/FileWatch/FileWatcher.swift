import Foundation
import LinuxSystem
import Synchronization

/// Watches a directory tree with inotify (or, where inotify cannot see every change, periodic
/// stat scans: `Configuration.detection`) and reports settled changes as `WatchBatch`es.
///
/// ```swift
/// let watcher = FileWatcher(root: "/srv/docs")
/// for try await batch in watcher.events() {
///     if batch.rescan { /* full scan */ }
///     for path in batch.changed { /* lstat, hash, upload */ }
/// }
/// ```
///
/// Each call to `events()` starts an independent watch (its own inotify descriptor and reader
/// thread); the first batch has `rescanReason == .startup` once every watch is in place (or
/// `rootState == .missing`), which is the moment for the consumer's initial full scan: nothing
/// that changes after it is missed. Later rescans say why (`RescanReason`). A file system mounted
/// or unmounted at, above or below the root, which inotify cannot see, is noticed through the
/// mount table: the watcher re-crawls and sends a `.mountChanged` rescan. Cancelling the consuming task (or dropping the iterator)
/// ends the stream, stops the thread and closes the descriptor. The stream ends with a
/// `WatchError` when watching cannot go on (e.g. the watch limit); the caller may fall back to
/// periodic scans.
///
/// With `.polling(interval:)` the stream has the same shape: the first batch (`.startup`, or
/// `.missing`) comes after the first scan, then one batch per scan that found a difference;
/// nothing is sent for a scan that found none.
///
/// Why a thread: the reader blocks in `poll(2)`, which must not occupy one of the few threads of
/// Swift's cooperative pool. All of the watcher's mutable state lives on that thread, so no lock
/// or actor is needed; the consumer only sees `Sendable` batches through the stream.
public struct FileWatcher: Sendable {
    /// Tuning. The defaults suit an editor-driven documents folder.
    public struct Configuration: Sendable {
        /// inotify, or periodic scans where inotify is blind; `ChangeDetection.recommended(for:)`
        /// and `WatchDiagnostics` choose.
        public var detection: ChangeDetection = .inotify
        /// A path is reported once no event touched it for this long and two stats agree.
        public var settleWindow: Duration = .milliseconds(200)
        /// The shorter window after `IN_CLOSE_WRITE` (the writer closed the file).
        public var closeWriteSettleWindow: Duration = .milliseconds(50)
        /// A path that never stops changing is reported this long after its first event (when
        /// polling: this long after it was first held as busy).
        public var maximumDelay: Duration = .seconds(10)
        /// How long an `IN_MOVED_FROM` waits for its `IN_MOVED_TO` before it counts as moved out.
        public var moveGraceWindow: Duration = .milliseconds(50)
        /// How often a missing root is looked for (when polling, every scan looks).
        public var rootPollInterval: Duration = .seconds(1)
        /// The wait before a repeated overflow rescan, doubling up to `rescanBackoffMaximum`.
        public var rescanBackoffInitial: Duration = .seconds(1)
        public var rescanBackoffMaximum: Duration = .seconds(60)
        /// Defaults and configured extras (e.g. the state file); rule files are read from the tree.
        public var ignoreRules = IgnoreRules()
        /// Batches the stream buffers for a slow consumer; past that they are merged while they
        /// wait, and past `maximumUndeliveredPaths` replaced by one rescan.
        public var bufferedBatches = 64
        public var maximumUndeliveredPaths = 100_000
        /// Lets tests hold the reader back to make the kernel queue overflow (inotify only).
        public var readGate: WatchReadGate?

        public init() {}
    }

    public let root: FilePathBytes
    public var configuration: Configuration

    public init(root: FilePathBytes, configuration: Configuration = Configuration()) {
        self.root = root
        self.configuration = configuration
    }

    /// Starts watching and returns the stream of batches; see the type's documentation.
    public func events() -> AsyncThrowingStream<WatchBatch, any Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchBatch, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, configuration.bufferedBatches)))
        let stop: WatchStop
        do {
            stop = try WatchStop()
        } catch {
            continuation.finish(throwing: WatchError.system(error))
            return stream
        }
        continuation.onTermination = { _ in stop.request() }
        let root = root, configuration = configuration
        let thread: Thread
        switch configuration.detection {
        case .inotify:
            thread = Thread {
                WatchSession.run(root: root, configuration: configuration, stop: stop, output: continuation)
            }
        case .polling(let interval):
            thread = Thread {
                PollingSession.run(root: root, configuration: configuration, interval: interval, stop: stop,
                                   output: continuation)
            }
        }
        thread.name = "FileWatch \(root)"
        thread.start()
        return stream
    }
}

/// Holds a running watch's reader back while suspended (tests use it to force an overflow).
///
/// `suspend()` only asks: the reader finishes what it is handling and then parks, reading
/// nothing more, which `isHoldingReader` confirms. Only from then on does every event stay in the
/// kernel's queue, so a test that needs the queue to fill waits for it. While a gate is
/// configured the reader wakes at least every 10 ms to look at it.
public final class WatchReadGate: Sendable {
    private let suspended = Atomic(false)
    private let holding = Atomic(false)
    public init() {}
    public func suspend() { suspended.store(true, ordering: .releasing) }
    public func resume() { suspended.store(false, ordering: .releasing) }
    public var isSuspended: Bool { suspended.load(ordering: .acquiring) }
    /// True while the reader is parked at the gate.
    public var isHoldingReader: Bool { holding.load(ordering: .acquiring) }

    func setHoldingReader(_ value: Bool) { holding.store(value, ordering: .releasing) }

    /// How often a reader with a gate looks at it while nothing else wakes it.
    static let checkIntervalMilliseconds: Int32 = 10
}

/// The consumer's way to stop the reader thread: a flag plus a wake-up for its `poll`.
final class WatchStop: Sendable {
    private let requested = Atomic(false)
    let wake: WakeSignal

    init() throws(SystemError) { wake = try WakeSignal() }

    var isRequested: Bool { requested.load(ordering: .acquiring) }

    func request() {
        requested.store(true, ordering: .releasing)
        wake.signal()
    }
}

extension Duration {
    /// A `poll(2)` timeout for this wait: whole milliseconds rounded up, so a thread does not
    /// wake just before its deadline and spin; 0 for a deadline already passed.
    var pollMilliseconds: Int32 {
        if self <= .zero { return 0 }
        let (seconds, attoseconds) = components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}

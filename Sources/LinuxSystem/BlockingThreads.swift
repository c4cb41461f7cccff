#if canImport(Glibc)
import Glibc
#endif

/// Threads for work that blocks for its whole length (a libcurl exchange waits in `poll(2)`
/// until the answer is in), kept for the next piece of work instead of made and ended each time:
/// a full listing of 2,000 pages made 2,000 threads, about 5% of its CPU in `clone3` alone.
///
/// Each piece of work gets a thread at once (an idle one, or a new one), so a slow exchange never
/// delays the next. Idle threads wait without a timeout; beyond `maximumIdle`, a thread that
/// finishes ends. Thread-safe.
public final class BlockingThreads: @unchecked Sendable {
    /// The process's threads for blocking work.
    public static let shared = BlockingThreads(name: "blocking-io", maximumIdle: 16)

    private let name: String
    private let maximumIdle: Int
    private let lock = ConditionLock()
    // Guarded by `lock`.
    private var queue: [@Sendable () -> Void] = []
    /// Threads waiting for work that nobody has signalled yet.
    private var waiting = 0
    private var started = 0

    public init(name: String, maximumIdle: Int) {
        self.name = name
        self.maximumIdle = maximumIdle
    }

    /// Runs `work` on one of the threads, now.
    public func run(_ work: @escaping @Sendable () -> Void) {
        let spawn: Bool = lock.withLock {
            queue.append(work)
            guard waiting > 0 else { return true }
            waiting -= 1
            lock.signal()
            return false
        }
        if spawn { startThread() }
    }

    /// Runs `work`, which blocks, and answers its result: on the calling thread when it is one of
    /// `pool`'s that the pool can lend (`JobPool.lendCurrentThread`), else on one of these threads
    /// while the caller is suspended.
    public func perform<T: Sendable>(lendingFrom pool: JobPool = .shared, _ work: @escaping @Sendable () -> T) async -> T {
        if pool.lendCurrentThread() {
            defer { pool.returnLentThread() }
            return work()
        }
        return await withCheckedContinuation { continuation in
            run { continuation.resume(returning: work()) }
        }
    }

    /// Threads made so far: for tests that check threads are reused.
    public var threadsStarted: Int { lock.withLock { started } }

    /// Threads waiting for work: for tests.
    public var idleThreads: Int { lock.withLock { waiting } }

    private func startThread() {
        let index = lock.withLock { started += 1; return started }
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let pool = Unmanaged<BlockingThreads>.fromOpaque(context!).takeRetainedValue()
            pool.serve()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "pthread_create failed (\(result)): cannot start a thread for \(name) (\(index))")
        pthread_detach(thread)
    }

    private func serve() {
        nameCurrentThread(name)
        while true {
            let work: (@Sendable () -> Void)? = lock.withLock {
                if queue.isEmpty {
                    guard waiting < maximumIdle else { return nil }
                    waiting += 1
                    // `run` takes this thread out of `waiting` when it signals; a spurious wake
                    // with nothing queued waits again (a count that errs low only adds a thread).
                    repeat { lock.wait() } while queue.isEmpty
                }
                return queue.removeFirst()
            }
            guard let work else { return }
            work()
        }
    }
}

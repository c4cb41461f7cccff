#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A fixed set of threads that runs Swift concurrency jobs and serves timers, and wakes only
/// when there is a job to run or a timer due.
///
/// Why it exists: Swift's global executor on Linux is libdispatch's worker pool. The first job
/// that pool runs starts its monitor (`_dispatch_workq_monitor_pools`), a 1 Hz timer that lasts
/// as long as the process does: a `watch` with nothing to do still woke every second and spent
/// 1–2 CPU ticks an idle minute. `installAsGlobalExecutor()` routes the global jobs here through
/// the runtime's `swift_task_enqueueGlobal_hook` (swift-nio uses the same hook), and
/// `JobPoolClock` sleeps on this pool's timers instead of Dispatch's, so an idle agent sleeps.
///
/// Jobs run first-in first-out, without priorities. The threads are made once, on first use,
/// and never exit. Thread-safe.
public final class JobPool: TaskExecutor, @unchecked Sendable {
    /// The process's pool, made on first use with `defaultWidth` threads.
    public static let shared = JobPool(width: JobPool.defaultWidth)

    /// At least four threads even on a small machine, so a job blocked in a slow read or an
    /// fsync does not stall the others (Dispatch grows its pool for that; this pool does not).
    public static var defaultWidth: Int { max(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    public let width: Int
    private let lock = ConditionLock()
    // Everything below is guarded by `lock`.
    private var jobs = JobQueue()
    private var timers = TimerHeap()
    private var sleepers: [UInt64: Sleeper] = [:]
    private var nextSleeperID: UInt64 = 0
    private var threadsStarted = false
    /// Whether an idle thread is already waiting for the earliest timer; the others wait
    /// without a timeout, so a pool with one timer has one timed wait, not `width`.
    private var timerKeeperWaiting = false
    private var jobsRun = 0
    /// How many of the threads are lent to blocking work (`lendCurrentThread`).
    private let threadsLent = Atomic<Int>(0)

    public init(width: Int) {
        precondition(width > 0, "a JobPool needs at least one thread")
        self.width = width
    }

    // MARK: - Jobs

    /// A job of a task that prefers this executor (`Task(executorPreference:)`): it runs with
    /// the pool as its task executor, so its task's later hops stay here without a switch.
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueue(QueuedJob(job: UnownedJob(job), onTaskExecutor: true))
    }

    /// A job the runtime gave its global executor. It runs as Dispatch would run it: on the
    /// generic executor with no task executor. (Run as the pool's task executor instead, every
    /// return from an actor to plain async code became a switch, a new job and a thread wake:
    /// a full comparison spent 25% more CPU.)
    func enqueueGlobal(_ job: UnownedJob) {
        enqueue(QueuedJob(job: job, onTaskExecutor: false))
    }

    private func enqueue(_ job: QueuedJob) {
        lock.withLock {
            startThreadsIfNeeded()
            jobs.append(job)
            lock.signal()
        }
    }

    /// How many jobs the pool has run: for tests that check jobs really came here.
    public var completedJobs: Int { lock.withLock { jobsRun } }

    /// The runtime's generic executor (`SerialExecutorRef::generic()`: no identity, no witness
    /// table), which the standard library has no public name for: where Dispatch runs a
    /// global job, isolated to nothing.
    static let genericExecutor: UnownedSerialExecutor = {
        precondition(MemoryLayout<UnownedSerialExecutor>.size == 2 * MemoryLayout<Int>.size,
                     "UnownedSerialExecutor is not two words: this runtime's executor layout is unknown")
        return unsafeBitCast((Int(0), Int(0)), to: UnownedSerialExecutor.self)
    }()

    // MARK: - Timers

    private enum Sleeper {
        /// Registered before its continuation exists, so a cancellation in between is not lost.
        case registering
        case cancelledWhileRegistering
        case waiting(CheckedContinuation<Void, any Error>)
    }

    /// Suspends until the monotonic clock (`CLOCK_MONOTONIC`) reads `deadline` nanoseconds;
    /// throws `CancellationError` as soon as the task is cancelled.
    public func sleep(untilMonotonicNanoseconds deadline: Int64) async throws {
        try Task.checkCancellation()
        let id = lock.withLock {
            nextSleeperID += 1
            sleepers[nextSleeperID] = .registering
            return nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled: Bool = lock.withLock {
                    if case .cancelledWhileRegistering = sleepers[id] {
                        sleepers[id] = nil
                        return true
                    }
                    sleepers[id] = .waiting(continuation)
                    startThreadsIfNeeded()
                    let wasEarliest = timers.earliest.map { deadline < $0.deadline } ?? true
                    timers.insert(TimerHeap.Entry(deadline: deadline, id: id))
                    // The timer keeper may be waiting for a later deadline (or none waits yet).
                    if wasEarliest { lock.broadcast() }
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, any Error>? = lock.withLock {
                switch sleepers[id] {
                case .registering:
                    sleepers[id] = .cancelledWhileRegistering
                    return nil
                case .waiting(let continuation):
                    // Its heap entry stays and is skipped when it comes due.
                    sleepers[id] = nil
                    return continuation
                case .cancelledWhileRegistering, nil:
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Timers not yet due or cancelled: for tests.
    public var pendingSleepers: Int {
        lock.withLock { sleepers.values.filter { if case .waiting = $0 { true } else { false } }.count }
    }

    // MARK: - Lending a thread to blocking work

    /// Whether the calling thread is one of this pool's and may block for a while: true for at
    /// most one of the pool's threads at a time, and only in a pool of four or more, so the
    /// others keep running jobs and timers. Give it back with `returnLentThread()`.
    ///
    /// Why: handing each libcurl exchange to another thread and back woke two sleeping threads
    /// per request; on a VM every such wake is costly, and the 2,000 sequential pages of a full
    /// comparison spent a tenth of its CPU on them.
    public func lendCurrentThread() -> Bool {
        guard width >= 4, pthread_getspecific(Self.workerKey) == Unmanaged.passUnretained(self).toOpaque() else { return false }
        return threadsLent.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged
    }

    public func returnLentThread() {
        threadsLent.store(0, ordering: .releasing)
    }

    /// Whether a thread could be lent now (asked from any thread): for tests.
    var canLendAThread: Bool { width >= 4 && threadsLent.load(ordering: .acquiring) == 0 }

    /// The thread-specific slot in which each worker keeps its pool.
    private static let workerKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    // MARK: - Threads

    private func startThreadsIfNeeded() {
        guard !threadsStarted else { return }
        threadsStarted = true
        for index in 0..<width {
            let box = Unmanaged.passRetained(WorkerStart(pool: self, index: index))
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { context in
                let start = Unmanaged<WorkerStart>.fromOpaque(context!).takeRetainedValue()
                start.pool.work(index: start.index)
            }, box.toOpaque())
            precondition(result == 0, "pthread_create failed (\(result)): cannot start the job pool")
            pthread_detach(thread)
        }
    }

    private final class WorkerStart {
        let pool: JobPool
        let index: Int
        init(pool: JobPool, index: Int) { self.pool = pool; self.index = index }
    }

    struct QueuedJob {
        var job: UnownedJob
        var onTaskExecutor: Bool
    }

    private enum Work {
        case run(QueuedJob)
        case wake(CheckedContinuation<Void, any Error>)
    }

    private func work(index: Int) -> Never {
        nameCurrentThread("job-pool-\(index)")
        pthread_setspecific(Self.workerKey, Unmanaged.passUnretained(self).toOpaque())
        let taskExecutor = asUnownedTaskExecutor()
        while true {
            switch nextWork() {
            case .run(let queued) where queued.onTaskExecutor:
                queued.job.runSynchronously(on: taskExecutor)
            case .run(let queued):
                queued.job.runSynchronously(on: JobPool.genericExecutor)
            case .wake(let continuation):
                continuation.resume()
            }
        }
    }

    /// Blocks until a job is queued or a timer is due.
    private func nextWork() -> Work {
        lock.withLock {
            while true {
                if let job = jobs.popFirst() {
                    jobsRun += 1
                    return .run(job)
                }
                if let earliest = timers.earliest {
                    if earliest.deadline <= monotonicNanoseconds() {
                        timers.removeEarliest()
                        if case .waiting(let continuation) = sleepers.removeValue(forKey: earliest.id) {
                            return .wake(continuation)
                        }
                        continue  // cancelled: its continuation was resumed already
                    }
                    if !timerKeeperWaiting {
                        timerKeeperWaiting = true
                        lock.wait(untilMonotonicNanoseconds: earliest.deadline)
                        timerKeeperWaiting = false
                        continue
                    }
                }
                lock.wait()
            }
        }
    }
}

/// Names the calling thread (at most 15 bytes show), so `top -H` and `/proc/PID/task/*/comm`
/// tell the pool's threads apart. Swift's Glibc module leaves `pthread_setname_np` out
/// (it is a GNU extension), hence the lookup.
func nameCurrentThread(_ name: String) {
    typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    guard let symbol = dlsym(nil, "pthread_setname_np") else { return }  // nil is RTLD_DEFAULT
    _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), name)
}

/// `CLOCK_MONOTONIC` in nanoseconds.
public func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// A first-in first-out queue of jobs that reuses its storage.
private struct JobQueue {
    private var storage: [JobPool.QueuedJob] = []
    private var head = 0

    mutating func append(_ job: JobPool.QueuedJob) { storage.append(job) }

    mutating func popFirst() -> JobPool.QueuedJob? {
        guard head < storage.count else { return nil }
        let job = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return job
    }
}

/// A binary min-heap of timer deadlines.
struct TimerHeap {
    struct Entry {
        var deadline: Int64
        var id: UInt64
    }

    private var entries: [Entry] = []

    var earliest: Entry? { entries.first }
    var count: Int { entries.count }

    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func removeEarliest() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count, entries[right].deadline < entries[smallest].deadline { smallest = right }
            if smallest == parent { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}

/// A pthread mutex with one condition variable whose timed waits use `CLOCK_MONOTONIC`, so a
/// change of the wall clock neither fires nor delays a timer.
final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Called with the lock held.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Called with the lock held; returns at the deadline, on a signal, or spuriously.
    func wait(untilMonotonicNanoseconds deadline: Int64) {
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(condition, mutex, &time)
    }

    func signal() { pthread_cond_signal(condition) }
    func broadcast() { pthread_cond_broadcast(condition) }
}

import Glibc
import Synchronization
import Testing
@testable import LinuxSystem

@Suite struct BlockingThreadsTests {
    /// Runs `work` on `threads` and waits for its answer.
    private func answer<T: Sendable>(_ threads: BlockingThreads, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in threads.run { continuation.resume(returning: work()) } }
    }

    /// Waits (a hang guard of a minute, not a timing) until `condition` holds.
    private func until(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition(), ContinuousClock.now < deadline { await Task.yield() }
        return condition()
    }

    @Test func workThatFollowsWorkReusesItsThread() async {
        let threads = BlockingThreads(name: "test-blocking", maximumIdle: 4)
        for index in 0..<50 {
            #expect(await answer(threads) { index * 2 } == index * 2)
            // The thread answers before it goes back to waiting: let it get there.
            #expect(await until { threads.idleThreads == 1 })
        }
        #expect(threads.threadsStarted == 1)
    }

    @Test func blockedWorkNeverDelaysTheNext() async {
        let threads = BlockingThreads(name: "test-blocking", maximumIdle: 4)
        // The first piece blocks until the second has run: on one shared thread, it never would.
        let gate = Semaphore()
        async let first: Bool = answer(threads) { gate.wait(seconds: 60) }
        async let second: Void = answer(threads) { gate.signal() }
        await second
        #expect(await first, "the second piece of work did not run while the first blocked")
        #expect(threads.threadsStarted == 2)
    }

    /// The name of the calling thread (`/proc/thread-self/comm`).
    private static func threadName() -> String {
        let bytes = (try? readWholeFile(FilePathBytes(Array("/proc/thread-self/comm".utf8)))) ?? []
        return String(decoding: bytes.filter { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// From a task on a pool of four, blocking work runs on the task's own thread: no thread is
    /// woken for it and none for the task's return.
    @Test func aPoolThreadIsLentToBlockingWork() async {
        let pool = JobPool(width: 4)
        let threads = BlockingThreads(name: "test-blocking", maximumIdle: 4)
        let (caller, worker) = await Task(executorPreference: pool) {
            let caller = Self.threadName()
            return (caller, await threads.perform(lendingFrom: pool) { Self.threadName() })
        }.value
        #expect(caller.hasPrefix("job-pool-"), "\(caller)")
        #expect(worker == caller)
        #expect(threads.threadsStarted == 0)
    }

    /// One thread at most is lent: while it blocks, other blocking work goes to the blocking
    /// threads, so the pool keeps three to run jobs (here, the second task itself).
    @Test func onlyOneThreadIsLentAtATime() async {
        let pool = JobPool(width: 4)
        let threads = BlockingThreads(name: "test-blocking", maximumIdle: 4)
        let gate = Semaphore()
        let first = Task(executorPreference: pool) {
            await threads.perform(lendingFrom: pool) { (Self.threadName(), gate.wait(seconds: 60)) }
        }
        #expect(await until { !pool.canLendAThread })
        let second = await Task(executorPreference: pool) {
            await threads.perform(lendingFrom: pool) { Self.threadName() }
        }.value
        gate.signal()
        let (firstThread, released) = await first.value
        #expect(released)
        #expect(firstThread.hasPrefix("job-pool-"), "\(firstThread)")
        #expect(second == "test-blocking", "\(second)")
        // Given back: the next blocking work may borrow a pool thread again.
        #expect(await Task(executorPreference: pool) { await threads.perform(lendingFrom: pool) { Self.threadName() } }.value
                .hasPrefix("job-pool-"))
    }

    /// A pool smaller than four lends nothing, and a thread that is not the pool's is never lent.
    @Test func smallPoolsAndOtherThreadsLendNothing() async {
        let small = JobPool(width: 3)
        let threads = BlockingThreads(name: "test-blocking", maximumIdle: 4)
        let inSmall = await Task(executorPreference: small) { await threads.perform(lendingFrom: small) { Self.threadName() } }.value
        #expect(inSmall == "test-blocking")
        let pool = JobPool(width: 4)
        #expect(await threads.perform(lendingFrom: pool) { Self.threadName() } == "test-blocking")
    }

    @Test func idleThreadsBeyondTheLimitEnd() async {
        let threads = BlockingThreads(name: "test-blocking", maximumIdle: 1)
        let gate = Semaphore()
        let blocked = Counter()
        // Three blocked at once need three threads; once done, only one stays.
        async let a: Bool = answer(threads) { blocked.add(); return gate.wait(seconds: 60) }
        async let b: Bool = answer(threads) { blocked.add(); return gate.wait(seconds: 60) }
        async let c: Bool = answer(threads) { blocked.add(); return gate.wait(seconds: 60) }
        #expect(await until { blocked.value == 3 })
        gate.signal(); gate.signal(); gate.signal()
        #expect(await [a, b, c] == [true, true, true])
        #expect(threads.threadsStarted == 3)
        #expect(await until { threads.idleThreads == 1 })
        // Later work is served by the one thread left: no new thread is made.
        for _ in 0..<10 {
            _ = await answer(threads) { 0 }
            #expect(await until { threads.idleThreads == 1 })
        }
        #expect(threads.threadsStarted == 3)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// A counting semaphore over a POSIX one, for blocking on purpose.
private final class Semaphore: @unchecked Sendable {
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    init() { sem_init(semaphore, 0, 0) }
    deinit { sem_destroy(semaphore); semaphore.deallocate() }
    func signal() { sem_post(semaphore) }
    /// False if nobody signalled within the limit (a hang guard, not a timing).
    func wait(seconds: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_sec += seconds
        while sem_timedwait(semaphore, &deadline) != 0 { if errno != EINTR { return false } }
        return true
    }
}

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

import Glibc
import Synchronization
import Testing
@testable import LinuxSystem

/// A value that escaping closures can share.
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}

/// `JobPool` and `JobPoolClock` on a private pool (installing the global hook would change the
/// executor of every other test in this process; the spawned binary's tests cover the hook).
@Suite struct JobPoolTests {
    /// The name of the calling thread, as `/proc` shows it.
    private static func currentThreadName() -> String {
        let path = FilePathBytes(Array("/proc/thread-self/comm".utf8))
        let bytes = (try? readWholeFile(path)) ?? []
        return String(decoding: bytes.filter { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    @Test func tasksThatPreferThePoolRunOnItsNamedThreads() async throws {
        let pool = JobPool(width: 2)
        let names = await withTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask(executorPreference: pool) { Self.currentThreadName() }
            }
            return await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(!names.isEmpty)
        #expect(names.allSatisfy { $0.hasPrefix("job-pool-") }, "\(names)")
        #expect(pool.completedJobs >= 16)
    }

    @Test func aSleepEndsAtItsDeadlineNotBefore() async throws {
        let clock = JobPoolClock(pool: JobPool(width: 1))
        let deadline = clock.now.advanced(by: .milliseconds(30))
        try await clock.sleep(until: deadline)
        #expect(ContinuousClock.now >= deadline)
        // A deadline already past returns at once.
        try await clock.sleep(until: clock.now.advanced(by: .seconds(-1)))
    }

    @Test func sleepersArrivingOutOfOrderEachWakeAtTheirOwnDeadline() async throws {
        let pool = JobPool(width: 1)
        let clock = JobPoolClock(pool: pool)
        let early = Shared<[Int]>([])
        let start = clock.now
        let offsets = [90, 10, 50, 30, 70]  // milliseconds, arriving out of order
        try await withThrowingTaskGroup(of: Void.self) { group in
            for offset in offsets {
                group.addTask {
                    let deadline = start.advanced(by: .milliseconds(offset))
                    try await clock.sleep(until: deadline)
                    if ContinuousClock.now < deadline { early.value.withLock { $0.append(offset) } }
                }
            }
            try await group.waitForAll()
        }
        #expect(early.value.withLock { $0 }.isEmpty, "woken before their deadline")
        #expect(pool.pendingSleepers == 0)
    }

    @Test func cancellationEndsALongSleepAndLeavesNoTimer() async throws {
        let pool = JobPool(width: 1)
        let clock = JobPoolClock(pool: pool)
        let sleeper = Task { try await clock.sleep(for: .seconds(3600)) }
        // Wait until the sleep is registered, so the cancellation meets a waiting timer.
        let registered = ContinuousClock.now + .seconds(60)
        while pool.pendingSleepers == 0, ContinuousClock.now < registered { await Task.yield() }
        #expect(pool.pendingSleepers == 1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(pool.pendingSleepers == 0)
    }

    @Test func aTaskCancelledBeforeItSleepsThrowsAtOnce() async throws {
        let clock = JobPoolClock(pool: JobPool(width: 1))
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func manySleepsAndCancellationsRacingAllEnd() async throws {
        let pool = JobPool(width: 3)
        let clock = JobPoolClock(pool: pool)
        let finished = Shared(0)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                let sleeper = Task {
                    try? await clock.sleep(for: .microseconds((index * 7919) % 20_000))
                    finished.value.withLock { $0 += 1 }
                }
                // Every third one is cancelled at some point of its life: before, during or after.
                if index % 3 == 0 { group.addTask { await Task.yield(); sleeper.cancel(); await sleeper.value } }
                else { group.addTask { await sleeper.value } }
            }
        }
        #expect(finished.value.withLock { $0 } == 400)
        #expect(pool.pendingSleepers == 0)
    }

    @Test func timerHeapPopsInDeadlineOrder() {
        var heap = TimerHeap()
        var generator = SystemRandomNumberGenerator()
        let deadlines = (0..<500).map { _ in Int64.random(in: -1000...1000, using: &generator) }
        for (index, deadline) in deadlines.enumerated() { heap.insert(.init(deadline: deadline, id: UInt64(index))) }
        var popped: [Int64] = []
        while let entry = heap.removeEarliest() { popped.append(entry.deadline) }
        #expect(popped == deadlines.sorted())
        #expect(heap.count == 0)
    }
}

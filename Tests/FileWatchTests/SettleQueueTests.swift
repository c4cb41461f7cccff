@testable import FileWatch
import LinuxSystem
import Testing

/// The settling rules, on made-up instants: no real time passes.
@Suite struct SettleQueueTests {
    typealias Instant = ContinuousClock.Instant
    let start = ContinuousClock.now
    func at(_ milliseconds: Int) -> Instant { start.advanced(by: .milliseconds(milliseconds)) }

    static func file(size: Int64, mtime: Int64 = 1) -> PathSample {
        PathSample(status: .init(kind: .regular, device: 1, inode: 7, size: size, modificationTimeNanoseconds: mtime))
    }

    func queue() -> SettleQueue<Instant> {
        SettleQueue(settleWindow: .milliseconds(200), closeWriteSettleWindow: .milliseconds(50), maximumDelay: .seconds(10))
    }

    @Test func reportsOnceQuietForTheWindowAndStatsAgree() {
        var queue = queue()
        queue.note("f", at: at(0), sample: Self.file(size: 1))
        #expect(queue.takeDue(at: at(199)) { _ in Self.file(size: 1) }.changed.isEmpty)
        #expect(queue.nextDeadline == at(200))
        #expect(queue.takeDue(at: at(200)) { _ in Self.file(size: 1) }.changed == ["f"])
        #expect(queue.isEmpty)
    }

    @Test func eachEventRestartsTheWindow() {
        var queue = queue()
        queue.note("f", at: at(0), sample: Self.file(size: 1))
        queue.note("f", at: at(150), sample: Self.file(size: 2))
        #expect(queue.takeDue(at: at(300)) { _ in Self.file(size: 2) }.changed.isEmpty)
        #expect(queue.takeDue(at: at(350)) { _ in Self.file(size: 2) }.changed == ["f"])
    }

    @Test func closeWriteShortensTheWindow() {
        var queue = queue()
        queue.note("f", at: at(0), sample: Self.file(size: 1), closeWrite: true)
        #expect(queue.takeDue(at: at(50)) { _ in Self.file(size: 1) }.changed == ["f"])
    }

    @Test func disagreeingStatsWaitAnotherWindow() {
        var queue = queue()
        queue.note("f", at: at(0), sample: Self.file(size: 1))
        #expect(queue.takeDue(at: at(200)) { _ in Self.file(size: 5) }.changed.isEmpty)
        #expect(queue.takeDue(at: at(400)) { _ in Self.file(size: 5) }.changed == ["f"])
    }

    @Test func neverQuietFileIsReportedAfterTheMaximumDelay() {
        var queue = queue()
        var size: Int64 = 0
        for milliseconds in stride(from: 0, to: 10_000, by: 100) {
            size += 1
            queue.note("busy", at: at(milliseconds), sample: Self.file(size: size))
            #expect(queue.takeDue(at: at(milliseconds)) { _ in Self.file(size: size) }.changed.isEmpty)
        }
        #expect(queue.nextDeadline == at(10_000))
        #expect(queue.takeDue(at: at(10_000)) { _ in Self.file(size: size + 1) }.changed == ["busy"])
    }

    @Test func absentPathIsRemovedUnlessItWasBornInTheWindow() {
        var queue = queue()
        queue.note("known", at: at(0), sample: .absent)
        queue.note("temporary", at: at(0), sample: Self.file(size: 1), isNew: true)
        queue.note("temporary", at: at(10), sample: .absent)
        let due = queue.takeDue(at: at(300)) { _ in .absent }
        #expect(due.removed == ["known"])
        #expect(due.changed.isEmpty)
    }

    @Test func deleteThenRecreateIsOneChange() {
        var queue = queue()
        queue.note("f", at: at(0), sample: .absent)
        queue.note("f", at: at(5), sample: Self.file(size: 3), isNew: true)
        let due = queue.takeDue(at: at(205)) { _ in Self.file(size: 3) }
        #expect(due.changed == ["f"])
        #expect(due.removed.isEmpty)
    }

    @Test func directoriesAreNotReported() {
        var queue = queue()
        let directory = PathSample(status: .init(kind: .directory, device: 1, inode: 2, size: 0, modificationTimeNanoseconds: 0))
        queue.note("d", at: at(0), sample: directory)
        let due = queue.takeDue(at: at(200)) { _ in directory }
        #expect(due.changed.isEmpty && due.removed.isEmpty && queue.isEmpty)
    }
}

@Suite struct RescanBackoffTests {
    func take(_ backoff: inout RescanBackoff<Instant>, _ now: Instant) -> Bool { backoff.takeIfDue(at: now) }

    typealias Instant = ContinuousClock.Instant
    let start = ContinuousClock.now
    func at(_ milliseconds: Int) -> Instant { start.advanced(by: .milliseconds(milliseconds)) }

    @Test func firstRescanIsImmediateRepeatsBackOffAndCoalesce() {
        var backoff = RescanBackoff<Instant>(initial: .seconds(1), maximum: .seconds(8))
        backoff.request(at: at(0))
        #expect(take(&backoff, at(0)))
        backoff.request(at: at(100))
        backoff.request(at: at(200))  // coalesces
        #expect(backoff.dueTime == at(1000))
        #expect(!take(&backoff, at(999)))
        #expect(take(&backoff, at(1000)))
        backoff.request(at: at(1100))
        #expect(backoff.dueTime == at(3000))
        #expect(take(&backoff, at(3000)))
        #expect(backoff.signalCount == 3)
        #expect(backoff.interval(forStreak: 10) == .seconds(8))
    }

    @Test func aQuietSpellResetsTheStreak() {
        var backoff = RescanBackoff<Instant>(initial: .seconds(1), maximum: .seconds(8))
        backoff.request(at: at(0))
        #expect(take(&backoff, at(0)))
        backoff.request(at: at(60_000))
        #expect(take(&backoff, at(60_000)))
        #expect(backoff.streak == 1)
    }
}

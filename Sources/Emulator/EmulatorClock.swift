import Foundation
import Synchronization

/// Where the emulator gets its time: timestamps, processing schedules, rate-limit windows,
/// `wait_for_completion` and slow-answer faults all read or sleep on one clock, so a test that
/// passes a `ManualEmulatorClock` controls every one of them.
public protocol EmulatorClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }
    /// Suspends until `deadline` (returns at once if it has passed). Throws `CancellationError`
    /// if the task is cancelled first.
    func sleep(until deadline: Date) async throws
}

extension EmulatorClock {
    /// Suspends for `duration` measured on this clock.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.addingTimeInterval(duration.timeInterval))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

/// Real time: `Date()` and `Task.sleep`.
public struct SystemEmulatorClock: EmulatorClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        if interval > 0 { try await Task.sleep(for: .seconds(interval)) }
    }
}

/// A clock that moves only when a test calls `advance(by:)`; sleepers wake when their deadline
/// is reached. Thread-safe (one mutex). `waitForSleepers(_:)` lets a test wait, without sleeping
/// itself, until a handler has parked on the clock.
public final class ManualEmulatorClock: EmulatorClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state: Mutex<State>

    /// Starts at `start` (default 2025-01-01T00:00:00Z, so timestamps in tests are stable).
    public init(start: Date = Date(timeIntervalSince1970: 1_735_689_600)) {
        state = Mutex(State(now: start))
    }

    public var now: Date { state.withLock { $0.now } }

    /// How many tasks are parked on the clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Date) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    let count = state.sleepers.count
                    let ready = state.sleeperWaiters.filter { $0.count <= count }
                    state.sleeperWaiters.removeAll { $0.count <= count }
                    for waiter in ready { waiter.continuation.resume() }
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come, earliest first.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now = state.now.addingTimeInterval(duration.timeInterval)
            let now = state.now
            let dueIDs = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return dueIDs.compactMap { state.sleepers.removeValue(forKey: $0) }.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Returns once at least `count` tasks are parked on the clock.
    public func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.sleeperWaiters.append((count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension JobPool {
    /// The signatures of the Swift runtime's `swift_task_enqueueGlobal_hook` and of the function
    /// it is handed (both `SWIFT_CC(swift)`, no context: a thin Swift function).
    private typealias EnqueueGlobal = @convention(thin) (UnownedJob) -> Void
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, EnqueueGlobal) -> Void

    /// Makes `JobPool.shared` the process's global concurrency executor: every job Swift would
    /// give to Dispatch's worker pool (tasks not on an actor, actors' turns) runs here instead.
    /// Call it first thing in `main`, before any task starts. Returns false, changing nothing,
    /// where the runtime has no such hook.
    ///
    /// `Task.sleep` does not pass through this hook (Swift 6.3 arms a Dispatch timer for it
    /// directly), so code that should stay off Dispatch sleeps on `JobPoolClock`.
    @discardableResult
    public static func installAsGlobalExecutor() -> Bool {
        guard let symbol = dlsym(nil, "swift_task_enqueueGlobal_hook") else { return false }  // nil is RTLD_DEFAULT
        let hook = symbol.assumingMemoryBound(to: EnqueueGlobalHook?.self)
        hook.pointee = { job, _ in JobPool.shared.enqueueGlobal(job) }
        return true
    }
}

/// `ContinuousClock`'s time, with sleeps served by `JobPool.shared`'s timers rather than by
/// Dispatch's (see `JobPool`): an agent whose every sleep is on this clock has no periodic wake
/// once nothing is due. Its instants are `ContinuousClock`'s, so they mix with code that reads
/// `ContinuousClock.now`.
public struct JobPoolClock: Clock {
    public typealias Instant = ContinuousClock.Instant
    private let pool: JobPool

    public init(pool: JobPool = .shared) { self.pool = pool }

    public var now: Instant { .now }
    public var minimumResolution: Duration { ContinuousClock().minimumResolution }

    /// Tolerance is ignored: the timer fires at the deadline.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let remaining = Instant.now.duration(to: deadline)
        guard remaining > .zero else { return try Task.checkCancellation() }
        let (seconds, attoseconds) = remaining.components
        // Saturates: a sleep of centuries waits until cancelled.
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let sum = monotonicNanoseconds().addingReportingOverflow(nanoseconds.partialValue &+ attoseconds / 1_000_000_000)
        let monotonicDeadline = nanoseconds.overflow || sum.overflow ? Int64.max : sum.partialValue
        try await pool.sleep(untilMonotonicNanoseconds: monotonicDeadline)
    }
}

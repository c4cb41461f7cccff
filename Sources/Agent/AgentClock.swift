import LinuxSystem

/// The agent's monotonic time, as a duration since the clock was made, so the loop's deadlines
/// are plain values. Production wraps `JobPoolClock` (continuous time; sleeps that never wake
/// Dispatch); tests wrap a clock they move by hand (`ManualClock`), which makes timing (backoff,
/// safety rescans, recovery) testable without waiting.
public struct AgentClock: Sendable {
    /// Time since the clock's origin.
    public let now: @Sendable () -> Duration
    /// Suspends until `now()` reaches the offset; throws on cancellation.
    public let sleepUntil: @Sendable (Duration) async throws -> Void

    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleepUntil = { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) }
    }

    public static var continuous: AgentClock { AgentClock(JobPoolClock()) }
}

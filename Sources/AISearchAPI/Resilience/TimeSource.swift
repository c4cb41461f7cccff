/// A clock of any type seen as "time elapsed since this source was made", so actors can store
/// instants and do arithmetic on them without knowing the clock's `Instant` type.
struct TimeSource: Sendable {
    let now: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { duration in
            if duration > .zero { try await clock.sleep(for: duration) }
        }
    }

    init(_ clock: any Clock<Duration>) {
        self.init(opened: clock)
    }

    private init<C: Clock>(opened clock: C) where C.Duration == Duration {
        self.init(clock)
    }
}

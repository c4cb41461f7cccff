/// A clock of any type seen as "time elapsed since this source was made", so actors can store
/// instants and do arithmetic on them without knowing the clock's `Instant` type.
struct TimeSource: Sendable {
    let now: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void

    init(_ clock: any Clock<Duration>) {
        (now, sleep) = Self.functions(of: clock)
    }

    /// Opens the existential: the instants stay inside these closures.
    private static func functions<C: Clock>(of clock: C)
        -> (@Sendable () -> Duration, @Sendable (Duration) async throws -> Void) where C.Duration == Duration {
        let origin = clock.now
        return ({ origin.duration(to: clock.now) }, { duration in
            if duration > .zero { try await clock.sleep(for: duration) }
        })
    }
}

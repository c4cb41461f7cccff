import Synchronization

/// A one-way switch that a graceful stop closes: executors check it before starting each
/// request, so the requests in flight finish and get recorded while nothing new begins.
/// Thread-safe; closing twice is harmless.
public final class WorkGate: Sendable {
    private let closed = Atomic(false)

    public init() {}

    public func close() { closed.store(true, ordering: .releasing) }

    public var isClosed: Bool { closed.load(ordering: .acquiring) }
}

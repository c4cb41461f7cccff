/// The watcher thread's end of the stream, shared by the inotify and the polling session.
/// Hands batches to the consumer; while the consumer is behind (the buffer is full), later
/// batches are merged into one undelivered batch, which becomes a bare `.overflow` rescan once it
/// holds more paths than are worth keeping (the paths are lost, as in a kernel queue overflow).
/// Confined to the watcher's thread.
struct BatchOutput {
    let continuation: AsyncThrowingStream<WatchBatch, any Error>.Continuation
    let maximumUndeliveredPaths: Int
    private(set) var undelivered: WatchBatch?

    init(_ continuation: AsyncThrowingStream<WatchBatch, any Error>.Continuation, maximumUndeliveredPaths: Int) {
        self.continuation = continuation
        self.maximumUndeliveredPaths = maximumUndeliveredPaths
    }

    var hasUndelivered: Bool { undelivered != nil }

    mutating func emit(_ batch: WatchBatch) {
        if undelivered == nil {
            if case .dropped(let dropped) = continuation.yield(batch) { undelivered = dropped }
            return
        }
        undelivered!.merge(batch)
        if undelivered!.changed.count + undelivered!.removed.count > maximumUndeliveredPaths {
            undelivered = WatchBatch(rescanReason: .overflow, rootState: undelivered!.rootState)
        }
        flush()
    }

    /// Tries again to deliver the held batch; call it whenever the thread wakes.
    mutating func flush() {
        guard let batch = undelivered else { return }
        if case .dropped = continuation.yield(batch) { return }
        undelivered = nil
    }
}

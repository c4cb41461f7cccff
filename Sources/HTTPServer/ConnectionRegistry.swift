import LinuxSystem
import Synchronization

/// The open connections of one server, for the connection cap and for giving memory back after
/// a burst.
///
/// A connection is *idle* while it waits for the first byte of a request (a fresh connection,
/// or a kept-alive one between requests). When a new connection would go over the cap, the
/// connection idle the longest is ended (its read side is shut down, so its task sees the end
/// of the stream and closes it); if none is idle, the new connection is refused. So a flood of
/// idle connections cannot lock out a health probe, and a busy server never drops work in
/// progress.
///
/// Thread-safe. Every method is short and never blocks.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let descriptor: FileDescriptor
        /// When it became idle (a sequence number, so the oldest is the smallest); nil while busy.
        var idleSince: UInt64?
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var clock: UInt64 = 0
        /// The most connections open at once since memory was last given back.
        var peak = 0
    }

    let capacity: Int
    private let state = Mutex(State())
    /// A burst this large (open connections) is worth a `malloc_trim` once it has drained.
    private let trimThreshold: Int

    init(capacity: Int, trimThreshold: Int = 256) {
        self.capacity = max(1, capacity)
        self.trimThreshold = trimThreshold
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// Registers a newly accepted connection, idle. Returns its id, or nil when the server is
    /// full of busy connections and this one must be refused.
    func admit(_ descriptor: FileDescriptor) -> UInt64? {
        state.withLock { state -> UInt64? in
            if state.entries.count >= capacity {
                let oldest = state.entries.filter { $0.value.idleSince != nil }.min { $0.value.idleSince! < $1.value.idleSince! }
                guard let (id, entry) = oldest else { return nil }
                // The descriptor stays open (its task closes it after `remove`), so it cannot be
                // reused by another connection while this runs under the lock.
                try? entry.descriptor.shutdown(.read)
                state.entries[id]?.idleSince = nil
            }
            state.nextID += 1
            state.clock += 1
            state.entries[state.nextID] = Entry(descriptor: descriptor, idleSince: state.clock)
            state.peak = max(state.peak, state.entries.count)
            return state.nextID
        }
    }

    func markIdle(_ id: UInt64) {
        state.withLock { state in
            state.clock += 1
            state.entries[id]?.idleSince = state.clock
        }
    }

    func markBusy(_ id: UInt64) {
        state.withLock { $0.entries[id]?.idleSince = nil }
    }

    /// Forgets a connection; call before closing its descriptor. Once a burst of at least
    /// `trimThreshold` connections has drained to a quarter of its peak, the heap's free pages
    /// go back to the kernel (per-connection buffers are freed, but glibc keeps the pages).
    func remove(_ id: UInt64) {
        let drained = state.withLock { state -> Bool in
            state.entries[id] = nil
            guard state.peak >= trimThreshold, state.entries.count * 4 <= state.peak else { return false }
            state.peak = state.entries.count
            return true
        }
        if drained { releaseFreeHeapMemory() }
    }
}

import Foundation
import LinuxSystem
import Synchronization

/// Lets async code wait for a non-blocking descriptor to become readable or writable without
/// blocking a thread of the cooperative pool.
///
/// One dedicated thread sleeps in `poll(2)` over every descriptor some task waits on, plus a
/// pipe used to wake it when a new wait is registered. Each wait ends exactly once: ready,
/// timed out (its deadline passed), or cancelled (the waiting task was cancelled, or the reactor
/// shut down). Waits are identified by a token, never by descriptor number, so a descriptor
/// closed and reused while the thread sleeps can only cause a spurious wake-up that is ignored.
final class IOReactor: Sendable {
    enum Outcome: Sendable, Equatable { case ready, timedOut, cancelled }

    private struct Waiter {
        let descriptor: FileDescriptor
        let events: PollEvents
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private enum Slot {
        case waiting(Waiter)
        /// The task was cancelled before its wait was registered.
        case cancelledEarly
    }

    private struct State {
        var nextToken: UInt64 = 0
        var slots: [UInt64: Slot] = [:]
        /// True while the thread sleeps in `poll` with a descriptor set that misses new waits.
        var isPolling = false
        var isWakePending = false
        var isShuttingDown = false
        var isThreadFinished = false
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let wakeReader: FileDescriptor
    private let wakeWriter: FileDescriptor
    private let clock = ContinuousClock()

    /// Starts the reactor thread.
    init(name: String = "IOReactor") throws(SystemError) {
        (wakeReader, wakeWriter) = try FileDescriptor.makePipe(nonBlocking: true)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    deinit {
        wakeReader.close()
        wakeWriter.close()
    }

    /// Suspends until `descriptor` has one of `events` (errors and hang-ups count as ready: the
    /// next read or write reports them), `deadline` passes, or the task is cancelled.
    func wait(for events: PollEvents, on descriptor: FileDescriptor, deadline: ContinuousClock.Instant?) async -> Outcome {
        let token = state.withLock { state in
            state.nextToken += 1
            return state.nextToken
        }
        defer { state.withLock { _ = $0.slots.removeValue(forKey: token) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiter = Waiter(descriptor: descriptor, events: events, deadline: deadline, continuation: continuation)
                let (accepted, mustWake) = state.withLock { state -> (Bool, Bool) in
                    if state.isShuttingDown { return (false, false) }
                    if case .cancelledEarly = state.slots[token] { return (false, false) }
                    state.slots[token] = .waiting(waiter)
                    guard state.isPolling, !state.isWakePending else { return (true, false) }
                    state.isWakePending = true
                    return (true, true)
                }
                if !accepted { return continuation.resume(returning: .cancelled) }
                if mustWake { wake() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard case .waiting(let waiter) = state.slots[token] else {
                    state.slots[token] = .cancelledEarly
                    return nil
                }
                state.slots[token] = nil
                return waiter
            }
            waiter?.continuation.resume(returning: .cancelled)
        }
    }

    /// Stops the thread after ending every pending wait with `.cancelled`, and returns once the
    /// thread has finished and the wake-up pipe is closed. Later waits end with `.cancelled` at
    /// once. Must be called: the thread keeps the reactor alive until then.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // Registered before the wake-up, so the finishing thread cannot miss it.
            let finished = state.withLock { state -> Bool in
                state.isShuttingDown = true
                if !state.isThreadFinished { state.shutdownWaiters.append(continuation) }
                return state.isThreadFinished
            }
            if finished { continuation.resume() } else { wake() }
        }
    }

    /// Asks the thread to stop without waiting for it (for a `deinit`, which cannot await).
    func beginShutdown() {
        state.withLock { $0.isShuttingDown = true }
        wake()
    }

    private func wake() {
        let byte: [UInt8] = [1]
        // EAGAIN means the pipe already holds a wake-up; nothing else can fail on a pipe we own.
        _ = byte.withUnsafeBytes { try? wakeWriter.write($0) }
    }

    private func drainWakePipe() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while true {
            let count = scratch.withUnsafeMutableBytes { (try? wakeReader.read(into: $0)) ?? 0 }
            if count < scratch.count { return }
        }
    }

    /// The thread's loop: snapshot the waits, poll, resume whoever is ready or late.
    private func run() {
        while true {
            let now = clock.now
            let snapshot = state.withLock { state -> (tokens: [UInt64], requests: [PollRequest], timeout: Int32)? in
                if state.isShuttingDown { return nil }
                state.isPolling = true
                var tokens: [UInt64] = []
                var requests = [PollRequest(descriptor: wakeReader, events: .readable)]
                var earliest: ContinuousClock.Instant?
                for (token, slot) in state.slots {
                    guard case .waiting(let waiter) = slot else { continue }
                    tokens.append(token)
                    requests.append(PollRequest(descriptor: waiter.descriptor, events: waiter.events))
                    if let deadline = waiter.deadline, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
                }
                return (tokens, requests, earliest.map { Self.milliseconds(from: now, to: $0) } ?? -1)
            }
            guard let snapshot else { break }
            let tokens = snapshot.tokens
            var requests = snapshot.requests
            // A failing poll (only EINVAL/ENOMEM are possible) is retried after a short pause
            // rather than crashing; deadlines still fire because the loop recomputes them.
            if (try? FileDescriptor.poll(&requests, timeoutMilliseconds: snapshot.timeout)) == nil { usleep(1000) }
            if !requests[0].returnedEvents.isEmpty { drainWakePipe() }
            let later = clock.now
            let finished = state.withLock { state -> [(CheckedContinuation<Outcome, Never>, Outcome)] in
                state.isPolling = false
                state.isWakePending = false
                var finished: [(CheckedContinuation<Outcome, Never>, Outcome)] = []
                for (index, token) in tokens.enumerated() where !requests[index + 1].returnedEvents.isEmpty {
                    guard case .waiting(let waiter) = state.slots[token] else { continue }
                    state.slots[token] = nil
                    finished.append((waiter.continuation, .ready))
                }
                for (token, slot) in state.slots {
                    guard case .waiting(let waiter) = slot, let deadline = waiter.deadline, deadline <= later else { continue }
                    state.slots[token] = nil
                    finished.append((waiter.continuation, .timedOut))
                }
                return finished
            }
            for (continuation, outcome) in finished { continuation.resume(returning: outcome) }
        }
        let (pending, shutdownWaiters) = state.withLock { state in
            state.isThreadFinished = true
            let pending = state.slots.values.compactMap { slot -> CheckedContinuation<Outcome, Never>? in
                if case .waiting(let waiter) = slot { return waiter.continuation } else { return nil }
            }
            state.slots.removeAll()
            defer { state.shutdownWaiters.removeAll() }
            return (pending, state.shutdownWaiters)
        }
        // Closed here, not in deinit, so that `shutdown()` returning means no descriptor is left.
        wakeReader.close()
        wakeWriter.close()
        for continuation in pending { continuation.resume(returning: .cancelled) }
        for continuation in shutdownWaiters { continuation.resume() }
    }

    /// Milliseconds from `now` until `deadline`, rounded up so a wake-up is never early.
    private static func milliseconds(from now: ContinuousClock.Instant, to deadline: ContinuousClock.Instant) -> Int32 {
        let (seconds, attoseconds) = (deadline - now).components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}

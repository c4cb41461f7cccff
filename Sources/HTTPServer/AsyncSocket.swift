#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// A non-blocking TCP connection whose reads and writes suspend the task (through an
/// `IOReactor`) instead of blocking a thread. Every wait has a deadline and ends early when the
/// task is cancelled.
struct AsyncSocket: Sendable {
    enum Failure: Error, Equatable {
        case timedOut
        case cancelled
        case system(SystemError)
    }

    let descriptor: FileDescriptor
    let reactor: IOReactor

    /// Connects to `address` (used by tests and by clients of our own server).
    static func connect(to address: SocketAddress, reactor: IOReactor, deadline: ContinuousClock.Instant) async throws(Failure) -> AsyncSocket {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.tcpSocket(family: address.family, nonBlocking: true)
            try descriptor.setSocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        } catch {
            throw .system(error)
        }
        let socket = AsyncSocket(descriptor: descriptor, reactor: reactor)
        do {
            try descriptor.connect(to: address)
            return socket
        } catch where error.errno == .inProgress {
            try await socket.waitUntil(.writable, deadline: deadline)
            let pending: Errno?
            do { pending = try descriptor.pendingError() } catch { throw .system(error) }
            if let pending { throw .system(SystemError("connect", subject: address.description, errno: pending)) }
            return socket
        } catch {
            throw .system(error)
        }
    }

    /// Receives into `buffer`; returns how many bytes arrived, 0 when the peer closed its side.
    func receive(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) async throws(Failure) -> Int {
        while true {
            let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try descriptor.receive(into: raw) } }
            switch result {
            case .success(let count): return count
            case .failure(let error) where error.errno == .wouldBlock: try await waitUntil(.readable, deadline: deadline)
            case .failure(let error): throw .system(error)
            }
        }
    }

    /// Sends all of `bytes`. Fails with `.timedOut` if the peer accepts nothing for
    /// `stallTimeout` (a reader that stopped reading), not if a large answer simply takes long.
    func send(_ bytes: [UInt8], stallTimeout: Duration) async throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try descriptor.send(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            switch result {
            case .success(let count): offset += count
            case .failure(let error) where error.errno == .wouldBlock:
                try await waitUntil(.writable, deadline: .now + stallTimeout)
            case .failure(let error): throw .system(error)
            }
        }
    }

    /// Suspends until the peer sends something (or closes), without holding a buffer meanwhile.
    /// Returns at once, without a round trip through the reactor, when bytes are already there.
    func waitUntilReadable(deadline: ContinuousClock.Instant) async throws(Failure) {
        var request = [PollRequest(descriptor: descriptor, events: .readable)]
        if (try? FileDescriptor.poll(&request, timeoutMilliseconds: 0)) == 1 { return }
        try await waitUntil(.readable, deadline: deadline)
    }

    private func waitUntil(_ events: PollEvents, deadline: ContinuousClock.Instant) async throws(Failure) {
        switch await reactor.wait(for: events, on: descriptor, deadline: deadline) {
        case .ready: return
        case .timedOut: throw .timedOut
        case .cancelled: throw .cancelled
        }
    }

    /// Ends the connection with an RST instead of a FIN (`SO_LINGER` 0), as a crashed peer would.
    func reset() {
        try? descriptor.setLinger(seconds: 0)
        descriptor.close()
    }

    /// Closes politely: sends a FIN, then reads and discards what the peer still sends until it
    /// closes too, at most until `deadline` or `byteLimit` bytes. Closing with unread data would
    /// send an RST, and the peer could lose the answer just sent (RFC 9112 section 9.6).
    func closeGracefully(deadline: ContinuousClock.Instant, byteLimit: Int = 1 << 20) async {
        defer { descriptor.close() }
        guard (try? descriptor.shutdown(.write)) != nil else { return }
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var discarded = 0
        while discarded < byteLimit, let count = try? await receive(into: &scratch, deadline: deadline), count > 0 {
            discarded += count
        }
    }
}

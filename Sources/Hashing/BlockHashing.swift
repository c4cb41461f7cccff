/// What MD5, SHA-1 and SHA-256 have in common: a state that absorbs whole 64-byte blocks, and a
/// final block padded with `0x80`, zeros and the message length in bits (big-endian for the SHA
/// family, little-endian for MD5). `BlockHashStream` does the buffering and padding once; each
/// algorithm supplies only its compression function.
protocol BlockCompressor: Sendable {
    /// Whether the length in the final block is big-endian (SHA) or little-endian (MD5).
    static var lengthIsBigEndian: Bool { get }
    /// Absorbs `blocks`, whose count is a positive multiple of 64. Must not allocate.
    mutating func compress(blocks: UnsafeRawBufferPointer)
}

/// Streaming front end shared by `SHA256`, `SHA1` and `MD5`: keeps at most 63 pending bytes and
/// passes every run of whole blocks straight from the caller's buffer to the compressor, so large
/// inputs are never copied.
struct BlockHashStream<Compressor: BlockCompressor>: Sendable {
    private(set) var compressor: Compressor
    /// 64 bytes of pending input, as a tuple so it lives inline (no heap, no bounds checks).
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var totalLength: UInt64 = 0

    init(_ compressor: Compressor) {
        self.compressor = compressor
    }

    @inline(__always)
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalLength &+= UInt64(truncatingIfNeeded: remaining)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, remaining)
            let filled = pendingCount
            withUnsafeMutableBytes(of: &pending) { buffer in
                (buffer.baseAddress! + filled).copyMemory(from: input, byteCount: take)
            }
            pendingCount += take
            input += take
            remaining -= take
            guard pendingCount == 64 else { return }
            let block = pending
            withUnsafeBytes(of: block) { compressor.compress(blocks: $0) }
            pendingCount = 0
        }
        let whole = remaining & ~63
        if whole > 0 {
            compressor.compress(blocks: UnsafeRawBufferPointer(start: input, count: whole))
            input += whole
            remaining -= whole
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    /// The compressor after the padding block(s); `self` is left as it was.
    func finalized() -> Compressor {
        var copy = self
        let bitLength = totalLength &* 8
        // Pending bytes, 0x80, zeros, and the 8-byte length: one block, or two when fewer than
        // 9 bytes are free in the first.
        var tail: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                   UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let count = pendingCount
        let tailLength = count < 56 ? 64 : 128
        withUnsafeMutableBytes(of: &tail) { buffer in
            withUnsafeBytes(of: pending) { pendingBytes in
                buffer.baseAddress!.copyMemory(from: pendingBytes.baseAddress!, byteCount: count)
            }
            buffer[count] = 0x80
            let length = Compressor.lengthIsBigEndian ? bitLength.bigEndian : bitLength.littleEndian
            buffer.storeBytes(of: length, toByteOffset: tailLength - 8, as: UInt64.self)
            copy.compressor.compress(blocks: UnsafeRawBufferPointer(rebasing: buffer[0..<tailLength]))
        }
        return copy.compressor
    }
}

@inline(__always)
func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 {
    (value &<< count) | (value &>> (32 &- count))
}

@inline(__always)
func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
    (value &>> count) | (value &<< (32 &- count))
}

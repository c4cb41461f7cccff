/// The shape `SHA256`, `SHA1` and `MD5` share: absorb bytes in any number of pieces, then read
/// the digest. `finalize()` does not consume the hasher, so more input may follow.
public protocol StreamingHashFunction: Sendable {
    associatedtype Digest: Hashable, Sendable
    init()
    /// Absorbs `bytes`; whole 64-byte blocks are hashed in place, without copying.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// The digest of everything absorbed so far; the hasher itself is unchanged.
    func finalize() -> Digest
}

extension StreamingHashFunction {
    /// Absorbs `bytes` (copied once into a contiguous array when they are not already one).
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> Digest {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

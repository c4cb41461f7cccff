/// A digest whose bytes can be read back, so a keyed hash can feed one digest into the next
/// hash (HMAC's outer pass, SigV4's chain of keys).
public protocol DigestBytes: Hashable, Sendable {
    var bytes: [UInt8] { get }
}

extension SHA256Digest: DigestBytes {}
extension SHA1Digest: DigestBytes {}
extension MD5Digest: DigestBytes {}

/// HMAC (RFC 2104) over any of our 64-byte-block hashes: `HMAC<SHA256>` is HMAC-SHA256, which
/// AWS Signature Version 4 uses to sign R2 requests.
///
/// Streaming like the hashes themselves: `update` any number of times, then `finalize()`, which
/// leaves the value unchanged. The key is absorbed at `init` (keys longer than a block are hashed
/// first, as the RFC says), so one keyed value may be copied to authenticate many messages. A
/// value type holding two hash states; nothing of the key is kept beyond them.
public struct HMAC<Hash: StreamingHashFunction>: Sendable where Hash.Digest: DigestBytes {
    /// MD5, SHA-1 and SHA-256 all work on 64-byte blocks.
    static var blockSize: Int { 64 }

    private var inner = Hash()
    private var outer = Hash()

    public init(key: some Sequence<UInt8>) {
        var block = Array(key)
        if block.count > Self.blockSize { block = Hash.hash(block).bytes }
        block += [UInt8](repeating: 0, count: Self.blockSize - block.count)
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5c })
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        inner.update(bytes)
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        inner.update(bytes)
    }

    /// The authentication code of everything absorbed so far.
    public func finalize() -> Hash.Digest {
        var outer = self.outer
        outer.update(inner.finalize().bytes)
        return outer.finalize()
    }

    /// The authentication code of `message` under `key`, in one call.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> Hash.Digest {
        var mac = HMAC(key: key)
        mac.update(message)
        return mac.finalize()
    }
}

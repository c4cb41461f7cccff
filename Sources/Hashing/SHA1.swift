/// Streaming SHA-1 (RFC 3174 / FIPS 180-4). Only to recognise a server checksum of that kind;
/// SHA-1 is not collision-resistant and is never used to decide trust.
public struct SHA1: StreamingHashFunction {
    private var stream = BlockHashStream(SHA1Compressor())

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        stream.update(bytes)
    }

    public func finalize() -> SHA1Digest {
        stream.finalized().digest
    }
}

struct SHA1Compressor: BlockCompressor {
    static var lengthIsBigEndian: Bool { true }

    private var h0: UInt32 = 0x67452301, h1: UInt32 = 0xEFCDAB89, h2: UInt32 = 0x98BADCFE
    private var h3: UInt32 = 0x10325476, h4: UInt32 = 0xC3D2E1F0

    var digest: SHA1Digest {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for word in [h0, h1, h2, h3, h4] {
            withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return SHA1Digest(bytes: bytes)
    }

    mutating func compress(blocks: UnsafeRawBufferPointer) {
        guard var block = blocks.baseAddress else { return }
        let end = block + blocks.count
        var a = h0, b = h1, c = h2, d = h3, e = h4
        while block < end {
            var w0 = load(block, 0), w1 = load(block, 1), w2 = load(block, 2), w3 = load(block, 3)
            var w4 = load(block, 4), w5 = load(block, 5), w6 = load(block, 6), w7 = load(block, 7)
            var w8 = load(block, 8), w9 = load(block, 9), w10 = load(block, 10), w11 = load(block, 11)
            var w12 = load(block, 12), w13 = load(block, 13), w14 = load(block, 14), w15 = load(block, 15)

            sha1Choose(a, &b, c, d, &e, 0x5A827999, w0)
            sha1Choose(e, &a, b, c, &d, 0x5A827999, w1)
            sha1Choose(d, &e, a, b, &c, 0x5A827999, w2)
            sha1Choose(c, &d, e, a, &b, 0x5A827999, w3)
            sha1Choose(b, &c, d, e, &a, 0x5A827999, w4)
            sha1Choose(a, &b, c, d, &e, 0x5A827999, w5)
            sha1Choose(e, &a, b, c, &d, 0x5A827999, w6)
            sha1Choose(d, &e, a, b, &c, 0x5A827999, w7)
            sha1Choose(c, &d, e, a, &b, 0x5A827999, w8)
            sha1Choose(b, &c, d, e, &a, 0x5A827999, w9)
            sha1Choose(a, &b, c, d, &e, 0x5A827999, w10)
            sha1Choose(e, &a, b, c, &d, 0x5A827999, w11)
            sha1Choose(d, &e, a, b, &c, 0x5A827999, w12)
            sha1Choose(c, &d, e, a, &b, 0x5A827999, w13)
            sha1Choose(b, &c, d, e, &a, 0x5A827999, w14)
            sha1Choose(a, &b, c, d, &e, 0x5A827999, w15)
            w0 = rotateLeft(w0 ^ w13 ^ w8 ^ w2, 1)
            sha1Choose(e, &a, b, c, &d, 0x5A827999, w0)
            w1 = rotateLeft(w1 ^ w14 ^ w9 ^ w3, 1)
            sha1Choose(d, &e, a, b, &c, 0x5A827999, w1)
            w2 = rotateLeft(w2 ^ w15 ^ w10 ^ w4, 1)
            sha1Choose(c, &d, e, a, &b, 0x5A827999, w2)
            w3 = rotateLeft(w3 ^ w0 ^ w11 ^ w5, 1)
            sha1Choose(b, &c, d, e, &a, 0x5A827999, w3)
            w4 = rotateLeft(w4 ^ w1 ^ w12 ^ w6, 1)
            sha1Parity(a, &b, c, d, &e, 0x6ED9EBA1, w4)
            w5 = rotateLeft(w5 ^ w2 ^ w13 ^ w7, 1)
            sha1Parity(e, &a, b, c, &d, 0x6ED9EBA1, w5)
            w6 = rotateLeft(w6 ^ w3 ^ w14 ^ w8, 1)
            sha1Parity(d, &e, a, b, &c, 0x6ED9EBA1, w6)
            w7 = rotateLeft(w7 ^ w4 ^ w15 ^ w9, 1)
            sha1Parity(c, &d, e, a, &b, 0x6ED9EBA1, w7)
            w8 = rotateLeft(w8 ^ w5 ^ w0 ^ w10, 1)
            sha1Parity(b, &c, d, e, &a, 0x6ED9EBA1, w8)
            w9 = rotateLeft(w9 ^ w6 ^ w1 ^ w11, 1)
            sha1Parity(a, &b, c, d, &e, 0x6ED9EBA1, w9)
            w10 = rotateLeft(w10 ^ w7 ^ w2 ^ w12, 1)
            sha1Parity(e, &a, b, c, &d, 0x6ED9EBA1, w10)
            w11 = rotateLeft(w11 ^ w8 ^ w3 ^ w13, 1)
            sha1Parity(d, &e, a, b, &c, 0x6ED9EBA1, w11)
            w12 = rotateLeft(w12 ^ w9 ^ w4 ^ w14, 1)
            sha1Parity(c, &d, e, a, &b, 0x6ED9EBA1, w12)
            w13 = rotateLeft(w13 ^ w10 ^ w5 ^ w15, 1)
            sha1Parity(b, &c, d, e, &a, 0x6ED9EBA1, w13)
            w14 = rotateLeft(w14 ^ w11 ^ w6 ^ w0, 1)
            sha1Parity(a, &b, c, d, &e, 0x6ED9EBA1, w14)
            w15 = rotateLeft(w15 ^ w12 ^ w7 ^ w1, 1)
            sha1Parity(e, &a, b, c, &d, 0x6ED9EBA1, w15)
            w0 = rotateLeft(w0 ^ w13 ^ w8 ^ w2, 1)
            sha1Parity(d, &e, a, b, &c, 0x6ED9EBA1, w0)
            w1 = rotateLeft(w1 ^ w14 ^ w9 ^ w3, 1)
            sha1Parity(c, &d, e, a, &b, 0x6ED9EBA1, w1)
            w2 = rotateLeft(w2 ^ w15 ^ w10 ^ w4, 1)
            sha1Parity(b, &c, d, e, &a, 0x6ED9EBA1, w2)
            w3 = rotateLeft(w3 ^ w0 ^ w11 ^ w5, 1)
            sha1Parity(a, &b, c, d, &e, 0x6ED9EBA1, w3)
            w4 = rotateLeft(w4 ^ w1 ^ w12 ^ w6, 1)
            sha1Parity(e, &a, b, c, &d, 0x6ED9EBA1, w4)
            w5 = rotateLeft(w5 ^ w2 ^ w13 ^ w7, 1)
            sha1Parity(d, &e, a, b, &c, 0x6ED9EBA1, w5)
            w6 = rotateLeft(w6 ^ w3 ^ w14 ^ w8, 1)
            sha1Parity(c, &d, e, a, &b, 0x6ED9EBA1, w6)
            w7 = rotateLeft(w7 ^ w4 ^ w15 ^ w9, 1)
            sha1Parity(b, &c, d, e, &a, 0x6ED9EBA1, w7)
            w8 = rotateLeft(w8 ^ w5 ^ w0 ^ w10, 1)
            sha1Majority(a, &b, c, d, &e, 0x8F1BBCDC, w8)
            w9 = rotateLeft(w9 ^ w6 ^ w1 ^ w11, 1)
            sha1Majority(e, &a, b, c, &d, 0x8F1BBCDC, w9)
            w10 = rotateLeft(w10 ^ w7 ^ w2 ^ w12, 1)
            sha1Majority(d, &e, a, b, &c, 0x8F1BBCDC, w10)
            w11 = rotateLeft(w11 ^ w8 ^ w3 ^ w13, 1)
            sha1Majority(c, &d, e, a, &b, 0x8F1BBCDC, w11)
            w12 = rotateLeft(w12 ^ w9 ^ w4 ^ w14, 1)
            sha1Majority(b, &c, d, e, &a, 0x8F1BBCDC, w12)
            w13 = rotateLeft(w13 ^ w10 ^ w5 ^ w15, 1)
            sha1Majority(a, &b, c, d, &e, 0x8F1BBCDC, w13)
            w14 = rotateLeft(w14 ^ w11 ^ w6 ^ w0, 1)
            sha1Majority(e, &a, b, c, &d, 0x8F1BBCDC, w14)
            w15 = rotateLeft(w15 ^ w12 ^ w7 ^ w1, 1)
            sha1Majority(d, &e, a, b, &c, 0x8F1BBCDC, w15)
            w0 = rotateLeft(w0 ^ w13 ^ w8 ^ w2, 1)
            sha1Majority(c, &d, e, a, &b, 0x8F1BBCDC, w0)
            w1 = rotateLeft(w1 ^ w14 ^ w9 ^ w3, 1)
            sha1Majority(b, &c, d, e, &a, 0x8F1BBCDC, w1)
            w2 = rotateLeft(w2 ^ w15 ^ w10 ^ w4, 1)
            sha1Majority(a, &b, c, d, &e, 0x8F1BBCDC, w2)
            w3 = rotateLeft(w3 ^ w0 ^ w11 ^ w5, 1)
            sha1Majority(e, &a, b, c, &d, 0x8F1BBCDC, w3)
            w4 = rotateLeft(w4 ^ w1 ^ w12 ^ w6, 1)
            sha1Majority(d, &e, a, b, &c, 0x8F1BBCDC, w4)
            w5 = rotateLeft(w5 ^ w2 ^ w13 ^ w7, 1)
            sha1Majority(c, &d, e, a, &b, 0x8F1BBCDC, w5)
            w6 = rotateLeft(w6 ^ w3 ^ w14 ^ w8, 1)
            sha1Majority(b, &c, d, e, &a, 0x8F1BBCDC, w6)
            w7 = rotateLeft(w7 ^ w4 ^ w15 ^ w9, 1)
            sha1Majority(a, &b, c, d, &e, 0x8F1BBCDC, w7)
            w8 = rotateLeft(w8 ^ w5 ^ w0 ^ w10, 1)
            sha1Majority(e, &a, b, c, &d, 0x8F1BBCDC, w8)
            w9 = rotateLeft(w9 ^ w6 ^ w1 ^ w11, 1)
            sha1Majority(d, &e, a, b, &c, 0x8F1BBCDC, w9)
            w10 = rotateLeft(w10 ^ w7 ^ w2 ^ w12, 1)
            sha1Majority(c, &d, e, a, &b, 0x8F1BBCDC, w10)
            w11 = rotateLeft(w11 ^ w8 ^ w3 ^ w13, 1)
            sha1Majority(b, &c, d, e, &a, 0x8F1BBCDC, w11)
            w12 = rotateLeft(w12 ^ w9 ^ w4 ^ w14, 1)
            sha1Parity(a, &b, c, d, &e, 0xCA62C1D6, w12)
            w13 = rotateLeft(w13 ^ w10 ^ w5 ^ w15, 1)
            sha1Parity(e, &a, b, c, &d, 0xCA62C1D6, w13)
            w14 = rotateLeft(w14 ^ w11 ^ w6 ^ w0, 1)
            sha1Parity(d, &e, a, b, &c, 0xCA62C1D6, w14)
            w15 = rotateLeft(w15 ^ w12 ^ w7 ^ w1, 1)
            sha1Parity(c, &d, e, a, &b, 0xCA62C1D6, w15)
            w0 = rotateLeft(w0 ^ w13 ^ w8 ^ w2, 1)
            sha1Parity(b, &c, d, e, &a, 0xCA62C1D6, w0)
            w1 = rotateLeft(w1 ^ w14 ^ w9 ^ w3, 1)
            sha1Parity(a, &b, c, d, &e, 0xCA62C1D6, w1)
            w2 = rotateLeft(w2 ^ w15 ^ w10 ^ w4, 1)
            sha1Parity(e, &a, b, c, &d, 0xCA62C1D6, w2)
            w3 = rotateLeft(w3 ^ w0 ^ w11 ^ w5, 1)
            sha1Parity(d, &e, a, b, &c, 0xCA62C1D6, w3)
            w4 = rotateLeft(w4 ^ w1 ^ w12 ^ w6, 1)
            sha1Parity(c, &d, e, a, &b, 0xCA62C1D6, w4)
            w5 = rotateLeft(w5 ^ w2 ^ w13 ^ w7, 1)
            sha1Parity(b, &c, d, e, &a, 0xCA62C1D6, w5)
            w6 = rotateLeft(w6 ^ w3 ^ w14 ^ w8, 1)
            sha1Parity(a, &b, c, d, &e, 0xCA62C1D6, w6)
            w7 = rotateLeft(w7 ^ w4 ^ w15 ^ w9, 1)
            sha1Parity(e, &a, b, c, &d, 0xCA62C1D6, w7)
            w8 = rotateLeft(w8 ^ w5 ^ w0 ^ w10, 1)
            sha1Parity(d, &e, a, b, &c, 0xCA62C1D6, w8)
            w9 = rotateLeft(w9 ^ w6 ^ w1 ^ w11, 1)
            sha1Parity(c, &d, e, a, &b, 0xCA62C1D6, w9)
            w10 = rotateLeft(w10 ^ w7 ^ w2 ^ w12, 1)
            sha1Parity(b, &c, d, e, &a, 0xCA62C1D6, w10)
            w11 = rotateLeft(w11 ^ w8 ^ w3 ^ w13, 1)
            sha1Parity(a, &b, c, d, &e, 0xCA62C1D6, w11)
            w12 = rotateLeft(w12 ^ w9 ^ w4 ^ w14, 1)
            sha1Parity(e, &a, b, c, &d, 0xCA62C1D6, w12)
            w13 = rotateLeft(w13 ^ w10 ^ w5 ^ w15, 1)
            sha1Parity(d, &e, a, b, &c, 0xCA62C1D6, w13)
            w14 = rotateLeft(w14 ^ w11 ^ w6 ^ w0, 1)
            sha1Parity(c, &d, e, a, &b, 0xCA62C1D6, w14)
            w15 = rotateLeft(w15 ^ w12 ^ w7 ^ w1, 1)
            sha1Parity(b, &c, d, e, &a, 0xCA62C1D6, w15)

            a = a &+ h0; b = b &+ h1; c = c &+ h2; d = d &+ h3; e = e &+ h4
            h0 = a; h1 = b; h2 = c; h3 = d; h4 = e
            block += 64
        }
    }
}

/// Word `index` of `block`, big-endian.
@inline(__always)
private func load(_ block: UnsafeRawPointer, _ index: Int) -> UInt32 {
    block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self).bigEndian
}

// One round each, with the five working variables renamed by the caller: only `b` and `e` change.

@inline(__always)
private func sha1Choose(_ a: UInt32, _ b: inout UInt32, _ c: UInt32, _ d: UInt32, _ e: inout UInt32, _ k: UInt32, _ w: UInt32) {
    e = e &+ rotateLeft(a, 5) &+ (d ^ (b & (c ^ d))) &+ k &+ w
    b = rotateLeft(b, 30)
}

@inline(__always)
private func sha1Parity(_ a: UInt32, _ b: inout UInt32, _ c: UInt32, _ d: UInt32, _ e: inout UInt32, _ k: UInt32, _ w: UInt32) {
    e = e &+ rotateLeft(a, 5) &+ (b ^ c ^ d) &+ k &+ w
    b = rotateLeft(b, 30)
}

@inline(__always)
private func sha1Majority(_ a: UInt32, _ b: inout UInt32, _ c: UInt32, _ d: UInt32, _ e: inout UInt32, _ k: UInt32, _ w: UInt32) {
    e = e &+ rotateLeft(a, 5) &+ ((b & c) | (d & (b | c))) &+ k &+ w
    b = rotateLeft(b, 30)
}

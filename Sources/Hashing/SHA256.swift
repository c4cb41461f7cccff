/// Streaming SHA-256 (FIPS 180-4), written in Swift so the agent needs no crypto library.
///
/// Feed any number of `update` calls, then `finalize()`. A value type: copying it forks the
/// computation (useful to hash a common prefix once). Not thread-safe to mutate concurrently, like
/// any `var`; `Sendable` so a finished or idle hasher may move between tasks.
///
/// Performance: whole blocks are compressed in place from the caller's buffer with unaligned
/// big-endian loads; the 64 rounds are unrolled with the message schedule in 16 locals, all in
/// wrapping arithmetic, so the hot loop has no allocation and no bounds or overflow checks.
/// `scripts/bench-hash` measures it on par with coreutils `sha256sum` (~450-490 MB/s on the dev
/// machine) and at about a third of OpenSSL, which uses the CPU's SHA-NI instructions that Swift
/// code cannot emit. Variants tried and measured slower: nested rotations, a precomputed schedule
/// in a stack buffer, a SIMD4 schedule; BMI2 (`rorx`) made no difference.
public struct SHA256: StreamingHashFunction {
    private var stream = BlockHashStream(SHA256Compressor())

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        stream.update(bytes)
    }

    public func finalize() -> SHA256Digest {
        stream.finalized().digest
    }
}

struct SHA256Compressor: BlockCompressor {
    static var lengthIsBigEndian: Bool { true }

    private var h0: UInt32 = 0x6A09E667, h1: UInt32 = 0xBB67AE85, h2: UInt32 = 0x3C6EF372, h3: UInt32 = 0xA54FF53A
    private var h4: UInt32 = 0x510E527F, h5: UInt32 = 0x9B05688C, h6: UInt32 = 0x1F83D9AB, h7: UInt32 = 0x5BE0CD19

    var digest: SHA256Digest {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return SHA256Digest(bytes: bytes)
    }

    mutating func compress(blocks: UnsafeRawBufferPointer) {
        guard var block = blocks.baseAddress else { return }
        let end = block + blocks.count
        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
        while block < end {
            var w0 = load(block, 0), w1 = load(block, 1), w2 = load(block, 2), w3 = load(block, 3)
            var w4 = load(block, 4), w5 = load(block, 5), w6 = load(block, 6), w7 = load(block, 7)
            var w8 = load(block, 8), w9 = load(block, 9), w10 = load(block, 10), w11 = load(block, 11)
            var w12 = load(block, 12), w13 = load(block, 13), w14 = load(block, 14), w15 = load(block, 15)

            sha256Round(a, b, c, &d, e, f, g, &h, 0x428A2F98, w0)
            sha256Round(h, a, b, &c, d, e, f, &g, 0x71374491, w1)
            sha256Round(g, h, a, &b, c, d, e, &f, 0xB5C0FBCF, w2)
            sha256Round(f, g, h, &a, b, c, d, &e, 0xE9B5DBA5, w3)
            sha256Round(e, f, g, &h, a, b, c, &d, 0x3956C25B, w4)
            sha256Round(d, e, f, &g, h, a, b, &c, 0x59F111F1, w5)
            sha256Round(c, d, e, &f, g, h, a, &b, 0x923F82A4, w6)
            sha256Round(b, c, d, &e, f, g, h, &a, 0xAB1C5ED5, w7)
            sha256Round(a, b, c, &d, e, f, g, &h, 0xD807AA98, w8)
            sha256Round(h, a, b, &c, d, e, f, &g, 0x12835B01, w9)
            sha256Round(g, h, a, &b, c, d, e, &f, 0x243185BE, w10)
            sha256Round(f, g, h, &a, b, c, d, &e, 0x550C7DC3, w11)
            sha256Round(e, f, g, &h, a, b, c, &d, 0x72BE5D74, w12)
            sha256Round(d, e, f, &g, h, a, b, &c, 0x80DEB1FE, w13)
            sha256Round(c, d, e, &f, g, h, a, &b, 0x9BDC06A7, w14)
            sha256Round(b, c, d, &e, f, g, h, &a, 0xC19BF174, w15)
            w0 = w0 &+ smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            sha256Round(a, b, c, &d, e, f, g, &h, 0xE49B69C1, w0)
            w1 = w1 &+ smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            sha256Round(h, a, b, &c, d, e, f, &g, 0xEFBE4786, w1)
            w2 = w2 &+ smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            sha256Round(g, h, a, &b, c, d, e, &f, 0x0FC19DC6, w2)
            w3 = w3 &+ smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            sha256Round(f, g, h, &a, b, c, d, &e, 0x240CA1CC, w3)
            w4 = w4 &+ smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            sha256Round(e, f, g, &h, a, b, c, &d, 0x2DE92C6F, w4)
            w5 = w5 &+ smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            sha256Round(d, e, f, &g, h, a, b, &c, 0x4A7484AA, w5)
            w6 = w6 &+ smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            sha256Round(c, d, e, &f, g, h, a, &b, 0x5CB0A9DC, w6)
            w7 = w7 &+ smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            sha256Round(b, c, d, &e, f, g, h, &a, 0x76F988DA, w7)
            w8 = w8 &+ smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            sha256Round(a, b, c, &d, e, f, g, &h, 0x983E5152, w8)
            w9 = w9 &+ smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            sha256Round(h, a, b, &c, d, e, f, &g, 0xA831C66D, w9)
            w10 = w10 &+ smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            sha256Round(g, h, a, &b, c, d, e, &f, 0xB00327C8, w10)
            w11 = w11 &+ smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            sha256Round(f, g, h, &a, b, c, d, &e, 0xBF597FC7, w11)
            w12 = w12 &+ smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            sha256Round(e, f, g, &h, a, b, c, &d, 0xC6E00BF3, w12)
            w13 = w13 &+ smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            sha256Round(d, e, f, &g, h, a, b, &c, 0xD5A79147, w13)
            w14 = w14 &+ smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            sha256Round(c, d, e, &f, g, h, a, &b, 0x06CA6351, w14)
            w15 = w15 &+ smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            sha256Round(b, c, d, &e, f, g, h, &a, 0x14292967, w15)
            w0 = w0 &+ smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            sha256Round(a, b, c, &d, e, f, g, &h, 0x27B70A85, w0)
            w1 = w1 &+ smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            sha256Round(h, a, b, &c, d, e, f, &g, 0x2E1B2138, w1)
            w2 = w2 &+ smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            sha256Round(g, h, a, &b, c, d, e, &f, 0x4D2C6DFC, w2)
            w3 = w3 &+ smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            sha256Round(f, g, h, &a, b, c, d, &e, 0x53380D13, w3)
            w4 = w4 &+ smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            sha256Round(e, f, g, &h, a, b, c, &d, 0x650A7354, w4)
            w5 = w5 &+ smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            sha256Round(d, e, f, &g, h, a, b, &c, 0x766A0ABB, w5)
            w6 = w6 &+ smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            sha256Round(c, d, e, &f, g, h, a, &b, 0x81C2C92E, w6)
            w7 = w7 &+ smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            sha256Round(b, c, d, &e, f, g, h, &a, 0x92722C85, w7)
            w8 = w8 &+ smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            sha256Round(a, b, c, &d, e, f, g, &h, 0xA2BFE8A1, w8)
            w9 = w9 &+ smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            sha256Round(h, a, b, &c, d, e, f, &g, 0xA81A664B, w9)
            w10 = w10 &+ smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            sha256Round(g, h, a, &b, c, d, e, &f, 0xC24B8B70, w10)
            w11 = w11 &+ smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            sha256Round(f, g, h, &a, b, c, d, &e, 0xC76C51A3, w11)
            w12 = w12 &+ smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            sha256Round(e, f, g, &h, a, b, c, &d, 0xD192E819, w12)
            w13 = w13 &+ smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            sha256Round(d, e, f, &g, h, a, b, &c, 0xD6990624, w13)
            w14 = w14 &+ smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            sha256Round(c, d, e, &f, g, h, a, &b, 0xF40E3585, w14)
            w15 = w15 &+ smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            sha256Round(b, c, d, &e, f, g, h, &a, 0x106AA070, w15)
            w0 = w0 &+ smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            sha256Round(a, b, c, &d, e, f, g, &h, 0x19A4C116, w0)
            w1 = w1 &+ smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            sha256Round(h, a, b, &c, d, e, f, &g, 0x1E376C08, w1)
            w2 = w2 &+ smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            sha256Round(g, h, a, &b, c, d, e, &f, 0x2748774C, w2)
            w3 = w3 &+ smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            sha256Round(f, g, h, &a, b, c, d, &e, 0x34B0BCB5, w3)
            w4 = w4 &+ smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            sha256Round(e, f, g, &h, a, b, c, &d, 0x391C0CB3, w4)
            w5 = w5 &+ smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            sha256Round(d, e, f, &g, h, a, b, &c, 0x4ED8AA4A, w5)
            w6 = w6 &+ smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            sha256Round(c, d, e, &f, g, h, a, &b, 0x5B9CCA4F, w6)
            w7 = w7 &+ smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            sha256Round(b, c, d, &e, f, g, h, &a, 0x682E6FF3, w7)
            w8 = w8 &+ smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            sha256Round(a, b, c, &d, e, f, g, &h, 0x748F82EE, w8)
            w9 = w9 &+ smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            sha256Round(h, a, b, &c, d, e, f, &g, 0x78A5636F, w9)
            w10 = w10 &+ smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            sha256Round(g, h, a, &b, c, d, e, &f, 0x84C87814, w10)
            w11 = w11 &+ smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            sha256Round(f, g, h, &a, b, c, d, &e, 0x8CC70208, w11)
            w12 = w12 &+ smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            sha256Round(e, f, g, &h, a, b, c, &d, 0x90BEFFFA, w12)
            w13 = w13 &+ smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            sha256Round(d, e, f, &g, h, a, b, &c, 0xA4506CEB, w13)
            w14 = w14 &+ smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            sha256Round(c, d, e, &f, g, h, a, &b, 0xBEF9A3F7, w14)
            w15 = w15 &+ smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            sha256Round(b, c, d, &e, f, g, h, &a, 0xC67178F2, w15)

            a = a &+ h0; b = b &+ h1; c = c &+ h2; d = d &+ h3
            e = e &+ h4; f = f &+ h5; g = g &+ h6; h = h &+ h7
            h0 = a; h1 = b; h2 = c; h3 = d; h4 = e; h5 = f; h6 = g; h7 = h
            block += 64
        }
    }
}

/// Word `index` of `block`, big-endian.
@inline(__always)
private func load(_ block: UnsafeRawPointer, _ index: Int) -> UInt32 {
    block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self).bigEndian
}

@inline(__always)
private func smallSigma0(_ x: UInt32) -> UInt32 { rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x &>> 3) }

@inline(__always)
private func smallSigma1(_ x: UInt32) -> UInt32 { rotateRight(x, 17) ^ rotateRight(x, 19) ^ (x &>> 10) }

/// One round, with the eight working variables renamed by the caller instead of shifted: only `d`
/// and `h` change.
@inline(__always)
private func sha256Round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
    _ k: UInt32, _ w: UInt32
) {
    let bigSigma1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
    let choose = g ^ (e & (f ^ g))
    let t1 = h &+ bigSigma1 &+ choose &+ k &+ w
    let bigSigma0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
    let majority = (a & b) | (c & (a | b))
    d = d &+ t1
    h = t1 &+ bigSigma0 &+ majority
}

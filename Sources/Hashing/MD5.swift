/// Streaming MD5 (RFC 1321). Only to recognise a server checksum of that kind: MD5 is broken for
/// security purposes and never used to decide trust, just to confirm "same bytes" when the server
/// reports an MD5 and we also have our own SHA-256 record.
public struct MD5: StreamingHashFunction {
    private var stream = BlockHashStream(MD5Compressor())

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        stream.update(bytes)
    }

    public func finalize() -> MD5Digest {
        stream.finalized().digest
    }
}

struct MD5Compressor: BlockCompressor {
    static var lengthIsBigEndian: Bool { false }

    private var h0: UInt32 = 0x67452301, h1: UInt32 = 0xEFCDAB89, h2: UInt32 = 0x98BADCFE, h3: UInt32 = 0x10325476

    var digest: MD5Digest {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for word in [h0, h1, h2, h3] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return MD5Digest(bytes: bytes)
    }

    mutating func compress(blocks: UnsafeRawBufferPointer) {
        guard var block = blocks.baseAddress else { return }
        let end = block + blocks.count
        var a = h0, b = h1, c = h2, d = h3
        while block < end {
            let x0 = load(block, 0), x1 = load(block, 1), x2 = load(block, 2), x3 = load(block, 3)
            let x4 = load(block, 4), x5 = load(block, 5), x6 = load(block, 6), x7 = load(block, 7)
            let x8 = load(block, 8), x9 = load(block, 9), x10 = load(block, 10), x11 = load(block, 11)
            let x12 = load(block, 12), x13 = load(block, 13), x14 = load(block, 14), x15 = load(block, 15)

            md5F(&a, b, c, d, x0, 0xD76AA478, 7)
            md5F(&d, a, b, c, x1, 0xE8C7B756, 12)
            md5F(&c, d, a, b, x2, 0x242070DB, 17)
            md5F(&b, c, d, a, x3, 0xC1BDCEEE, 22)
            md5F(&a, b, c, d, x4, 0xF57C0FAF, 7)
            md5F(&d, a, b, c, x5, 0x4787C62A, 12)
            md5F(&c, d, a, b, x6, 0xA8304613, 17)
            md5F(&b, c, d, a, x7, 0xFD469501, 22)
            md5F(&a, b, c, d, x8, 0x698098D8, 7)
            md5F(&d, a, b, c, x9, 0x8B44F7AF, 12)
            md5F(&c, d, a, b, x10, 0xFFFF5BB1, 17)
            md5F(&b, c, d, a, x11, 0x895CD7BE, 22)
            md5F(&a, b, c, d, x12, 0x6B901122, 7)
            md5F(&d, a, b, c, x13, 0xFD987193, 12)
            md5F(&c, d, a, b, x14, 0xA679438E, 17)
            md5F(&b, c, d, a, x15, 0x49B40821, 22)

            md5G(&a, b, c, d, x1, 0xF61E2562, 5)
            md5G(&d, a, b, c, x6, 0xC040B340, 9)
            md5G(&c, d, a, b, x11, 0x265E5A51, 14)
            md5G(&b, c, d, a, x0, 0xE9B6C7AA, 20)
            md5G(&a, b, c, d, x5, 0xD62F105D, 5)
            md5G(&d, a, b, c, x10, 0x02441453, 9)
            md5G(&c, d, a, b, x15, 0xD8A1E681, 14)
            md5G(&b, c, d, a, x4, 0xE7D3FBC8, 20)
            md5G(&a, b, c, d, x9, 0x21E1CDE6, 5)
            md5G(&d, a, b, c, x14, 0xC33707D6, 9)
            md5G(&c, d, a, b, x3, 0xF4D50D87, 14)
            md5G(&b, c, d, a, x8, 0x455A14ED, 20)
            md5G(&a, b, c, d, x13, 0xA9E3E905, 5)
            md5G(&d, a, b, c, x2, 0xFCEFA3F8, 9)
            md5G(&c, d, a, b, x7, 0x676F02D9, 14)
            md5G(&b, c, d, a, x12, 0x8D2A4C8A, 20)

            md5H(&a, b, c, d, x5, 0xFFFA3942, 4)
            md5H(&d, a, b, c, x8, 0x8771F681, 11)
            md5H(&c, d, a, b, x11, 0x6D9D6122, 16)
            md5H(&b, c, d, a, x14, 0xFDE5380C, 23)
            md5H(&a, b, c, d, x1, 0xA4BEEA44, 4)
            md5H(&d, a, b, c, x4, 0x4BDECFA9, 11)
            md5H(&c, d, a, b, x7, 0xF6BB4B60, 16)
            md5H(&b, c, d, a, x10, 0xBEBFBC70, 23)
            md5H(&a, b, c, d, x13, 0x289B7EC6, 4)
            md5H(&d, a, b, c, x0, 0xEAA127FA, 11)
            md5H(&c, d, a, b, x3, 0xD4EF3085, 16)
            md5H(&b, c, d, a, x6, 0x04881D05, 23)
            md5H(&a, b, c, d, x9, 0xD9D4D039, 4)
            md5H(&d, a, b, c, x12, 0xE6DB99E5, 11)
            md5H(&c, d, a, b, x15, 0x1FA27CF8, 16)
            md5H(&b, c, d, a, x2, 0xC4AC5665, 23)

            md5I(&a, b, c, d, x0, 0xF4292244, 6)
            md5I(&d, a, b, c, x7, 0x432AFF97, 10)
            md5I(&c, d, a, b, x14, 0xAB9423A7, 15)
            md5I(&b, c, d, a, x5, 0xFC93A039, 21)
            md5I(&a, b, c, d, x12, 0x655B59C3, 6)
            md5I(&d, a, b, c, x3, 0x8F0CCC92, 10)
            md5I(&c, d, a, b, x10, 0xFFEFF47D, 15)
            md5I(&b, c, d, a, x1, 0x85845DD1, 21)
            md5I(&a, b, c, d, x8, 0x6FA87E4F, 6)
            md5I(&d, a, b, c, x15, 0xFE2CE6E0, 10)
            md5I(&c, d, a, b, x6, 0xA3014314, 15)
            md5I(&b, c, d, a, x13, 0x4E0811A1, 21)
            md5I(&a, b, c, d, x4, 0xF7537E82, 6)
            md5I(&d, a, b, c, x11, 0xBD3AF235, 10)
            md5I(&c, d, a, b, x2, 0x2AD7D2BB, 15)
            md5I(&b, c, d, a, x9, 0xEB86D391, 21)

            a = a &+ h0; b = b &+ h1; c = c &+ h2; d = d &+ h3
            h0 = a; h1 = b; h2 = c; h3 = d
            block += 64
        }
    }
}

/// Word `index` of `block`, little-endian.
@inline(__always)
private func load(_ block: UnsafeRawPointer, _ index: Int) -> UInt32 {
    block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self).littleEndian
}

@inline(__always)
private func md5F(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) {
    a = b &+ rotateLeft(a &+ (d ^ (b & (c ^ d))) &+ x &+ k, s)
}

@inline(__always)
private func md5G(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) {
    a = b &+ rotateLeft(a &+ (c ^ (d & (b ^ c))) &+ x &+ k, s)
}

@inline(__always)
private func md5H(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) {
    a = b &+ rotateLeft(a &+ (b ^ c ^ d) &+ x &+ k, s)
}

@inline(__always)
private func md5I(_ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) {
    a = b &+ rotateLeft(a &+ (c ^ (b | ~d)) &+ x &+ k, s)
}

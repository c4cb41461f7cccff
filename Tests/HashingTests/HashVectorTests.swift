import Hashing
import Testing

/// Published test vectors: NIST FIPS 180-4 examples (SHA-256, SHA-1), RFC 3174 (SHA-1),
/// RFC 1321 appendix A.5 (MD5).
@Suite struct HashVectorTests {
    static let twoBlock448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    static let twoBlock896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (twoBlock448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (twoBlock896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256MatchesNISTExamples(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    @Test func sha256OfOneMillionAMatchesNIST() {
        var hasher = SHA256()
        let thousand = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { thousand.withUnsafeBytes { hasher.update($0) } }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (twoBlock448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (twoBlock896, "a49b2446a02c645bf419f995b67091253a04a259"),
        (String(repeating: "0123456701234567012345670123456701234567012345670123456701234567", count: 10),
         "dea356a2cddd90c7a7ecedc5ebb563934f460452"),
    ])
    func sha1MatchesPublishedVectors(message: String, expected: String) {
        #expect(SHA1.hash(Array(message.utf8)).hex == expected)
    }

    @Test func sha1OfOneMillionAMatchesRFC3174() {
        #expect(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func md5MatchesRFC1321TestSuite(message: String, expected: String) {
        #expect(MD5.hash(Array(message.utf8)).hex == expected)
    }

    /// Splitting the input anywhere must not change the digest (exercises the 63-byte pending
    /// buffer and the whole-block fast path at every boundary).
    @Test func digestsDoNotDependOnHowTheInputIsSplit() {
        var generator = SeededGenerator(seed: 0x5EED_0001)
        let message = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let sha256 = SHA256.hash(message), md5 = MD5.hash(message), sha1 = SHA1.hash(message)
        for _ in 0..<200 {
            var cuts = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...message.count, using: &generator) }
            cuts.append(contentsOf: [0, message.count])
            cuts.sort()
            var a = SHA256(), b = MD5(), c = SHA1()
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                message[start..<end].withUnsafeBytes { piece in
                    a.update(piece); b.update(piece); c.update(piece)
                }
            }
            #expect(a.finalize() == sha256)
            #expect(b.finalize() == md5)
            #expect(c.finalize() == sha1)
        }
    }

    @Test func finalizeLeavesTheHasherUsable() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        _ = hasher.finalize()
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// The digest read from and compared with hex in place, as the state's reader and the walk do.
    @Test func hexIsReadAndComparedInPlace() throws {
        let digest = SHA256.hash(Array("abc".utf8))
        let hex = digest.hex
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Array(hex.utf8).withUnsafeBufferPointer { SHA256Digest(hexBytes: $0) } == digest)
        #expect(Array(hex.uppercased().utf8).withUnsafeBufferPointer { SHA256Digest(hexBytes: $0) } == digest)
        #expect(Array(hex.dropLast().utf8).withUnsafeBufferPointer { SHA256Digest(hexBytes: $0) } == nil)
        #expect(Array((hex.dropLast() + "g").utf8).withUnsafeBufferPointer { SHA256Digest(hexBytes: $0) } == nil)
        #expect(digest.isHex(hex))
        #expect(!digest.isHex(hex.uppercased()))
        #expect(!digest.isHex(hex + "0"))
        #expect(!digest.isHex(String(hex.dropLast()) + "e"))
        #expect(!SHA256.hash([]).isHex(hex))
        // One capital anywhere is not `hex`; nor is a digit that is no hex digit.
        let digits = Array(hex)
        for position in digits.indices {
            var changed = digits
            changed[position] = "g"
            #expect(!digest.isHex(String(changed)))
            guard digits[position].isLetter else { continue }
            changed[position] = Character(digits[position].uppercased())
            #expect(!digest.isHex(String(changed)))
        }
    }

    /// Any byte that is no hex digit, at any of the 64 places, is refused; digits of either case
    /// read back to the digest, whatever word they fall in.
    @Test func hexWithABadDigitAnywhereIsRefused() throws {
        let digest = SHA256.hash(Array("place".utf8))
        let hex = Array(digest.hex.utf8)
        let digits = Set(Array("0123456789abcdefABCDEF".utf8))
        for position in 0..<64 {
            for byte in UInt8.min...UInt8.max where !digits.contains(byte) {
                var bad = hex
                bad[position] = byte
                #expect(bad.withUnsafeBufferPointer { SHA256Digest(hexBytes: $0) } == nil, "byte \(byte) at \(position)")
            }
            var mixed = hex
            mixed[position] = Array(String(UnicodeScalar(hex[position])).uppercased().utf8)[0]
            #expect(mixed.withUnsafeBufferPointer { SHA256Digest(hexBytes: $0) } == digest)
        }
    }

    /// FNV-1a 64 against the published vectors (Fowler, Noll, Vo: "FNV test vectors").
    @Test func fnv1a64MatchesThePublishedVectors() {
        #expect(FNV1a64.of([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.of(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a64.of(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
        var hash = FNV1a64()
        Array("foo".utf8).withUnsafeBufferPointer { hash.fold($0) }
        for byte in "bar".utf8 { hash.fold(byte) }
        #expect(hash.value == 0x8594_4171_f739_67e8)
        #expect(hash.hex == "85944171f73967e8")
    }

    /// The eight-lane checksum is what its definition says, from `FNV1a64` (held to the vectors
    /// above), whatever the length and however the input is cut into folds.
    @Test func fnv1a64LanesFoldsEachLaneAsFNV1a64() {
        var generator = SeededGenerator(seed: 64)
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var laneValues: [UInt8] = []
            for lane in 0..<8 {
                let value = FNV1a64.of(stride(from: lane, to: length, by: 8).map { bytes[$0] })
                withUnsafeBytes(of: value.littleEndian) { laneValues.append(contentsOf: $0) }
            }
            let expected = FNV1a64.of(laneValues)
            var whole = FNV1a64Lanes()
            bytes.withUnsafeBufferPointer { whole.fold($0) }
            #expect(whole.value == expected, "length \(length)")
            // The same bytes in uneven pieces.
            var pieces = FNV1a64Lanes()
            var start = 0
            while start < length {
                let end = min(length, start + Int.random(in: 1...20, using: &generator))
                bytes[start..<end].withUnsafeBufferPointer { pieces.fold($0) }
                start = end
            }
            #expect(pieces.value == expected, "length \(length) in pieces")
            #expect(whole.hex == String(expected, radix: 16).leftPaddedWithZeros(16))
        }
    }
}

extension String {
    fileprivate func leftPaddedWithZeros(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

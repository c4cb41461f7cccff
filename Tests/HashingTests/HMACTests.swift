import Hashing
import Testing

/// HMAC against the published vectors: RFC 4231 section 4 (HMAC-SHA-256, all seven cases) and
/// RFC 2202 test case 2 (HMAC-MD5 and HMAC-SHA-1).
@Suite struct HMACTests {
    static func repeated(_ byte: UInt8, _ count: Int) -> [UInt8] { [UInt8](repeating: byte, count: count) }

    static let rfc4231: [(key: [UInt8], data: [UInt8], expected: String)] = [
        (repeated(0x0b, 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (repeated(0xaa, 20), repeated(0xdd, 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), repeated(0xcd, 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        // Test case 5 publishes only the first 128 bits.
        (repeated(0x0c, 20), Array("Test With Truncation".utf8), "a3b6167473100ee06e0c796c2955552b"),
        (repeated(0xaa, 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (repeated(0xaa, 131), Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                                     + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: 0..<7)
    func hmacSHA256MatchesRFC4231(testCase: Int) {
        let vector = Self.rfc4231[testCase]
        let mac = HMAC<SHA256>.authenticationCode(for: vector.data, key: vector.key).hex
        #expect(mac.hasPrefix(vector.expected), "RFC 4231 test case \(testCase + 1)")
        #expect(mac.count == 64)
    }

    @Test func hmacMD5AndSHA1MatchRFC2202() {
        let key = Array("Jefe".utf8), data = Array("what do ya want for nothing?".utf8)
        #expect(HMAC<MD5>.authenticationCode(for: data, key: key).hex == "750c783e6ab0b503eaa86e310a5db738")
        #expect(HMAC<SHA1>.authenticationCode(for: data, key: key).hex == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test func streamingInPiecesEqualsOneCall() {
        let vector = Self.rfc4231[6]
        var mac = HMAC<SHA256>(key: vector.key)
        let copy = mac
        for chunk in stride(from: 0, to: vector.data.count, by: 7) {
            mac.update(vector.data[chunk..<min(chunk + 7, vector.data.count)])
        }
        #expect(mac.finalize().hex == vector.expected)
        // A keyed value copied before use authenticates another message independently.
        var other = copy
        other.update(Array("Hi".utf8))
        #expect(other.finalize() == HMAC<SHA256>.authenticationCode(for: Array("Hi".utf8), key: vector.key))
    }
}

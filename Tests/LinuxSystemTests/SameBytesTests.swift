import LinuxSystem
import Testing

/// `hasSameBytes` reads short buffers with overlapping loads: every length, a difference at every
/// position, and unaligned starts answer what comparing byte by byte answers.
@Suite struct SameBytesTests {
    @Test func agreesWithAByteByByteComparison() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            // One byte into a larger array: the loads are unaligned.
            let copy = [0xAA] + bytes
            copy.withUnsafeBufferPointer { shifted in
                bytes.withUnsafeBufferPointer { original in
                    #expect(original.hasSameBytes(as: UnsafeBufferPointer(rebasing: shifted[1...])), "length \(length)")
                }
            }
            for position in 0..<length {
                var changed = bytes
                changed[position] ^= 0x01
                bytes.withUnsafeBufferPointer { original in
                    changed.withUnsafeBufferPointer { other in
                        #expect(!original.hasSameBytes(as: other), "length \(length), at \(position)")
                    }
                }
            }
            // A different length is never the same, even as a prefix.
            (bytes + [0]).withUnsafeBufferPointer { longer in
                bytes.withUnsafeBufferPointer { #expect(!$0.hasSameBytes(as: longer)) }
            }
        }
    }
}

import Testing
@testable import AISearchAPI

/// Integers as the state file and item pages hold them: every bound read exactly, anything past a
/// type's range or not an integer refused.
@Suite struct JSONByteReaderIntegerTests {
    private func read<Value: FixedWidthInteger>(_ text: String, as type: Value.Type) -> Value? {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(buffer)
            return try? reader.integer() as Value
        }
    }

    @Test func boundsAreReadExactly() {
        #expect(read("9223372036854775807", as: Int64.self) == .max)
        #expect(read("-9223372036854775808", as: Int64.self) == .min)
        #expect(read("18446744073709551615", as: UInt64.self) == .max)
        #expect(read("  -0", as: Int.self) == 0)
        #expect(read("4294967295", as: UInt32.self) == .max)
        #expect(read("255", as: UInt8.self) == 255)
    }

    @Test func outOfRangeAndNonIntegersAreRefused() {
        #expect(read("9223372036854775808", as: Int64.self) == nil)
        #expect(read("-9223372036854775809", as: Int64.self) == nil)
        #expect(read("18446744073709551616", as: UInt64.self) == nil)
        #expect(read("-1", as: UInt64.self) == nil)
        #expect(read("256", as: UInt8.self) == nil)
        #expect(read("1.5", as: Int.self) == nil)
        #expect(read("1e3", as: Int.self) == nil)
        #expect(read("-", as: Int.self) == nil)
        #expect(read("x", as: Int.self) == nil)
    }

    @Test func nullIsNoInteger() {
        let value: Int64?? = Array("null".utf8).withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(buffer)
            return try? reader.optionalInteger() as Int64?
        }
        #expect(value == .some(nil))
    }
}

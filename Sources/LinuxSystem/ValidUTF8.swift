import Glibc

extension String {
    /// `bytes` as a `String` when they are valid UTF-8, else nil: what `String(validating:as:)`
    /// answers, at the cost of a decode and a compare. In Swift 6.3 that initializer is generic
    /// and reaches callers in other modules unspecialized: every call instantiated generic
    /// metadata, 5% of a full comparison's CPU (item pages, state rows, walked names).
    @inlinable
    public init?(validUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var text = String(decoding: bytes, as: UTF8.self)
        // Decoding repairs an ill-formed sequence with U+FFFD, which changes the bytes: a result
        // whose UTF-8 is the input byte for byte had nothing to repair.
        guard text.utf8.count == bytes.count else { return nil }
        guard text.withUTF8({ $0.hasSameBytes(as: bytes) }) else { return nil }
        self = text
    }

    @inlinable
    public init?(validUTF8 bytes: [UInt8]) {
        guard let text = bytes.withUnsafeBufferPointer({ String(validUTF8: $0) }) else { return nil }
        self = text
    }

    @inlinable
    public init?(validUTF8 bytes: ArraySlice<UInt8>) {
        guard let text = bytes.withUnsafeBufferPointer({ String(validUTF8: $0) }) else { return nil }
        self = text
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes are valid UTF-8, for a reader that keeps them as bytes: ASCII (nearly
    /// every key, path and id) answers without a decode.
    @inlinable
    public var isValidUTF8: Bool { isASCII || String(validUTF8: self) != nil }

    /// Whether every byte is below 0x80: eight at a time, for the keys of every listed item.
    @inlinable
    public var isASCII: Bool {
        guard let base = baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        var index = 0
        while index + 8 <= count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            high |= UInt64(self[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}

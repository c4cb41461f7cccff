import Glibc

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether both buffers hold the same bytes, compared by `memcmp`: `elementsEqual` compares a
    /// byte at a time through an iterator, and every lookup in a key or path table (the state's
    /// rows, the listing's keys) ends in this comparison.
    @inlinable
    public func hasSameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        count == other.count && (count == 0 || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }
}

extension String {
    /// Whether both strings are the same UTF-8 bytes (not `==`, which equates canonically
    /// equivalent spellings: an NFC and an NFD name are two names).
    @inlinable
    public func hasSameUTF8(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let compared = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in left.hasSameBytes(as: right) }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }

    /// Whether the string's UTF-8 is exactly `bytes`.
    @inlinable
    public func hasSameUTF8(as bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.hasSameBytes(as: bytes) } ?? utf8.elementsEqual(bytes)
    }
}

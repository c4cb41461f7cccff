import Glibc

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether both buffers hold the same bytes: up to 16 bytes (JSON member names, most keys'
    /// tails) with two overlapping loads in place, longer runs by `memcmp`. `elementsEqual`
    /// compares a byte at a time through an iterator, and every lookup in a key or path table
    /// (the state's rows, the listing's keys) ends in this comparison.
    @inlinable
    public func hasSameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, let left = baseAddress.map(UnsafeRawPointer.init), let right = other.baseAddress.map(UnsafeRawPointer.init) else {
            return true
        }
        switch count {
        case 8...16:
            return left.loadUnaligned(as: UInt64.self) == right.loadUnaligned(as: UInt64.self)
                && left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
                && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            return self[0] == other[0] && self[count / 2] == other[count / 2] && self[count - 1] == other[count - 1]
        default:
            return memcmp(left, right, count) == 0
        }
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

/// FNV-1a, 64 bits (Fowler–Noll–Vo): a checksum folded a byte at a time. Not a cryptographic hash:
/// it catches damage in the state files, and tells a repeated page of items from a new one.
public struct FNV1a64: Sendable, Equatable {
    @usableFromInline var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// The hash of what was folded so far.
    public var value: UInt64 { state }

    /// As 16 lowercase hex digits, most significant first.
    public var hex: String { hexString(withUnsafeBytes(of: state.bigEndian) { Array($0) }) }

    // Inlinable: the state load folds every byte of a 30 MB file through here.
    @inlinable
    public mutating func fold(_ byte: UInt8) { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

    @inlinable
    public mutating func fold(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { fold(byte) }
    }

    public mutating func fold(_ bytes: some Collection<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ fold($0) }) == nil { for byte in bytes { fold(byte) } }
    }

    /// The hash of `bytes`.
    public static func of(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash = FNV1a64()
        hash.fold(bytes)
        return hash.value
    }
}

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

/// FNV-1a 64 in eight lanes: byte `i` of the input is folded into lane `i % 8`, each lane an
/// `FNV1a64` of its own; the checksum is the `FNV1a64` of the eight lanes' values, each as 8
/// little-endian bytes, lane 0 first. The lanes are independent chains of multiplies, which a
/// CPU runs side by side: about eight times the speed of one chain, for a state snapshot read
/// whole at every start. Not a cryptographic hash.
public struct FNV1a64Lanes: Sendable {
    private var lanes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// Bytes folded so far: where the next byte's lane is.
    private var count = 0

    public init() {
        let basis = FNV1a64().value
        lanes = (basis, basis, basis, basis, basis, basis, basis, basis)
    }

    public mutating func fold(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        // Byte by byte up to a lane boundary, then eight bytes (one per lane) at a time.
        while index < bytes.count && count % 8 != 0 { fold(bytes[index]); index += 1 }
        let prime: UInt64 = 0x0000_0100_0000_01B3
        if index + 8 <= bytes.count, let base = bytes.baseAddress {
            var (l0, l1, l2, l3, l4, l5, l6, l7) = lanes
            let raw = UnsafeRawPointer(base)
            let start = index
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                l0 = (l0 ^ (word & 0xFF)) &* prime
                l1 = (l1 ^ (word >> 8 & 0xFF)) &* prime
                l2 = (l2 ^ (word >> 16 & 0xFF)) &* prime
                l3 = (l3 ^ (word >> 24 & 0xFF)) &* prime
                l4 = (l4 ^ (word >> 32 & 0xFF)) &* prime
                l5 = (l5 ^ (word >> 40 & 0xFF)) &* prime
                l6 = (l6 ^ (word >> 48 & 0xFF)) &* prime
                l7 = (l7 ^ (word >> 56)) &* prime
                index += 8
            }
            count += index - start
            lanes = (l0, l1, l2, l3, l4, l5, l6, l7)
        }
        while index < bytes.count { fold(bytes[index]); index += 1 }
    }

    public mutating func fold(_ byte: UInt8) {
        let lane = count % 8
        withUnsafeMutableBytes(of: &lanes) { raw in
            let value = (raw.load(fromByteOffset: lane * 8, as: UInt64.self) ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            raw.storeBytes(of: value, toByteOffset: lane * 8, as: UInt64.self)
        }
        count += 1
    }

    /// The checksum of what was folded so far.
    public var value: UInt64 {
        var final = FNV1a64()
        let (l0, l1, l2, l3, l4, l5, l6, l7) = lanes
        for lane in [l0, l1, l2, l3, l4, l5, l6, l7] { withUnsafeBytes(of: lane.littleEndian) { final.fold($0) } }
        return final.value
    }

    /// As 16 lowercase hex digits, most significant first.
    public var hex: String { hexString(withUnsafeBytes(of: value.bigEndian) { Array($0) }) }
}

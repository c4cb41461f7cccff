/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seedable generator, so a torture run repeats
/// exactly from its seed, apart from timing. The emulator's `SeededGenerator` is the same
/// algorithm; the torture keeps its own, with its own bounded draws, so that a change made there
/// for the emulator's sake cannot silently change what a recorded torture seed replays.
/// Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`, without modulo bias (Lemire's multiply-and-reject). Our own
    /// rather than `Int.random(in:using:)`, whose draws a future standard library may change.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }  // the whole of Int
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold { product = next().multipliedFullWidth(by: span) }
        }
        return range.lowerBound + Int(product.high)
    }

    /// A uniform draw in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// A uniformly chosen element; nil for an empty collection.
    public mutating func pick<C: Collection>(_ elements: C) -> C.Element? {
        guard !elements.isEmpty else { return nil }
        return elements[elements.index(elements.startIndex, offsetBy: int(in: 0...(elements.count - 1)))]
    }

    /// An independent generator for a sub-stream (a round, the fault settings), so adding draws to
    /// one stream does not shift the others.
    public mutating func split() -> SplitMix64 { SplitMix64(seed: next()) }
}

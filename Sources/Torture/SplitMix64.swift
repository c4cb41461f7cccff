import Hashing

/// SplitMix64 (`Hashing.SeededGenerator`) with the bounded draws the workload needs, so a
/// torture run repeats exactly from its seed, apart from timing. The draws are our own rather
/// than `Int.random(in:using:)`'s, which a future standard library may change. Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var base: SeededGenerator

    public init(seed: UInt64) { base = SeededGenerator(seed: seed) }

    public mutating func next() -> UInt64 { base.next() }

    /// A uniform integer in `range`, without modulo bias (Lemire's multiply-and-reject).
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
    public mutating func unit() -> Double { base.nextUnit() }

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

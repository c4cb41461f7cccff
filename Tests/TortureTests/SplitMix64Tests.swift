import Testing
@testable import Torture

@Suite struct SplitMix64Tests {
    @Test func matchesTheReferenceOutputForSeedZero() {
        // The first outputs of Vigna's splitmix64.c with x = 0.
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func sameSeedGivesTheSameDraws() {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        let a = (0..<100).map { _ in first.int(in: -5...1_000) }
        let b = (0..<100).map { _ in second.int(in: -5...1_000) }
        #expect(a == b)
        var other = SplitMix64(seed: 8)
        #expect(a != (0..<100).map { _ in other.int(in: -5...1_000) })
    }

    @Test(arguments: [0...0, 1...6, -3...3, 0...Int.max])
    func boundedDrawsStayInTheirRange(_ range: ClosedRange<Int>) {
        var random = SplitMix64(seed: 42)
        for _ in 0..<1_000 { #expect(range.contains(random.int(in: range))) }
    }
}

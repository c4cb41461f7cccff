import Agent
import SyncCore
import Testing

/// Files left out, summarised by reason: the count, what they share, three examples.
@Suite struct LeftOutSummaryTests {
    @Test func groupsByReasonLargestFirstWithThreeExamples() {
        var entries = (0..<5).map { LeftOutSummary.Entry(key: ItemKey("bin/t\($0).exe"), reason: .unsupportedType(extension: "exe")) }
        entries.append(.init(key: ItemKey("lib.so"), reason: .unsupportedType(extension: "so")))
        entries.append(.init(key: ItemKey("big.txt"), reason: .tooLarge(size: 5_000_000, limit: 4_194_304)))
        let summary = LeftOutSummary(entries)
        #expect(summary.count == 7)
        #expect(summary.groups.map(\.code) == ["unsupported_type", "too_large"])
        #expect(summary.lines() == [
            "left out: 6 files of a type AI Search does not index (.exe, .so): bin/t0.exe, bin/t1.exe, bin/t2.exe and 3 more (-v lists every file)",
            "left out: 1 file over the API's limit of 4194304 bytes: big.txt",
        ])
    }

    @Test func anEmptyListSaysNothing() {
        #expect(LeftOutSummary([]).lines().isEmpty)
        #expect(LeftOutSummary(plan: SyncPlan()).isEmpty)
    }
}

@testable import FileWatch
import LinuxSystem
import Testing

/// `WatchBatch` as a value: the older `rescan` form, and how batches that waited for a slow
/// consumer are merged.
@Suite struct WatchBatchTests {
    @Test func rescanFlagFormMeansOverflow() {
        #expect(WatchBatch(rescan: true) == WatchBatch(rescanReason: .overflow))
        #expect(WatchBatch(changed: ["a"], rescan: false, rootState: .missing)
                == WatchBatch(changed: ["a"], rootState: .missing))
        #expect(WatchBatch(rescanReason: .startup).rescan)
        #expect(!WatchBatch(changed: ["a"]).rescan)
    }

    @Test func settingRescanKeepsAGivenReasonAndClearingDropsIt() {
        var batch = WatchBatch(rescanReason: .mountChanged)
        batch.rescan = true
        #expect(batch.rescanReason == .mountChanged)
        batch.rescan = false
        #expect(batch.rescanReason == nil)
        batch.rescan = true
        #expect(batch.rescanReason == .overflow)
    }

    @Test(arguments: [
        (RescanReason?.none, RescanReason?.some(.startup), RescanReason?.some(.startup)),
        (.startup, .rootReturned, .rootReturned),
        (.rootReturned, .mountChanged, .mountChanged),
        (.overflow, .mountChanged, .overflow),
        (.mountChanged, nil, .mountChanged),
        (.overflow, .startup, .overflow),
    ])
    func mergeKeepsTheMoreSevereReason(earlier: RescanReason?, later: RescanReason?, merged: RescanReason?) {
        var batch = WatchBatch(rescanReason: earlier)
        batch.merge(WatchBatch(rescanReason: later))
        #expect(batch.rescanReason == merged)
    }

    @Test func mergeLetsTheLaterWordOnAPathWinAndUnitesRuleDirectories() {
        var batch = WatchBatch(changed: ["a", "b"], removed: ["c"], rulesChanged: ["sub"])
        batch.merge(WatchBatch(changed: ["c"], removed: ["a"], rulesChanged: ["", "sub"], rootState: .missing))
        #expect(batch == WatchBatch(changed: ["b", "c"], removed: ["a"], rulesChanged: ["", "sub"], rootState: .missing))
    }

    @Test func aBatchWithOnlyChangedRulesIsNotEmpty() {
        #expect(WatchBatch().isEmpty)
        #expect(!WatchBatch(rulesChanged: [""]).isEmpty)
        #expect(!WatchBatch(rescanReason: .startup).isEmpty)
    }

    @Test func tooManyUndeliveredPathsBecomeAnOverflowRescan() async throws {
        let (stream, continuation) = AsyncThrowingStream<WatchBatch, any Error>.makeStream(bufferingPolicy: .bufferingOldest(1))
        var output = BatchOutput(continuation, maximumUndeliveredPaths: 2)
        output.emit(WatchBatch(rescanReason: .startup))
        output.emit(WatchBatch(changed: ["a"]))
        output.emit(WatchBatch(changed: ["b", "c"]))
        #expect(output.undelivered == WatchBatch(rescanReason: .overflow))
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == WatchBatch(rescanReason: .startup))
        output.flush()
        #expect(!output.hasUndelivered)
        #expect(try await iterator.next() == WatchBatch(rescanReason: .overflow))
    }
}

@testable import FileWatch
import LinuxSystem
import Testing

/// The polling diff on made-up scans and instants: no file system, no real time.
@Suite struct PollingDiffTests {
    typealias Instant = ContinuousClock.Instant
    let start = ContinuousClock.now
    func at(_ milliseconds: Int) -> Instant { start.advanced(by: .milliseconds(milliseconds)) }

    static func file(inode: UInt64 = 7, size: Int64 = 1, mtime: Int64 = 1, ctime: Int64 = 1) -> FileStatus {
        FileStatus(kind: .regular, device: 1, inode: inode, size: size, modificationTimeNanoseconds: mtime,
                   changeTimeNanoseconds: ctime, mode: 0o100644)
    }

    static func scan(_ files: [FilePathBytes: FileStatus], rules: IgnoreRules = IgnoreRules()) -> ScanSnapshot {
        ScanSnapshot(files: files, rules: rules)
    }

    @Test func firstScanIsTheBaselineAndAnUnchangedScanReportsNothing() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        let files: [FilePathBytes: FileStatus] = ["a": Self.file(), "d/b": Self.file(inode: 8)]
        #expect(diff.take(Self.scan(files), at: at(0)) == ([], [], []))
        #expect(diff.take(Self.scan(files), at: at(100)) == ([], [], []))
    }

    @Test func createModifyAndDeleteAreReportedAtTheNextScan() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["a": Self.file(), "gone": Self.file(inode: 9)]), at: at(0))
        let next = Self.scan(["a": Self.file(mtime: 2), "new": Self.file(inode: 10)])
        #expect(diff.take(next, at: at(100)) == (["a", "new"], ["gone"], []))
    }

    @Test(arguments: [Self.file(inode: 8), Self.file(size: 2), Self.file(mtime: 2), Self.file(ctime: 2)])
    func anyStampDifferenceIsAChange(changed: FileStatus) {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["f": Self.file()]), at: at(0))
        #expect(diff.take(Self.scan(["f": changed]), at: at(100)).changed == ["f"])
    }

    @Test func aPathChangingInTwoIntervalsInARowWaitsUntilQuiet() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["f": Self.file(size: 1)]), at: at(0))
        #expect(diff.take(Self.scan(["f": Self.file(size: 2)]), at: at(100)).changed == ["f"])
        #expect(diff.take(Self.scan(["f": Self.file(size: 3)]), at: at(200)).changed.isEmpty)
        #expect(diff.take(Self.scan(["f": Self.file(size: 4)]), at: at(300)).changed.isEmpty)
        #expect(diff.take(Self.scan(["f": Self.file(size: 4)]), at: at(400)).changed == ["f"])
        #expect(diff.take(Self.scan(["f": Self.file(size: 4)]), at: at(500)).changed.isEmpty)
    }

    @Test func aPathThatNeverStopsIsReportedAfterTheMaximumDelay() {
        var diff = PollingDiff<Instant>(maximumDelay: .milliseconds(250))
        _ = diff.take(Self.scan(["f": Self.file(size: 0)]), at: at(0))
        var reports: [Int] = []
        for step in 1...8 {
            if diff.take(Self.scan(["f": Self.file(size: Int64(step))]), at: at(step * 100)).changed == ["f"] {
                reports.append(step * 100)
            }
        }
        // At once; held from 200, due at 450 → the scan at 500; held again from 500, due at 750 → 800.
        #expect(reports == [100, 500, 800])
    }

    @Test func aBusyPathThatIsDeletedIsReportedRemoved() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["f": Self.file(size: 1)]), at: at(0))
        _ = diff.take(Self.scan(["f": Self.file(size: 2)]), at: at(100))
        _ = diff.take(Self.scan(["f": Self.file(size: 3)]), at: at(200))
        #expect(diff.take(Self.scan([:]), at: at(300)) == ([], ["f"], []))
        #expect(diff.held.isEmpty)
    }

    @Test func changedRootRulesNameTheRootInsteadOfPaths() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["a.log": Self.file(), "b": Self.file(inode: 8)]), at: at(0))
        var rules = IgnoreRules()
        rules.setRuleFile(Array("*.log\n".utf8), in: "")
        // a.log is now ignored, not removed; b changed too, but the root's subtree is re-evaluated whole.
        #expect(diff.take(Self.scan(["b": Self.file(inode: 8, mtime: 2)], rules: rules), at: at(100)) == ([], [], [""]))
        #expect(diff.take(Self.scan(["b": Self.file(inode: 8, mtime: 2)], rules: rules), at: at(200)) == ([], [], []))
    }

    @Test func changedNestedRulesNameTheirDirectoryAndPathsElsewhereStillCount() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["sub/a.log": Self.file(), "top": Self.file(inode: 8)]), at: at(0))
        var rules = IgnoreRules()
        rules.setRuleFile(Array("*.log\n".utf8), in: "sub")
        rules.setRuleFile(Array("x\n".utf8), in: "sub/deeper")
        let next = Self.scan(["top": Self.file(inode: 8, mtime: 2)], rules: rules)
        #expect(diff.take(next, at: at(100)) == (["top"], [], ["sub", "sub/deeper"]))
    }

    @Test func aDirectoryNowIgnoredIsNotNamedForItsVanishedRules() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        var before = IgnoreRules()
        before.setRuleFile(Array("x\n".utf8), in: "sub")
        _ = diff.take(Self.scan(["sub/a": Self.file()], rules: before), at: at(0))
        var after = IgnoreRules()
        after.setRuleFile(Array("sub/\n".utf8), in: "")
        #expect(diff.take(Self.scan([:], rules: after), at: at(100)) == ([], [], [""]))
    }

    @Test func whatCouldNotBeReadKeepsItsLastState() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["d/a": Self.file(), "d/e/b": Self.file(inode: 8), "c": Self.file(inode: 9), "x": Self.file(inode: 10)]), at: at(0))
        var scan = Self.scan(["x": Self.file(inode: 10)])
        scan.unreadableDirectories = ["d"]
        scan.unreadableFiles = ["c"]
        #expect(diff.take(scan, at: at(100)) == ([], [], []))
        #expect(diff.take(Self.scan(["x": Self.file(inode: 10)]), at: at(200)) == ([], ["d/a", "d/e/b", "c"], []))
    }

    @Test func resetMakesTheNextScanABaseline() {
        var diff = PollingDiff<Instant>(maximumDelay: .seconds(10))
        _ = diff.take(Self.scan(["a": Self.file()]), at: at(0))
        diff.reset()
        #expect(diff.take(Self.scan(["b": Self.file(inode: 8)]), at: at(100)) == ([], [], []))
    }
}

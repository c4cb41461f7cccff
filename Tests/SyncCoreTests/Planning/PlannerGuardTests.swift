import AISearchAPI
import Testing
@testable import SyncCore

@Suite struct PlannerGuardTests {
    /// Ten owned items, all recorded; the tree keeps `kept` of them and gains one new file.
    private func scenario(kept: Int) -> (LocalSnapshot, RemoteListing, SyncState) {
        let files = (0..<10).map { file("f\($0).md", seed: $0) }
        let items = (0..<10).map { item("f\($0).md", checksum: "c\($0)") }
        let state = recorded(files.enumerated().map { ($0.element, "c\($0.offset)", $0.offset) })
        return (LocalSnapshot(files: Array(files.prefix(kept)) + [file("new.md", seed: 99)]), RemoteListing(items: items), state)
    }

    @Test func missingRootDeletesNothingAndForgetsNothing() {
        let (_, remote, state) = scenario(kept: 10)
        let result = plan(local: LocalSnapshot(files: [], rootExists: false), remote: remote, state: state, options: defaultOptions)
        #expect(result.deletes.isEmpty)
        #expect(result.deleteGuard == .rootMissing)
        #expect(result.withheldDeletes.count == 10)
        #expect(result.forgotten.isEmpty)
    }

    @Test func emptyRootWhereTheStateHadFilesDeletesNothing() {
        let (_, remote, state) = scenario(kept: 10)
        let result = plan(local: LocalSnapshot(files: []), remote: remote, state: state, options: defaultOptions)
        #expect(result.deletes.isEmpty)
        #expect(result.deleteGuard == .rootEmpty(recordedFiles: 10))
        #expect(result.deleteGuard?.description.contains("--allow-empty-root") == true)
    }

    @Test func emptyRootOnAFreshHostDeletesNothing() {
        let (_, remote, _) = scenario(kept: 10)
        // Unmarked items a fresh host never recorded are not ours: listed, never deleted.
        let result = plan(local: LocalSnapshot(files: []), remote: remote, state: SyncState(scope: testScope), options: defaultOptions)
        #expect(result.deletes.isEmpty)
        #expect(result.foreign.count == 10)
        // Items carrying our marker are ours: the empty-root guard withholds their deletes.
        let marked = RemoteListing(items: remote.items.map { var item = $0; item.metadata = ownedBy("me"); return item })
        let markedResult = plan(local: LocalSnapshot(files: []), remote: marked, state: SyncState(scope: testScope), options: defaultOptions)
        #expect(markedResult.deletes.isEmpty)
        #expect(markedResult.deleteGuard == .rootEmpty(recordedFiles: 10))
        #expect(markedResult.withheldDeletes.count == 10)
    }

    @Test func emptyRootMayDeleteEverythingWhenAllowed() {
        let (_, remote, state) = scenario(kept: 10)
        var options = defaultOptions
        options.allowEmptyRoot = true
        options.maxDelete = .unlimited
        let result = plan(local: LocalSnapshot(files: []), remote: remote, state: state, options: options)
        #expect(result.deletes.count == 10)
        #expect(result.deleteGuard == nil)
    }

    @Test func scanErrorsDeleteNothingButStillUpload() {
        let (local, remote, state) = scenario(kept: 7)
        var damaged = local
        damaged.scanErrors = [ScanError(path: "sub", message: "opendir: Permission denied (EACCES)")]
        let result = plan(local: damaged, remote: remote, state: state, options: defaultOptions)
        #expect(result.deletes.isEmpty)
        #expect(result.withheldDeletes.count == 3)
        #expect(result.uploads.map(\.key) == ["docs/new.md"])
        guard case .scanErrors(let errors) = result.deleteGuard else {
            Issue.record("expected a scan-error guard, got \(String(describing: result.deleteGuard))")
            return
        }
        #expect(errors.count == 1)
    }

    @Test func incompleteListingDeletesNothing() {
        let (local, remote, state) = scenario(kept: 7)
        let result = plan(local: local, remote: RemoteListing(items: remote.items, isComplete: false), state: state, options: defaultOptions)
        #expect(result.deletes.isEmpty)
        #expect(result.deleteGuard == .incompleteListing)
    }

    @Test func deletingMoreThanHalfIsRefusedButUploadsGoAhead() {
        let (local, remote, state) = scenario(kept: 4)
        let result = plan(local: local, remote: remote, state: state, options: defaultOptions)
        #expect(result.deletes.isEmpty)
        #expect(result.withheldDeletes.count == 6)
        #expect(result.deleteRefusal == DeleteRefusal(wanted: 6, limit: 5, owned: 10, policy: .percent(50)))
        #expect(result.deleteRefusal?.description.contains("--max-delete 50% allows 5") == true)
        #expect(result.uploads.map(\.key) == ["docs/new.md"])
    }

    @Test func deletingExactlyHalfIsAllowed() {
        let (local, remote, state) = scenario(kept: 5)
        let result = plan(local: local, remote: remote, state: state, options: defaultOptions)
        #expect(result.deletes.count == 5)
        #expect(result.deleteRefusal == nil)
    }

    @Test(arguments: [(DeletionLimit.count(2), 3, false), (.count(3), 3, true), (.percent(10), 1, true), (.percent(10), 2, false), (.unlimited, 10, true)])
    func maxDeleteLimits(_ limit: DeletionLimit, _ deleted: Int, _ allowed: Bool) {
        let (local, remote, state) = scenario(kept: 10 - deleted)
        var options = defaultOptions
        options.maxDelete = limit
        options.allowEmptyRoot = true
        let result = plan(local: local, remote: remote, state: state, options: options)
        #expect(result.deletes.count == (allowed ? deleted : 0))
        #expect((result.deleteRefusal == nil) == allowed)
    }
}

import AISearchAPI
import Hashing
import Testing
@testable import SyncCore

@Suite struct PlannerBookkeepingTests {
    @Test func adoptionRecordedInStateMakesTheNextPlanEmpty() {
        let files = [file("a.md", seed: 1), file("b.md", seed: 2)]
        let items = [item("a.md", checksum: digest(1).hex), item("b.md", checksum: digest(2).hex, status: .queued)]
        let first = plan(local: LocalSnapshot(files: files), remote: RemoteListing(items: items), state: SyncState(scope: testScope), options: defaultOptions)
        #expect(first.uploads.isEmpty)
        #expect(first.adoptions.count == 2)
        #expect(first.detectedChecksumKind == .sha256)

        var state = SyncState(scope: testScope)
        state.apply(first.bookkeeping(atNanoseconds: 0))
        #expect(state.checksumKind == .sha256)
        #expect(state.entries["docs/a.md"]?.remote?.itemID == "id-a.md")

        var later = items
        later[1].status = .completed
        let second = plan(local: LocalSnapshot(files: files), remote: RemoteListing(items: later), state: state, options: defaultOptions)
        #expect(second.adoptions.isEmpty)
        #expect(second.uploads.isEmpty)
        #expect(second.statusUpdates == [StatusUpdate(key: "docs/b.md", status: .completed)])
        #expect(second.cost.requests == 0)
    }

    @Test func knownKindIsNotRelearned() {
        let files = [file("a.md", seed: 1)]
        let result = plan(local: LocalSnapshot(files: files), remote: RemoteListing(items: [item("a.md", checksum: digest(1).hex)]),
                          state: SyncState(scope: testScope, checksumKind: .sha256), options: defaultOptions)
        #expect(result.detectedChecksumKind == nil)
        #expect(result.adoptions.first?.evidence == .checksum(.sha256))
    }

    @Test func terminalUploadFailureHoldsUntilTheFileChanges() {
        var state = SyncState(scope: testScope)
        state.journal.recordTerminalFailure(TerminalFailure(key: "docs/a.md", kind: .upload, contentSHA256: digest(1), httpStatus: 415,
                                                            message: "unsupported media type", recordedAtNanoseconds: 1))
        let same = plan(local: LocalSnapshot(files: [file("a.md", seed: 1)]), remote: RemoteListing(items: []), state: state, options: defaultOptions)
        #expect(same.uploads.isEmpty)
        #expect(same.skips == [SkipAction(key: "docs/a.md", reason: .terminalFailure(kind: .upload, httpStatus: 415, message: "unsupported media type"))])
        let edited = plan(local: LocalSnapshot(files: [file("a.md", seed: 2)]), remote: RemoteListing(items: []), state: state, options: defaultOptions)
        #expect(edited.uploads.map(\.key) == ["docs/a.md"])
    }

    @Test func operationInBackOffWaits() {
        var state = SyncState(scope: testScope)
        state.journal.enqueue(PendingOperation(key: "docs/a.md", kind: .upload, contentSHA256: digest(1), attempts: 1, nextAttemptNanoseconds: 9_000))
        let waiting = plan(local: LocalSnapshot(files: [file("a.md", seed: 1)]), remote: RemoteListing(items: []), state: state, options: defaultOptions)
        #expect(waiting.skips == [SkipAction(key: "docs/a.md", reason: .waitingForRetry(kind: .upload, untilNanoseconds: 9_000))])
        var later = defaultOptions
        later.nowNanoseconds = 9_000
        let due = plan(local: LocalSnapshot(files: [file("a.md", seed: 1)]), remote: RemoteListing(items: []), state: state, options: later)
        #expect(due.uploads.count == 1)
    }

    @Test(arguments: [
        (InstanceChecksumKind.unknown, false, Set(ChecksumAlgorithm.allCases)),
        (.sha256, false, [.sha256]),
        (.md5, false, [.sha256, .md5]),
        (.sha1, false, [.sha256, .sha1]),
        (.opaque, false, [.sha256]),
        (.unknown, true, [.sha256]),
    ] as [(InstanceChecksumKind, Bool, Set<ChecksumAlgorithm>)])
    func digestsToComputeFollowTheKnownKind(_ kind: InstanceChecksumKind, _ withMetadata: Bool, _ expected: Set<ChecksumAlgorithm>) {
        let remote = item("a.md", checksum: "x", metadata: withMetadata ? [SyncMetadata.sha256Field: .string(digest(1).hex)] : nil)
        #expect(checksumAlgorithmsToCompute(item: remote, record: nil, kind: kind) == expected)
        #expect(checksumAlgorithmsToCompute(item: nil, record: nil, kind: kind) == [.sha256])
    }

    @Test func recordVouchingForTheChecksumNeedsOnlySHA256() {
        let record = RemoteRecord(itemID: "id-a.md", checksum: "x", status: .completed, contentSHA256: digest(1))
        #expect(checksumAlgorithmsToCompute(item: item("a.md", checksum: "x"), record: record, kind: .unknown) == [.sha256])
    }

    @Test func kindDetectionAfterAKnownEqualContent() {
        let digests: [ChecksumAlgorithm: String] = [.sha256: digest(1).hex, .md5: md5Hex(1), .sha1: sha1Hex(1)]
        #expect(InstanceChecksumKind.detect(checksum: sha1Hex(1).uppercased(), digests: digests) == .sha1)
        #expect(InstanceChecksumKind.detect(checksum: "\"\(md5Hex(1))\"", digests: digests) == .md5)
        #expect(InstanceChecksumKind.detect(checksum: "abc", digests: digests) == .opaque)
        #expect(InstanceChecksumKind.detect(checksum: "abc", digests: [.sha256: digest(1).hex]) == nil)
        #expect(InstanceChecksumKind.detect(checksum: "", digests: digests) == nil)
    }
}

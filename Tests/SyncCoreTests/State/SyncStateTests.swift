import AISearchAPI
import LinuxSystem
import Testing
@testable import SyncCore

@Suite struct SyncStateTests {
    private let written: Int64 = 2_000_000_000_000_000_000

    private func hashedState(at file: FileStatus, written: Int64?) -> SyncState {
        var state = SyncState(scope: testScope, lastWriteNanoseconds: written)
        state.apply(.hashed("k", path: "k", status: file, sha256: digest(1)))
        return state
    }

    @Test func unchangedFileOlderThanTheStateIsTrusted() {
        let file = status(mtime: written - 5_000_000_000)
        #expect(!hashedState(at: file, written: written).needsRehash(key: "k", current: file))
    }

    @Test(arguments: [Int64(0), 1, 500_000_000, -999_999_999])
    func fileChangedAtOrJustBeforeTheStateWriteIsRacy(_ offset: Int64) {
        let file = status(mtime: written + offset)
        #expect(hashedState(at: file, written: written).needsRehash(key: "k", current: file))
    }

    @Test func ctimeCountsEvenWhenMtimeWasSetBack() {
        let file = status(mtime: written - 100_000_000_000, ctime: written)
        #expect(hashedState(at: file, written: written).needsRehash(key: "k", current: file))
    }

    @Test func changedIdentityOrMissingRecordNeedsRehash() {
        let file = status(mtime: written - 5_000_000_000)
        let state = hashedState(at: file, written: written)
        #expect(state.needsRehash(key: "k", current: status(size: 11, mtime: written - 5_000_000_000)))
        #expect(state.needsRehash(key: "k", current: status(mtime: written - 5_000_000_000, inode: 8)))
        #expect(state.needsRehash(key: "other", current: file))
        #expect(hashedState(at: file, written: nil).needsRehash(key: "k", current: file))
    }

    @Test func reindexAttemptsCarryOverOnlyForTheSameContent() {
        var state = SyncState(scope: testScope)
        let record = RemoteRecord(itemID: "i", checksum: "c", status: .error, contentSHA256: digest(1))
        state.apply(.recordRemote("k", path: "k", record: record))
        state.apply(.reindexRequested("k"))
        state.apply(.recordRemote("k", path: "k", record: record))
        #expect(state.entries["k"]?.remote?.reindexAttempts == 1)
        state.apply(.recordRemote("k", path: "k", record: RemoteRecord(itemID: "i", checksum: "d", status: .queued, contentSHA256: digest(2))))
        #expect(state.entries["k"]?.remote?.reindexAttempts == 0)
    }

    @Test func terminalFailureHoldsUntilTheContentChanges() {
        var journal = OperationJournal()
        journal.enqueue(PendingOperation(key: "k", kind: .upload, contentSHA256: digest(1)))
        journal.recordTerminalFailure(TerminalFailure(key: "k", kind: .upload, contentSHA256: digest(1), httpStatus: 415,
                                                      message: "unsupported", recordedAtNanoseconds: 1))
        #expect(journal.pending["k"] == nil)
        #expect(journal.terminalFailure(for: "k", kind: .upload, contentSHA256: digest(1)) != nil)
        #expect(journal.terminalFailure(for: "k", kind: .upload, contentSHA256: digest(2)) == nil)
        journal.enqueue(PendingOperation(key: "k", kind: .upload, contentSHA256: digest(2)))
        #expect(journal.terminalFailures["k"] == nil)
    }

    @Test func retryableFailureCountsAttemptsAndBacksOff() {
        var journal = OperationJournal()
        journal.enqueue(PendingOperation(key: "k", kind: .delete, itemID: "i"))
        journal.recordRetryableFailure("k", error: "HTTP 503", nextAttemptNanoseconds: 77)
        journal.recordRetryableFailure("k", error: "HTTP 502", nextAttemptNanoseconds: 99)
        #expect(journal.pending["k"]?.attempts == 2)
        #expect(journal.pending["k"]?.nextAttemptNanoseconds == 99)
        #expect(journal.pending["k"]?.lastError == "HTTP 502")
        journal.complete("k")
        #expect(journal.pending.isEmpty)
    }
}

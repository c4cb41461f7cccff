import AISearchAPI
import Foundation
import LinuxSystem
import Testing
@testable import SyncCore

/// The state's journal: an edit appends its rows, a torn tail is cut off, compaction starts a new
/// generation, and a journal of another generation is never applied.
@Suite struct StateJournalTests {
    private static let now: Int64 = 1_800_000_000_000_000_000

    private func store(_ directory: TemporaryDirectory) -> StateStore {
        StateStore(location: StateLocation(directory: directory.path), scope: testScope, debounce: .seconds(3600),
                   wallClock: { Self.now })
    }

    @Test func oneEditInAHundredThousandRowTableAppendsAFewHundredBytes() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 100_000))
        try await writer.save()
        let snapshot = try directory.read("state.snapshot")
        #expect(await writer.snapshotsWritten == 1)

        let key = ItemKey("docs/dir5/file-5.md")
        await writer.apply([.hashed(key, path: "dir5/file-5.md", status: status(size: 77, mtime: 5, inode: 99), sha256: digest(777))])
        try await writer.save()
        let appended = await writer.journalBytesAppended
        #expect(appended > 0 && appended < 1024, "one edit appended \(appended) bytes")
        #expect(await writer.snapshotsWritten == 1)
        #expect(try directory.read("state.snapshot") == snapshot, "the snapshot is not rewritten for an edit")
        // The record holds that row (replaying records is the cut test's business).
        let record = try #require(StateJournal.read(try directory.read("state.journal")).payloads.last)
        var replayed = SyncState(scope: testScope)
        try StateFileCodec.decodeJournalRecord(record).apply(to: &replayed)
        #expect(replayed.entries.count == 1)
        #expect(replayed.entries[key]?.sha256 == digest(777))
        try await writer.close()
    }

    @Test func aJournalCutAtEveryByteOffsetRecoversTheStateOfTheLastWholeRecord() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 6))
        try await writer.save()
        var expected = [await writer.snapshot]
        let edits: [[StateChange]] = [
            [.remoteStatus("docs/dir1/file-1.md", .error), .enqueue(PendingOperation(key: "docs/new.md", kind: .upload, contentSHA256: digest(9)))],
            [.forget("docs/dir2/file-2.md"), .completed("docs/new.md"), .checksumKind(.sha256)],
            [.hashed("docs/new.md", path: "new.md", status: status(size: 3), sha256: digest(10)),
             .terminalFailure(TerminalFailure(key: "docs/new.md", kind: .upload, contentSHA256: digest(10), httpStatus: 415,
                                              message: "unsupported \"type\"", recordedAtNanoseconds: 7))],
        ]
        for edit in edits {
            await writer.apply(edit)
            try await writer.save()
            expected.append(await writer.snapshot)
        }
        try await writer.close()
        let snapshotBytes = try directory.read("state.snapshot")
        let journal = try directory.read("state.journal")
        let contents = StateJournal.read(journal)
        #expect(contents.payloads.count == 3)
        // Where each record ends: a cut before it loses that record, a cut at or after keeps it.
        var recordEnds: [Int] = []
        var offset = journal.firstIndex(of: UInt8(ascii: "\n"))! + 1
        for payload in contents.payloads {
            offset += StateJournal.recordHeaderBytes + payload.count
            recordEnds.append(offset)
        }

        for cut in 0...journal.count {
            let trial = TemporaryDirectory(base: FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : "/tmp")
            try trial.write(snapshotBytes, to: "state.snapshot")
            try trial.write(Array(journal[..<cut]), to: "state.journal")
            let reader = store(trial)
            let loaded = try await reader.load()
            let whole = recordEnds.filter { $0 <= cut }.count
            #expect(loaded.origin == .loaded)
            #expect(loaded.state == expected[whole], "cut at byte \(cut) of \(journal.count)")
            // The next save continues after the last whole record (checked around each record's
            // end, where a wrong offset would show; every cut pays two fsyncs otherwise).
            guard recordEnds.contains(where: { abs($0 - cut) <= 2 }) || cut < 4 || cut % 97 == 0 else {
                try await reader.close()
                continue
            }
            await reader.apply([.remoteStatus("docs/dir3/file-3.md", .queued)])
            try await reader.save()
            try await reader.close()
            let again = try await store(trial).load()
            #expect(again.state.entries["docs/dir3/file-3.md"]?.remote?.status == .queued, "cut at byte \(cut)")
            #expect(again.state.journal == expected[whole].journal)
        }
    }

    /// A save whose record alone would take the journal past the snapshot (an adoption of every
    /// file) writes a snapshot instead: the next start reads one file, not a journal larger
    /// than the table.
    @Test func aRecordLargerThanTheSnapshotIsWrittenAsASnapshot() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 20))
        try await writer.save()
        #expect(await writer.snapshotsWritten == 1)
        let many = (0..<5_000).map { index in
            StateChange.hashed(ItemKey("docs/new/file-\(index).md"), path: FilePathBytes("new/file-\(index).md"),
                               status: status(size: Int64(index)), sha256: digest(index))
        }
        await writer.apply(many)
        try await writer.save()
        #expect(await writer.snapshotsWritten == 2)
        #expect(await writer.journalBytesAppended == 0)
        #expect(try directory.read("state.journal").count < 1024)
        try await writer.close()
        let reader = store(directory)
        _ = try await reader.load()
        #expect(await reader.snapshot.entries.count == 5_020)
        try await reader.close()
    }

    @Test func aJournalThatOutgrowsTheSnapshotIsCompactedIntoANewGeneration() async throws {
        let directory = TemporaryDirectory(base: FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : "/tmp")
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 20))
        try await writer.save()
        for round in 0..<400 {
            await writer.apply([.remoteStatus("docs/dir4/file-4.md", round % 2 == 0 ? .queued : .completed),
                                .hashed("docs/dir6/file-6.md", path: "dir6/file-6.md", status: status(size: Int64(round)), sha256: digest(round))])
            try await writer.save()
        }
        #expect(await writer.snapshotsWritten > 1)
        let journal = try directory.read("state.journal")
        #expect(journal.count < 64 << 10 + 1024)
        let final = await writer.snapshot
        try await writer.close()
        #expect(try await store(directory).load().state == final)
    }

    @Test func aJournalOfAnOlderGenerationIsNeverApplied() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 5))
        try await writer.save()
        await writer.apply([.remoteStatus("docs/dir1/file-1.md", .error)])
        try await writer.save()
        let oldJournal = try directory.read("state.journal")
        // A compaction: new snapshot of the next generation (here forced by a replace).
        var replaced = await writer.snapshot
        replaced.entries["docs/dir1/file-1.md"]?.remote?.status = .completed
        await writer.replace(with: replaced)
        try await writer.save()
        try await writer.close()
        // A crash between the snapshot and the journal's reset leaves the old journal.
        try directory.write(oldJournal, to: "state.journal")
        let loaded = try await store(directory).load()
        #expect(loaded.state.entries["docs/dir1/file-1.md"]?.remote?.status == .completed)
    }
}

import AISearchAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem
import Testing
@testable import SyncCore

@Suite struct StateStoreTests {
    private func store(_ directory: TemporaryDirectory, scope: StateScope = testScope) -> StateStore {
        StateStore(location: StateLocation(directory: directory.path), scope: scope, debounce: .milliseconds(5),
                   wallClock: { 1_800_000_000_000_000_000 })
    }

    @Test func hundredThousandEntriesRoundTrip() async throws {
        let directory = TemporaryDirectory()
        let original = sampleState(count: 100_000)
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: original)
        try await writer.close()

        let reader = store(directory)
        let result = try await reader.load()
        #expect(result.origin == .loaded)
        var expected = original
        expected.lastWriteNanoseconds = 1_800_000_000_000_000_000
        #expect(result.state.entries.count == 100_000)
        #expect(result.state == expected)
    }

    /// A directory of an earlier release (`state.json`, all JSON, and its journal) loads whole;
    /// closing it writes `state.snapshot` and removes `state.json`, and the next load reads that.
    @Test func anEarlierReleasesStateIsReadAndReplaced() async throws {
        let directory = TemporaryDirectory()
        var state = sampleState(count: 30)
        try directory.write(StateFileCodec.encodeVersion2(state, generation: 3), to: "state.json")
        // A row changed after that snapshot, in the journal of its generation.
        let key = ItemKey("docs/new.md")
        state.entries[key] = StateEntry(path: "new.md", identity: FileIdentity(status(size: 3)), sha256: digest(5))
        let record = StateJournal.frame(StateFileWriter.journalRecord(state, keys: [key], writtenAt: 42))
        try directory.write(StateJournal.header(generation: 3) + record, to: "state.journal")

        let loader = store(directory)
        let result = try await loader.load()
        #expect(result.origin == .loaded)
        #expect(result.state.entries == state.entries)
        try await loader.close()
        let names = try directory.names()
        #expect(names.contains("state.snapshot") && !names.contains("state.json"), "\(names)")

        let again = try await store(directory).load()
        #expect(again.origin == .loaded)
        #expect(again.state.entries == state.entries)
    }

    /// A damaged `state.json` of an earlier release is moved aside under its own name, and the
    /// rebuilt state is saved as `state.snapshot`.
    @Test func aDamagedEarlierReleasesStateIsMovedAsideAndReplaced() async throws {
        let directory = TemporaryDirectory()
        var bytes = StateFileCodec.encodeVersion2(sampleState(count: 10))
        bytes[bytes.count - 20] ^= 0x01
        try directory.write(bytes, to: "state.json")
        let loader = store(directory)
        let result = try await loader.load()
        guard case .rebuilt(.corrupt, let aside) = result.origin else {
            Issue.record("expected a rebuild, got \(result.origin)")
            return
        }
        #expect(aside.lastComponent.description.hasPrefix("state.json.corrupt-"))
        await loader.replace(with: sampleState(count: 3))
        try await loader.close()
        let names = try directory.names()
        #expect(names.contains("state.snapshot") && !names.contains("state.json"), "\(names)")
        #expect(try await store(directory).load().state.entries.count == 3)
    }

    /// Both files there (a migration cut short, or an earlier release run again since): the newer
    /// is read and the other removed.
    @Test(arguments: [true, false])
    func ofBothSnapshotFilesTheNewerIsRead(legacyIsNewer: Bool) async throws {
        let directory = TemporaryDirectory()
        let older = sampleState(count: 5), newer = sampleState(count: 9)
        try directory.write(StateFileCodec.encode(legacyIsNewer ? older : newer, generation: 2), to: "state.snapshot")
        try directory.write(StateFileCodec.encodeVersion2(legacyIsNewer ? newer : older, generation: 2), to: "state.json")
        let (newerName, olderName) = legacyIsNewer ? ("state.json", "state.snapshot") : ("state.snapshot", "state.json")
        for (name, seconds) in [(olderName, 1_700_000_000.0), (newerName, 1_700_000_100.0)] {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)],
                                                  ofItemAtPath: directory.path.appending(FilePathBytes(name)).description)
        }
        let result = try await store(directory).load()
        #expect(result.origin == .loaded)
        #expect(result.state.entries == newer.entries)
        #expect(!(try directory.names()).contains(olderName))
    }

    @Test func missingFileIsAFreshState() async throws {
        let directory = TemporaryDirectory()
        let result = try await store(directory).load()
        #expect(result.origin == .created)
        #expect(result.needsRebuild)
        #expect(result.state.entries.isEmpty)
    }

    @Test func tornTemporaryFileIsRemovedAndThePreviousStateLoads() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 10))
        try await writer.close()
        // A write killed between open and rename leaves a partial temporary file.
        try directory.write(Array("{\"format\":\"aisearch-sync-state\",\"vers".utf8), to: "state.snapshot.tmp-4242-7")

        let result = try await store(directory).load()
        #expect(result.origin == .loaded)
        #expect(result.state.entries.count == 10)
        #expect(result.removedTemporaryFiles.map(\.lastComponent) == ["state.snapshot.tmp-4242-7"])
        #expect(try !directory.names().contains("state.snapshot.tmp-4242-7"))
    }

    @Test(arguments: [
        ("truncated", 0),
        ("flipped byte", 1),
        ("not a state file", 2),
        ("header only", 3),
    ])
    func damagedFileIsMovedAsideAndRebuildSignalled(_ damage: (String, Int)) async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.replace(with: sampleState(count: 50))
        try await writer.close()
        var bytes = try directory.read("state.snapshot")
        switch damage.1 {
        case 0: bytes.removeLast(bytes.count / 3)
        case 1: bytes[bytes.count - 40] ^= 0x01
        case 2: bytes = Array("PK\u{3}\u{4} some zip file".utf8)
        default: bytes = Array(bytes.prefix(30))
        }
        try directory.write(bytes, to: "state.snapshot")

        let result = try await store(directory).load()
        guard case .rebuilt(let problem, let aside) = result.origin else {
            Issue.record("\(damage.0): expected a rebuild, got \(result.origin)")
            return
        }
        switch (damage.1, problem) {
        case (0, .truncated), (1, .corrupt), (2, .notAStateFile), (3, .truncated), (3, .notAStateFile): break
        default: Issue.record("\(damage.0): unexpected problem \(problem)")
        }
        #expect(result.state.entries.isEmpty)
        #expect(result.warning?.contains("moved it to") == true)
        #expect(!problem.description.contains("\n"))
        #expect(aside.lastComponent.description.hasPrefix("state.snapshot.corrupt-20270115T"))
        let names = try directory.names()
        #expect(!names.contains("state.snapshot"))
        #expect(names.contains(aside.lastComponent.description))
        #expect(try directory.read(aside.lastComponent.description) == bytes)
    }

    @Test func fileOfAnotherInstanceIsNotUsed() async throws {
        let directory = TemporaryDirectory()
        let other = StateScope(account: "0123abcd", namespace: "default", instance: "blog")
        let writer = store(directory, scope: other)
        _ = try await writer.load()
        await writer.replace(with: SyncState(scope: other, entries: ["k": StateEntry(path: "k")]))
        try await writer.close()

        let result = try await store(directory).load()
        #expect(result.origin == .rebuilt(problem: .foreign(expected: testScope, found: other),
                                          movedAsideTo: directory.path.appending("state.snapshot.corrupt-20270115T080000Z")))
        #expect(result.state.entries.isEmpty)
    }

    @Test func fileOfAFutureVersionIsNotUsed() async throws {
        let directory = TemporaryDirectory()
        let body = Array("{}".utf8)
        let header = "{\"format\":\"aisearch-sync-state\",\"version\":4,\"body_bytes\":2,\"body_fnv1a64\":\"\(StateFileCodec.fnv1a64Hex(body))\"}\n"
        try directory.write(Array(header.utf8) + body, to: "state.snapshot")

        let result = try await store(directory).load()
        guard case .rebuilt(.futureVersion(found: 4, supported: 3), _) = result.origin else {
            Issue.record("expected futureVersion, got \(result.origin)")
            return
        }
    }

    @Test func secondMovedAsideFileGetsItsOwnName() async throws {
        let directory = TemporaryDirectory()
        for _ in 0..<2 {
            try directory.write(Array("garbage".utf8), to: "state.snapshot")
            let loader = store(directory)
            _ = try await loader.load()
            try await loader.close()
        }
        let names = try directory.names().filter { $0.hasPrefix("state.snapshot.corrupt-") }
        #expect(names.count == 2)
    }

    @Test func stateFileIsPrivate() async throws {
        let parent = TemporaryDirectory()
        let location = StateLocation(directory: parent.path.appending("a/b/state"))
        let writer = StateStore(location: location, scope: testScope)
        _ = try await writer.load()
        await writer.apply([.checksumKind(.sha256)])
        try await writer.flush()
        #expect(try FileStatus.of(location.stateFile).mode & 0o777 == 0o600)
        #expect(try FileStatus.of(location.directory).mode & 0o777 == 0o700)
        #expect(try FileStatus.of(parent.path.appending("a")).mode & 0o777 == 0o700)
        try await writer.close()
    }

    @Test func secondStoreOnTheSameDirectoryIsRefused() async throws {
        let directory = TemporaryDirectory()
        let first = store(directory)
        _ = try await first.load()
        await #expect(throws: StateStoreError.locked(directory.path)) { try await store(directory).load() }
        try await first.close()
        _ = try await store(directory).load()
    }

    @Test func debouncedSaveWritesWithoutFlush() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.apply([.checksumKind(.sha1)])
        #expect(await writer.hasUnsavedChanges)
        let deadline = ContinuousClock.now + .seconds(60)
        while await writer.hasUnsavedChanges, ContinuousClock.now < deadline {
            await Task.yield()
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(await !writer.hasUnsavedChanges)
        let reader = StateFileCodecTests.decode(try directory.read("state.snapshot"))
        #expect(reader?.checksumKind == .sha1)
    }

    @Test func savedStateRecordsItsWriteTime() async throws {
        let directory = TemporaryDirectory()
        let writer = store(directory)
        _ = try await writer.load()
        await writer.apply([.checksumKind(.opaque)])
        try await writer.flush()
        #expect(await writer.snapshot.lastWriteNanoseconds == 1_800_000_000_000_000_000)
    }
}

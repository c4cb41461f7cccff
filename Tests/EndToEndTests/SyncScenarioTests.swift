import Testing
import Foundation
import AISearchAPI
import Emulator
import LinuxSystem
@testable import SyncCore

/// The acceptance scenarios for the engine: agent against the emulator over real HTTP,
/// each ending with the emulator's item set compared with the folder.
@Suite struct SyncScenarioTests {
    @Test(arguments: EmulatorConfiguration.ChecksumMode.allCases)
    func freshStateAgainstAFilledInstanceUploadsNothing(mode: EmulatorConfiguration.ChecksumMode) async throws {
        let harness = try EmulatorHarness(checksumMode: mode)
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<12 { try harness.write("docs/page\(index).md", "page \(index) " + String(repeating: "x", count: index)) }
        let first = try await harness.makeEngine()
        _ = try await first.reconcile()
        try await first.close()
        try FileManager.default.removeItem(at: harness.stateDirectory)
        await harness.server.emulator.clearRequestCounts()

        let round = try await harness.makeEngine().reconcile()
        #expect(round.report.uploaded.isEmpty)
        #expect(round.isInSync)
        let requests = await harness.server.emulator.requestCounts()
        #expect(!requests.contains { $0.method == "POST" })
        if mode == .opaque {
            #expect(round.report.verifiedEqual.count == 12)  // recognised by size + download, never re-uploaded
        } else {
            #expect(round.plan.adoptions.count == 12)  // recognised from the checksum alone
            #expect(round.report.requests == 1)  // no item request: only the evidence recorded after the listing
        }
        #expect(await harness.remoteContents() == (try harness.localContents()))
    }

    @Test func restartWithNoChangeCostsOneRequest() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<30 { try harness.write("f\(index).md", "content \(index)") }
        let first = try await harness.makeEngine(stateWrittenLater: .seconds(5))
        _ = try await first.reconcile()
        try await first.close()
        await harness.server.emulator.clearRequestCounts()

        let round = try await harness.makeEngine().reconcile()
        #expect(round.filesHashed == 0)
        #expect(round.remoteComparison == .unchangedSinceRecorded)
        #expect(round.report.requests == 1)
        let requests = await harness.server.emulator.requestCounts()
        #expect(requests.allSatisfy { $0.method == "GET" })
        #expect(requests.reduce(0) { $0 + $1.count } == 1, "\(requests)")
    }

    @Test func editsDeletesRenamesAndDirectoryMovesConverge() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        try harness.write("b.md", "beta")
        try harness.write("dir/c.md", "gamma")
        try harness.write("dir/d.md", "delta")
        // Untouched files, so the round's three deletions stay under the default --max-delete of 50%.
        for index in 0..<6 { try harness.write("keep/k\(index).md", "keep \(index)") }
        let engine = try await harness.makeEngine()
        _ = try await engine.reconcile()

        try harness.write("a.md", "alpha two")
        try harness.remove("b.md")
        try FileManager.default.moveItem(at: harness.root.appendingPathComponent("dir"), to: harness.root.appendingPathComponent("moved"))
        let incremental = await engine.apply(changed: ["a.md", "moved"], removed: ["b.md", "dir"])
        #expect(incremental.isInSync)
        #expect(await harness.remoteContents() == (try harness.localContents()))
        #expect(Set(await harness.remoteContents().keys).isSuperset(of: ["a.md", "moved/c.md", "moved/d.md"]))
        #expect(await harness.remoteContents()["b.md"] == nil)
    }

    /// Found by the torture suite: `x.md` deleted and a directory `x.md/` made in its place; the
    /// watcher reports only the new directory's files, and the old file's item must still go.
    @Test func fileReplacedByADirectoryOfItsNameDeletesTheFilesItem() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("x.md", "a file")
        for index in 0..<4 { try harness.write("keep/k\(index).md", "keep \(index)") }
        let engine = try await harness.makeEngine()
        _ = try await engine.reconcile()

        try harness.remove("x.md")
        try harness.write("x.md/inner.md", "now a directory")
        let round = await engine.apply(changed: ["x.md/inner.md"], removed: [])
        #expect(round.isInSync)
        #expect(await harness.remoteContents() == (try harness.localContents()))
        #expect(await harness.remoteContents()["x.md"] == nil)
    }

    @Test func rootDeletedDeletesNothingRemotely() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("a.md", "alpha")
        try harness.write("b.md", "beta")
        let engine = try await harness.makeEngine()
        _ = try await engine.reconcile()
        try FileManager.default.removeItem(at: harness.root)
        await harness.server.emulator.clearRequestCounts()

        let round = try await engine.reconcile()
        #expect(round.plan.deleteGuard == .rootMissing)
        #expect(!(await harness.server.emulator.requestCounts()).contains { $0.method == "DELETE" })
        #expect(await harness.remoteContents().count == 2)
    }

    @Test func ineligibleFilesAreReportedWhileTheRestSyncs() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("ok.md", "fine")
        try harness.write("huge.md", bytes: [UInt8](repeating: 0x61, count: 4_000_001))
        try harness.write("tool.exe", "binary")
        try FileManager.default.createSymbolicLink(atPath: harness.root.appendingPathComponent("link.md").path, withDestinationPath: "ok.md")
        let round = try await harness.makeEngine().reconcile()
        #expect(round.isInSync)
        #expect(Set(await harness.remoteContents().keys) == ["ok.md"])
        let reasons = Dictionary(uniqueKeysWithValues: round.plan.skips.compactMap { skip -> (String, String)? in
            if case .ineligible(let reason) = skip.reason { return (skip.key.rawValue, reason.code) }
            return nil
        })
        #expect(reasons["huge.md"] == "too_large")
        #expect(reasons["tool.exe"] == "unsupported_type")
        #expect(reasons["link.md"] == "not_regular_file")
    }

    @Test func nonUTF8AndOverlongNamesSyncUnderTheirMappedKeys() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        let rawName = FilePathBytes(harness.root.path).appending(FilePathBytes([0x66, 0xFF, 0x2E, 0x6D, 0x64]))  // "f\xFF.md"
        let descriptor = try FileDescriptor.open(rawName, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        try descriptor.writeAll(Array("raw bytes".utf8))
        descriptor.close()
        let longName = String(repeating: "long-directory-name/", count: 8) + "final.md"
        try harness.write(longName, "deep")
        let round = try await harness.makeEngine().reconcile()
        #expect(round.isInSync)
        let mapper = try KeyMapper()
        let rawKey = try mapper.key(for: FilePathBytes([0x66, 0xFF, 0x2E, 0x6D, 0x64]))
        let longKey = try mapper.key(for: FilePathBytes(longName))
        #expect(longKey.rawValue.utf8.count <= 128)
        #expect(longKey.rawValue.hasSuffix(".md"))
        let remote = await harness.remoteContents()
        #expect(remote[rawKey.rawValue] == Array("raw bytes".utf8))
        #expect(remote[longKey.rawValue] == Array("deep".utf8))
        #expect(mapper.path(for: rawKey) == FilePathBytes([0x66, 0xFF, 0x2E, 0x6D, 0x64]))
    }

    @Test func faultsAtTwentyPercentConvergeWithoutDuplicatesOrLoss() async throws {
        let faults = FaultSettings(rateLimitRate: 0.07, serverErrorRate: 0.07, connectionResetRate: 0.06, seed: 20261123)
        let harness = try EmulatorHarness(faults: faults)
        defer { Task { await harness.stop() } }
        _ = try? await harness.client.createInstance(id: "docs")
        for index in 0..<60 { try harness.write("f\(index).md", "content \(index)") }
        let engine = try await harness.makeEngine()
        var converged = false
        for _ in 0..<10 where !converged {
            if let round = try? await engine.reconcile(), round.isInSync, round.plan.uploads.isEmpty { converged = true }
        }
        #expect(converged)
        let items = await harness.server.emulator.items(instance: "docs")
        #expect(items.count == Set(items.map(\.key)).count)
        #expect(await harness.remoteContents() == (try harness.localContents()))
    }

    @Test func twoThousandFilesInitialSync() async throws {
        let harness = try EmulatorHarness(processingDelay: .milliseconds(1), requestsPerWindow: 100_000)
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<2000 { try harness.write("d\(index % 40)/f\(index).txt", "file number \(index)") }
        let round = try await harness.makeEngine().reconcile()
        #expect(round.isInSync)
        #expect(round.report.uploaded.count == 2000)
        #expect(await harness.remoteContents() == (try harness.localContents()))
    }
}

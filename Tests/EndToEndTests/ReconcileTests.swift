import Testing
import Foundation
import AISearchAPI
@testable import SyncCore

@Suite struct ReconcileTests {
    @Test func firstSyncMakesTheInstanceEqualToTheFolder() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        try harness.write("index.md", "# Home")
        try harness.write("guides/install.md", "Install it.")
        try harness.write("notes.txt", "plain")
        try harness.write("program.exe", "not indexable")
        let round = try await harness.makeEngine().reconcile()
        #expect(round.isInSync)
        #expect(await harness.remoteContents() == (try harness.localContents { $0 == "program.exe" }))
    }
}

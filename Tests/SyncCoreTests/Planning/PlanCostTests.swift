import AISearchAPI
import Foundation
import LinuxSystem
import Testing
@testable import SyncCore

@Suite struct PlanCostTests {
    @Test func predictsOneRequestPerActionAndTheWaitBeyondTheBucket() {
        let files = [file("up1.md", seed: 1), file("up2.md", seed: 2), file("up3.md", seed: 3),
                     file("err.md", seed: 4), file("v1.md", seed: 5), file("v2.md", seed: 6), file("same.md", seed: 7)]
        let items = [item("err.md", checksum: "e", status: .error), item("v1.md", checksum: "x1"), item("v2.md", checksum: "x2"),
                     item("same.md", checksum: "s"), item("gone.md", metadata: ownedBy("me")), item("gone2.md", metadata: ownedBy("me")),
                     item("gone3.md", metadata: ownedBy("me")), item("gone4.md", metadata: ownedBy("me"))]
        let state = recorded([(files[3], "e", 4), (files[6], "s", 7)], kind: .opaque, status: .error)
        var options = defaultOptions
        options.budget = BudgetForecast(requestsPerWindow: 1200, windowSeconds: 300, availableTokens: 2)
        options.maxDelete = .unlimited
        let result = plan(local: LocalSnapshot(files: files), remote: RemoteListing(items: items), state: state, options: options)
        #expect(result.uploads.count == 3)
        #expect(result.reindexes.count == 1)
        #expect(result.verifications.count == 2)
        #expect(result.deletes.count == 1 + 3)
        #expect(result.adoptions.isEmpty)
        #expect(result.cost.requests == 10)
        #expect(result.cost.worstCaseRequests == 12)
        #expect(result.cost.estimatedSeconds == 300)   // 2 may go now; the other 8 wait for the next window
        #expect(result.cost.worstCaseSeconds == 300)
    }

    @Test func unchangedTreeCostsNothing() {
        let a = file("a.md", seed: 1)
        let result = plan(local: LocalSnapshot(files: [a]), remote: RemoteListing(items: [item("a.md", checksum: "c")]),
                          state: recorded([(a, "c", 1)]), options: defaultOptions)
        #expect(result.cost == PlanCost())
        #expect(result.isEmpty)
    }

    @Test func budgetWithTokensToSpareCostsNoTime() {
        #expect(BudgetForecast().secondsToSpend(1200) == 0)
        #expect(BudgetForecast(availableTokens: 0).secondsToSpend(1200) == 300)
    }

    @Test func planRoundTripsThroughJSON() throws {
        let odd = LocalFile(key: "docs/odd.md", path: FilePathBytesLiteral.nonUTF8, status: status(), digests: [.sha256: digest(1).hex])
        let result = plan(local: LocalSnapshot(files: [odd, file("a.md", seed: 2, eligibility: .ineligible(.unsupportedType(extension: "bin")))]),
                          remote: RemoteListing(items: [item("gone.md"), item("x.md"), item("y.md")]), state: SyncState(scope: testScope), options: defaultOptions)
        let data = try JSONEncoder().encode(result)
        let decoded = try JSONDecoder().decode(SyncPlan.self, from: data)
        #expect(decoded == result)
        #expect(decoded.uploads.first?.path == FilePathBytesLiteral.nonUTF8)
    }
}

enum FilePathBytesLiteral {
    static let nonUTF8 = FilePathBytes([0x6F, 0xFF, 0x2E, 0x6D, 0x64])
}

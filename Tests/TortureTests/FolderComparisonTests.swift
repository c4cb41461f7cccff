import Testing
@testable import Torture

@Suite struct FolderComparisonTests {
    let local: [String: [UInt8]] = ["a.md": Array("alpha".utf8), "d/b.txt": Array("bravo".utf8), "c.md": Array("same".utf8)]

    @Test func equalMapsHaveNoDivergence() {
        #expect(FolderComparison.divergences(local: local, remote: local).isEmpty)
    }

    @Test func findsMissingExtraAndDifferentContent() {
        var remote = local
        remote["a.md"] = nil
        remote["gone.md"] = Array("stale".utf8)
        remote["d/b.txt"] = Array("brave".utf8)
        #expect(FolderComparison.divergences(local: local, remote: remote) == [
            Divergence(key: "a.md", kind: .missing),
            Divergence(key: "d/b.txt", kind: .contentDiffers(localSize: 5, remoteSize: 5, firstDifferenceAt: 4)),
            Divergence(key: "gone.md", kind: .extra),
        ])
    }

    @Test func aTruncatedCopyDiffersAtItsEnd() {
        let found = FolderComparison.divergences(local: ["k.md": Array("abcdef".utf8)], remote: ["k.md": Array("abc".utf8)])
        #expect(found == [Divergence(key: "k.md", kind: .contentDiffers(localSize: 6, remoteSize: 3, firstDifferenceAt: 3))])
    }

    @Test func reportsKeysListedTwice() {
        let found = FolderComparison.divergences(local: local, remote: local, duplicates: ["c.md": 2])
        #expect(found == [Divergence(key: "c.md", kind: .duplicateKey(count: 2))])
    }
}

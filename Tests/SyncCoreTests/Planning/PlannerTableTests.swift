import AISearchAPI
import Testing
@testable import SyncCore

@Suite struct PlannerTableTests {
    static let cases: [PlanCase] = {
        let a = file("a.md", seed: 1)
        let aEdited = file("a.md", seed: 2)
        let aUnhashed = file("a.md", seed: 1, hashed: false)
        let b = file("b.md", seed: 2)
        let c = file("c.md", seed: 3)
        return [
            PlanCase(name: "new file → upload", files: [a], items: [],
                     expected: PlanSummary(uploads: ["a.md:new"])),
            PlanCase(name: "unchanged with state → nothing", files: [a], items: [item("a.md", checksum: "c1")],
                     state: recorded([(a, "c1", 1)]), expected: PlanSummary(skips: ["a.md:unchanged"])),
            PlanCase(name: "unchanged, not rehashed: the state's digest stands", files: [aUnhashed], items: [item("a.md", checksum: "c1")],
                     state: recorded([(a, "c1", 1)]), expected: PlanSummary(skips: ["a.md:unchanged"])),
            PlanCase(name: "edited → upload changed", files: [aEdited], items: [item("a.md", checksum: "c1")],
                     state: recorded([(a, "c1", 1)]), expected: PlanSummary(uploads: ["a.md:changed"])),
            PlanCase(name: "deleted and owned → delete", files: [b, c], items: [item("a.md"), item("b.md", checksum: "c2"), item("c.md", checksum: "c3")],
                     state: recorded([(a, "opaque-0", 1), (b, "c2", 2), (c, "c3", 3)]),
                     expected: PlanSummary(deletes: ["a.md:localGone"], skips: ["b.md:unchanged", "c.md:unchanged"])),
            PlanCase(name: "owned item the state never knew, no file → delete", files: [b, c], items: [item("a.md"), item("b.md", checksum: "c2"), item("c.md", checksum: "c3")],
                     state: recorded([(b, "c2", 2), (c, "c3", 3)]),
                     expected: PlanSummary(deletes: ["a.md:localGone"], skips: ["b.md:unchanged", "c.md:unchanged"])),
            PlanCase(name: "foreign items are never deleted", files: [file("x.md", seed: 9)],
                     items: [item("r2.md", source: "r2:bucket"), item("legacy.md", source: nil), item("/other/b.md"),
                             item("x.md", checksum: digest(9).hex)],
                     expected: PlanSummary(adoptions: ["x.md:checksum(SyncCore.ChecksumAlgorithm.sha256)"], skips: ["x.md:unchanged"])),
            PlanCase(name: "error, content unchanged → reindex", files: [a], items: [item("a.md", checksum: "c1", status: .error)],
                     state: recorded([(a, "c1", 1)], status: .error), expected: PlanSummary(reindexes: ["a.md:1"])),
            PlanCase(name: "outdated, content unchanged → reindex", files: [a], items: [item("a.md", checksum: "c1", status: .outdated)],
                     state: recorded([(a, "c1", 1)]), expected: PlanSummary(reindexes: ["a.md:1"])),
            PlanCase(name: "error after a reindex of this content → left alone", files: [a],
                     items: [item("a.md", checksum: "c1", status: .error)],
                     state: recorded([(a, "c1", 1)], status: .error, reindexAttempts: 1),
                     expected: PlanSummary(skips: ["a.md:reindexExhausted"])),
            PlanCase(name: "error and content changed → upload, not reindex", files: [aEdited],
                     items: [item("a.md", checksum: "c1", status: .error)],
                     state: recorded([(a, "c1", 1)], status: .error, reindexAttempts: 1),
                     expected: PlanSummary(uploads: ["a.md:changed"])),
            PlanCase(name: "fresh host, sha256 checksum → adopt, no upload",
                     files: [a, file("b.md", seed: 3)],
                     items: [item("a.md", checksum: digest(1).hex), item("b.md", checksum: digest(3).hex.uppercased())],
                     expected: PlanSummary(adoptions: ["a.md:checksum(SyncCore.ChecksumAlgorithm.sha256)", "b.md:checksum(SyncCore.ChecksumAlgorithm.sha256)"],
                                           skips: ["a.md:unchanged", "b.md:unchanged"])),
            PlanCase(name: "fresh host, md5 checksum → adopt", files: [file("a.md", seed: 1, md5: true, sha1: true)],
                     items: [item("a.md", checksum: "\"\(md5Hex(1))\"")],
                     expected: PlanSummary(adoptions: ["a.md:checksum(SyncCore.ChecksumAlgorithm.md5)"], skips: ["a.md:unchanged"])),
            PlanCase(name: "fresh host, opaque checksum, same size → verify by download", files: [a],
                     items: [item("a.md", checksum: "v1:xyz", size: 100)], expected: PlanSummary(verifications: ["a.md"])),
            PlanCase(name: "fresh host, opaque checksum, other size → upload", files: [a],
                     items: [item("a.md", checksum: "v1:xyz", size: 101)], expected: PlanSummary(uploads: ["a.md:changed"])),
            PlanCase(name: "fresh host, metadata digest → adopt", files: [a],
                     items: [item("a.md", checksum: "v1:xyz", metadata: [SyncMetadata.sha256Field: .string(digest(1).hex)])],
                     expected: PlanSummary(adoptions: ["a.md:metadataDigest"], skips: ["a.md:unchanged"])),
            PlanCase(name: "metadata digest of other content → upload", files: [a],
                     items: [item("a.md", checksum: "v1:xyz", metadata: [SyncMetadata.sha256Field: .string(digest(7).hex)])],
                     expected: PlanSummary(uploads: ["a.md:changed"])),
            PlanCase(name: "known sha256 kind, checksum differs → upload", files: [a], items: [item("a.md", checksum: digest(5).hex)],
                     state: SyncState(scope: testScope, checksumKind: .sha256), expected: PlanSummary(uploads: ["a.md:changed"])),
            PlanCase(name: "opaque state record vouches for the same checksum → no download", files: [aUnhashed],
                     items: [item("a.md", checksum: "v1:xyz")], state: recorded([(a, "v1:xyz", 1)], kind: .opaque),
                     expected: PlanSummary(skips: ["a.md:unchanged"])),
            PlanCase(name: "remote changed by someone else → upload ours", files: [a], items: [item("a.md", checksum: "v1:new")],
                     state: recorded([(a, "v1:old", 1)], kind: .opaque), expected: PlanSummary(uploads: ["a.md:remoteChanged"])),
            PlanCase(name: "recorded item gone → upload remoteMissing", files: [a], items: [],
                     state: recorded([(a, "c1", 1)]), expected: PlanSummary(uploads: ["a.md:remoteMissing"])),
            PlanCase(name: "file now ignored → its item is deleted",
                     files: [file("a.md", seed: 1, eligibility: .ineligible(.ignored(rule: "*.md"))), file("b.md", seed: 2)],
                     items: [item("a.md"), item("b.md", checksum: "c2")], state: recorded([(file("b.md", seed: 2), "c2", 2)]),
                     expected: PlanSummary(deletes: ["a.md:becameIneligible"], skips: ["a.md:ineligible(ignored)", "b.md:unchanged"])),
            PlanCase(name: "unreadable file keeps its item",
                     files: [file("a.md", seed: 1, eligibility: .ineligible(.unreadable(reason: "EACCES")))],
                     items: [item("a.md")], expected: PlanSummary(skips: ["a.md:ineligible(unreadable)"])),
            PlanCase(name: "duplicate items of one key → extra deleted",
                     files: [a], items: [item("a.md", id: "old", checksum: "c0", createdAt: "2026-01-01T00:00:00Z"),
                                         item("a.md", id: "new", checksum: "c1", createdAt: "2026-02-01T00:00:00Z")],
                     state: SyncState(scope: testScope, entries: [a.key: StateEntry(path: "a.md", identity: FileIdentity(a.status), sha256: digest(1),
                         remote: RemoteRecord(itemID: "new", checksum: "c1", status: .completed, contentSHA256: digest(1)))]),
                     expected: PlanSummary(deletes: ["a.md:duplicate"], skips: ["a.md:unchanged"])),
            PlanCase(name: "gone from tree and instance → forgotten", files: [b], items: [item("b.md", checksum: "c2")],
                     state: recorded([(a, nil, 1), (b, "c2", 2)]), expected: PlanSummary(skips: ["b.md:unchanged"], forgotten: ["a.md"])),
            PlanCase(name: "ineligible with no item → reported only",
                     files: [file("big.md", seed: 1, eligibility: .ineligible(.tooLarge(size: 5_000_000, limit: 4_194_304)))], items: [],
                     expected: PlanSummary(skips: ["big.md:ineligible(too_large)"])),
            PlanCase(name: "no digest and no matching state → reported, not guessed", files: [aUnhashed], items: [],
                     expected: PlanSummary(skips: ["a.md:digestUnavailable"])),
            PlanCase(name: "item already being deleted counts as absent", files: [a],
                     items: [{ var deleting = item("a.md", checksum: digest(1).hex); deleting.nextAction = .delete; return deleting }()],
                     expected: PlanSummary(uploads: ["a.md:new"])),
        ]
    }()

    @Test(arguments: cases)
    func planMatchesTheRule(_ row: PlanCase) {
        let result = plan(local: LocalSnapshot(files: row.files), remote: RemoteListing(items: row.items), state: row.state, options: row.options)
        #expect(PlanSummary(result) == row.expected, "\(row.name)")
        #expect(result.deleteGuard == nil)
        #expect(result.deleteRefusal == nil)
    }
}

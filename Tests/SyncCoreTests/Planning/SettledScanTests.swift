import AISearchAPI
import FileWatch
import Foundation
import Hashing
import LinuxSystem
import Testing
@testable import AISearchAPI
@testable import SyncCore

/// A full scan that settles unchanged files against the state's records (keeping no record of
/// them) must plan exactly as the scan that keeps every file: real trees, random states, every
/// kind of row the settling rule has to refuse.
@Suite struct SettledScanTests {
    static let instance = RecordedInstance(namespace: "default", itemSource: "builtin")

    /// The listing a full comparison would get: the records as items, each perhaps changed the
    /// ways a server or another writer changes them, some missing, some repeated, some foreign.
    static func perturbedListing(of state: SyncState, using random: inout SeededGenerator) -> RemoteListing {
        var items: [Item] = []
        for (key, entry) in state.entries {
            guard var item = instance.item(key, entry) else { continue }
            item.createdAt = "2026-01-01T00:00:00Z"
            switch Int.random(in: 0..<14, using: &random) {
            case 0: continue                                              // gone from the listing
            case 1: item.status = Item.Status.allCases.randomElement(using: &random)!
            case 2: item.checksum = "changed-elsewhere"
            case 3: item.metadata = [SyncMetadata.ownerField: .string("someone-else")]
            case 4: item.metadata = [SyncMetadata.ownerField: .string("me")]
            case 5: item.metadata = [SyncMetadata.sha256Field: .string(SHA256.hash(Array("x".utf8)).hex)]
            case 6: item.sourceID = "another-source"
            case 7: item.nextAction = .delete
            case 8: item.checksum = "\"" + item.checksum.uppercased() + "\""  // the same checksum, ETag-style
            case 9:                                                       // listed twice, another id first
                var other = item
                other.id = "dddddddd-0000-4000-8000-\(String(format: "%012d", items.count))"
                other.createdAt = "2026-02-01T00:00:00Z"
                items.append(other)
            default: break
            }
            items.append(item)
        }
        // An item nobody recorded, under a key a file may have.
        items.append(Item(id: "eeeeeeee-0000-4000-8000-000000000000", key: "docs/f1.md", checksum: "abc", createdAt: "2026-01-01T00:00:00Z",
                          lastSeenAt: "", fileSize: 9, namespace: "default", sourceID: "builtin", status: .completed))
        return RemoteListing(items: items.shuffled(using: &random))
    }

    /// What a round plans against.
    enum Against: CaseIterable {
        /// The state's records (`RemoteListing.recorded`).
        case records
        /// A listing of `Item`s.
        case listing
        /// That listing folded into the state (`ListingFold`), shown as decoded items.
        case foldedItems
        /// That listing folded into the state as a page's bytes.
        case foldedPage
    }

    /// `listing` folded into `state` as a full comparison folds it.
    static func folded(_ listing: RemoteListing, into state: SyncState, rules: TreeScanner.Settling, asPage: Bool) throws -> RemoteListing {
        var fold = ListingFold(state: state, rules: rules, instance: instance)
        let left = try ListingFoldTests.show(listing.items, to: &fold, asPage: asPage)
        var folded = RemoteListing(items: left + fold.itemsTakenBack)
        folded.folded = fold.folded(revision: 0)
        folded.folded?.foldedFrom = nil  // as a round lets it go before planning
        return folded
    }

    @Test(arguments: 0..<24, Against.allCases)
    func settlingUnchangedFilesPlansExactlyAsKeepingThem(seed: Int, against: Against) throws {
        let againstAListing = against != .records
        var random = SeededGenerator(seed: UInt64(seed))
        let directory = TemporaryDirectory()
        let keyPrefix = Bool.random(using: &random) ? "docs/" : ""
        let scanner = TreeScanner(root: directory.path, keyMapper: try KeyMapper(prefix: keyPrefix), policy: EligibilityPolicy(),
                                  ignoreRules: IgnoreRules(includeDefaults: false, extraPatterns: ["skip-*"]))
        let now = Int64(Date.now.timeIntervalSince1970 * 1e9)
        // A state written an hour from now: no file is racy. Written an hour ago: every file is.
        let racy = Int.random(in: 0..<6, using: &random) == 0
        var state = SyncState(scope: testScope, checksumKind: .sha256, lastWriteNanoseconds: now + (racy ? -3_600 : 3_600) * 1_000_000_000)
        let longName = String(repeating: "long-name-", count: 14)
        for index in 0..<40 {
            let name = switch index % 10 {
            case 7: "skip-\(index).md"          // ignored by a rule
            case 8: "\(longName)\(index).md"    // a shortened key
            case 9: "f\(index).bin"             // unsupported type
            default: "f\(index).md"
            }
            let content = Array("content \(Int.random(in: 0..<2, using: &random))".utf8)
            let exists = Int.random(in: 0..<8, using: &random) > 0
            if exists { try directory.write(content, to: name) }
            guard Int.random(in: 0..<6, using: &random) > 0 else { continue }  // no state entry
            let path = FilePathBytes(name)
            guard let key = try? scanner.keyMapper.key(for: path) else { continue }
            let status = exists ? try FileStatus.of(directory.path.appending(path)) : nil
            // The recorded content: the file's own, or an older one.
            let recordedContent = Bool.random(using: &random) ? content : Array("older".utf8)
            let sha256 = SHA256.hash(recordedContent)
            let identity: FileIdentity? = switch Int.random(in: 0..<5, using: &random) {
            case 0: nil
            case 1: status.map { FileIdentity(device: $0.device, inode: $0.inode, size: $0.size + 1,
                                              modificationTimeNanoseconds: $0.modificationTimeNanoseconds,
                                              changeTimeNanoseconds: $0.changeTimeNanoseconds) }
            default: status.map(FileIdentity.init)
            }
            let remote: RemoteRecord? = Int.random(in: 0..<6, using: &random) == 0 ? nil
                : RemoteRecord(itemID: "0474ef3e-27aa-4aac-a054-875ba7c2ac\(String(index, radix: 16).count == 1 ? "0" : "")\(String(index, radix: 16))",
                               checksum: [sha256.hex, "", "opaque-\(index)"].randomElement(using: &random)!,
                               status: Item.Status.allCases.randomElement(using: &random)!,
                               contentSHA256: Bool.random(using: &random) ? sha256 : SHA256.hash(Array("other".utf8)))
            let recordedPath = Int.random(in: 0..<12, using: &random) == 0 ? FilePathBytes("moved/\(name)") : path
            state.entries[key] = StateEntry(path: recordedPath, identity: identity, sha256: sha256, remote: remote)
        }
        // One file exactly as recorded, healthy: settled unless the state is racy.
        try directory.write(Array("anchor".utf8), to: "anchor.md")
        let anchor = SHA256.hash(Array("anchor".utf8))
        state.entries[ItemKey(keyPrefix + "anchor.md")] = StateEntry(
            path: FilePathBytes("anchor.md"), identity: FileIdentity(try FileStatus.of(directory.path.appending(FilePathBytes("anchor.md")))),
            sha256: anchor, remote: RemoteRecord(itemID: "id-anchor", checksum: anchor.hex, status: .completed, contentSHA256: anchor))
        var options = PlanOptions(keyPrefix: keyPrefix, nowNanoseconds: now, owner: "me")
        options.itemSource = "builtin"
        let listed = againstAListing ? Self.perturbedListing(of: state, using: &random) : RemoteListing.recorded(Self.instance)
        let settling = TreeScanner.Settling(keyPrefix: keyPrefix, itemSource: "builtin", owner: "me")
        // Kept: every file, against the listing as listed. Settled: against it folded, if folded.
        let remote = switch against {
        case .records, .listing: listed
        case .foldedItems, .foldedPage: try Self.folded(listed, into: state, rules: settling, asPage: against == .foldedPage)
        }

        let kept = scanner.scanAll(state: state, remoteItems: ItemsByKey(listed, state: state))
        let settled = scanner.scanAll(state: state, remoteItems: ItemsByKey(remote, state: state), settling: settling)
        #expect(kept.snapshot.settled.isEmpty)
        #expect(settled.snapshot.fileCount == kept.snapshot.fileCount)
        #expect(settled.snapshot.files.count + settled.snapshot.settled.count == kept.snapshot.files.count)
        if racy { #expect(settled.snapshot.settled.isEmpty, "a racy identity proves nothing") }

        var keptState = state, settledState = state
        keptState.apply(kept.stateChanges)
        settledState.apply(settled.stateChanges)
        #expect(keptState == settledState)
        let planKept = plan(local: kept.snapshot, remote: listed, state: keptState, options: options)
        let planSettled = plan(local: settled.snapshot, remote: remote, state: settledState, options: options)
        #expect(planKept == planSettled, "\(PlanSummary(planKept)) vs \(PlanSummary(planSettled))")
        // The comparison proves nothing unless something was settled: the anchor always is,
        // unless the listing changed its item.
        let anchorItems = listed.items.filter { $0.key == keyPrefix + "anchor.md" }
        let anchorListedAsRecorded = anchorItems.count == 1 && anchorItems[0].status == .completed && anchorItems[0].checksum == anchor.hex
            && anchorItems[0].metadata == nil && anchorItems[0].sourceID == "builtin" && anchorItems[0].nextAction == nil
        let anchorRow = try #require(state.entries.rowNumber(of: ItemKey(keyPrefix + "anchor.md")))
        if !racy && (!againstAListing || anchorListedAsRecorded) { #expect(settled.snapshot.settled.contains(anchorRow)) }
        // The fold took the anchor's item when it was listed as recorded (the state racy or not),
        // and never when its key was listed more than once.
        if against == .foldedItems || against == .foldedPage {
            let folded = remote.folded?.rows.contains(anchorRow) == true
            if anchorListedAsRecorded { #expect(folded) }
            if anchorItems.count != 1 { #expect(!folded) }
        }
    }

    @Test func aHealthyUnchangedFileIsSettledAndAChangedOneIsNot() throws {
        let directory = TemporaryDirectory()
        try directory.write(Array("same".utf8), to: "same.md")
        try directory.write(Array("edited".utf8), to: "edited.md")
        let scanner = TreeScanner(root: directory.path, keyMapper: try KeyMapper(), policy: EligibilityPolicy())
        var state = SyncState(scope: testScope, checksumKind: .sha256, lastWriteNanoseconds: Int64.max / 2)
        for name in ["same.md", "edited.md"] {
            let status = try FileStatus.of(directory.path.appending(FilePathBytes(name)))
            let sha256 = SHA256.hash(Array("same".utf8))
            state.entries[ItemKey(name)] = StateEntry(
                path: FilePathBytes(name), identity: FileIdentity(name == "same.md" ? status : FileStatus(copying: status, size: 4)),
                sha256: sha256, remote: RemoteRecord(itemID: "id-\(name)", checksum: sha256.hex, status: .completed, contentSHA256: sha256))
        }
        let scan = scanner.scanAll(state: state, remoteItems: ItemsByKey(.recorded(Self.instance), state: state), settling: TreeScanner.Settling(keyPrefix: "", itemSource: "builtin", owner: "me"))
        #expect(scan.snapshot.settled.count == 1)
        #expect(scan.snapshot.settled.contains(try #require(state.entries.rowNumber(of: ItemKey("same.md")))))
        #expect(scan.snapshot.files.map(\.key) == [ItemKey("edited.md")])
        #expect(scan.filesHashed == 1)
    }

    /// The delete limit is a share of every item we own, the settled files' items included: six
    /// of ten files unchanged (settled against the listing) and four deleted is 40%, under a 50%
    /// limit. Counting only the items the planner looked at would make it 4 of 4, refused.
    @Test func theDeleteLimitCountsTheItemsOfSettledFiles() throws {
        let directory = TemporaryDirectory()
        let scanner = TreeScanner(root: directory.path, keyMapper: try KeyMapper(), policy: EligibilityPolicy())
        var state = SyncState(scope: testScope, checksumKind: .sha256, lastWriteNanoseconds: Int64.max / 2)
        var items: [Item] = []
        for index in 0..<10 {
            let name = "f\(index).md"
            let content = Array("content \(index)".utf8)
            let sha256 = SHA256.hash(content)
            try directory.write(content, to: name)
            let status = try FileStatus.of(directory.path.appending(FilePathBytes(name)))
            let id = "0474ef3e-27aa-4aac-a054-875ba7c2ac0\(index)"
            state.entries[ItemKey(name)] = StateEntry(path: FilePathBytes(name), identity: FileIdentity(status), sha256: sha256,
                                                      remote: RemoteRecord(itemID: id, checksum: sha256.hex, status: .completed, contentSHA256: sha256))
            items.append(Item(id: id, key: name, checksum: sha256.hex, createdAt: "", lastSeenAt: "", namespace: "default",
                              sourceID: "builtin", status: .completed))
        }
        for index in 6..<10 { try removeFile(directory.path.appending(FilePathBytes("f\(index).md"))) }
        let remote = RemoteListing(items: items)
        let scan = scanner.scanAll(state: state, remoteItems: ItemsByKey(remote, state: state),
                                   settling: TreeScanner.Settling(keyPrefix: "", itemSource: "builtin", owner: "me"))
        #expect(scan.snapshot.settled.count == 6)
        var options = PlanOptions(keyPrefix: "", nowNanoseconds: 0, maxDelete: .percent(50), owner: "me")
        options.itemSource = "builtin"
        let planned = plan(local: scan.snapshot, remote: remote, state: state, options: options)
        #expect(planned.deleteRefusal == nil)
        #expect(planned.deletes.map(\.key).sorted() == (6..<10).map { ItemKey("f\($0).md") })
    }
}

private extension FileStatus {
    /// `status` with another size: a file whose recorded identity no longer matches.
    init(copying status: FileStatus, size: Int64) {
        self = status
        self.size = size
    }
}

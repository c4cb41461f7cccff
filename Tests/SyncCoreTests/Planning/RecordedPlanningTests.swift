import AISearchAPI
import Hashing
import LinuxSystem
import Testing
@testable import SyncCore

/// Planning against the state's records in place (`RemoteListing.recorded`) must give exactly the
/// plan of a listing made of those records: random states and trees, every kind of row.
@Suite struct RecordedPlanningTests {
    static let instance = RecordedInstance(namespace: "default", itemSource: "builtin")

    /// The listing the state's records stand for, spelled out as items.
    static func listing(of state: SyncState) -> RemoteListing {
        RemoteListing(items: state.entries.compactMap { instance.item($0.key, $0.value) })
    }

    @Test(arguments: 0..<30)
    func recordedPlanningEqualsPlanningAgainstTheRecordsAsItems(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        var state = SyncState(scope: testScope, checksumKind: [.unknown, .sha256, .md5, .opaque].randomElement(using: &random)!,
                              lastWriteNanoseconds: 10_000_000_000_000)
        var files: [LocalFile] = []
        for index in 0..<40 {
            let name = "f\(index).md"
            let content = Int.random(in: 0..<3, using: &random)
            // The file: absent, unchanged (no digest, identity as recorded), or hashed now with some content.
            let local = file(name, seed: content, hashed: Bool.random(using: &random))
            switch Int.random(in: 0..<6, using: &random) {
            case 0: break
            case 1: files.append(file(name, seed: content, eligibility: .ineligible(.ignored(rule: "*.md"))))
            default: files.append(local)
            }
            guard Int.random(in: 0..<5, using: &random) > 0 else { continue }  // no state entry
            let recordedContent = Bool.random(using: &random) ? content : content + 1
            let key = index % 13 == 0 ? ItemKey("elsewhere/\(name)") : local.key
            let checksum = [digest(recordedContent).hex, "", "  ", "opaque-\(index)", "\"" + md5Hex(recordedContent) + "\""]
                .randomElement(using: &random)!
            let remote = Int.random(in: 0..<4, using: &random) == 0 ? nil
                : RemoteRecord(itemID: Bool.random(using: &random) ? "0474ef3e-27aa-4aac-a054-875ba7c2ac\(String(format: "%02x", index))" : "id-\(index)",
                               checksum: checksum, status: Item.Status.allCases.randomElement(using: &random)!,
                               contentSHA256: digest(recordedContent), reindexAttempts: Int.random(in: 0..<4, using: &random))
            state.entries[key] = StateEntry(path: local.path, identity: Bool.random(using: &random) ? FileIdentity(local.status) : nil,
                                            sha256: digest(recordedContent), remote: remote)
        }
        var options = defaultOptions
        options.itemSource = "builtin"
        let local = LocalSnapshot(files: files)
        let inPlace = plan(local: local, remote: .recorded(Self.instance), state: state, options: options)
        let spelledOut = plan(local: local, remote: Self.listing(of: state), state: state, options: options)
        #expect(inPlace == spelledOut, "\(PlanSummary(inPlace)) vs \(PlanSummary(spelledOut))")
    }
}

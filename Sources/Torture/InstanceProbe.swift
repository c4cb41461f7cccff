import AISearchAPI
import Emulator
import Foundation
import Hashing
import SyncCore

/// The torture's view of the instance, through the public API over HTTP like any client: the
/// item listing and each item's downloaded bytes. Polls with faults off, so its own requests never
/// meet an injected failure (they are counted in the emulator's totals all the same).
public struct InstanceProbe: Sendable {
    public let client: AISearchClient
    public let instance: String
    public let checksumMode: EmulatorConfiguration.ChecksumMode

    public init(client: AISearchClient, instance: String, checksumMode: EmulatorConfiguration.ChecksumMode) {
        self.client = client
        self.instance = instance
        self.checksumMode = checksumMode
    }

    /// Items the instance holds for good: one being deleted (`next_action: DELETE`) is gone.
    public func listing() async throws -> [Item] {
        try await client.listAllItems(in: instance, query: ItemListQuery(perPage: 50)).filter { $0.nextAction != .delete }
    }

    /// Whether the listing alone already agrees with `local`: the same keys, and the same SHA-256
    /// when the emulator reports one (otherwise the same sizes, since `opaque` and `md5`
    /// checksums are not something we compute here). A cheap test before downloading everything.
    public func listingAgrees(_ items: [Item], with local: [String: [UInt8]]) -> Bool {
        guard items.count == local.count, Set(items.map(\.key)) == Set(local.keys) else { return false }
        return items.allSatisfy { item in
            guard let content = local[item.key] else { return false }
            if checksumMode == .sha256 { return item.checksum == SHA256.hash(content).hex }
            return item.fileSize.map { Int($0) == content.count } ?? true
        }
    }

    /// Downloads every listed item: key → bytes, and the keys listed more than once with how often.
    public func contents(of items: [Item]) async throws -> (contents: [String: [UInt8]], duplicates: [String: Int]) {
        var contents: [String: [UInt8]] = [:]
        var seen: [String: Int] = [:]
        for item in items {
            seen[item.key, default: 0] += 1
            contents[item.key] = try await client.downloadItem(item.id, in: instance)
        }
        return (contents, seen.filter { $0.value > 1 })
    }

    /// Polls until the instance equals `local` byte for byte or `limit` passes; the divergences
    /// of the last comparison (empty: quiescent). Listing errors count as "not yet".
    public func awaitQuiescence(local: [String: [UInt8]], within limit: Duration,
                                poll: Duration = .milliseconds(500)) async -> [Divergence] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let items = try? await listing(), listingAgrees(items, with: local),
               let remote = try? await contents(of: items),
               FolderComparison.divergences(local: local, remote: remote.contents, duplicates: remote.duplicates).isEmpty {
                return []
            }
            try? await Task.sleep(for: poll)
        }
        do {
            let items = try await listing()
            let remote = try await contents(of: items)
            return FolderComparison.divergences(local: local, remote: remote.contents, duplicates: remote.duplicates)
        } catch {
            return [Divergence(key: "(instance)", kind: .unreadable("\(error)"))]
        }
    }
}

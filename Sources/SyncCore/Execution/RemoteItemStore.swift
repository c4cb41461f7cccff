import AISearchAPI

/// The item calls the sync engine makes, for one instance. The seam between the engine and the
/// network: production passes `ClientItemStore`, tests may pass anything that behaves like the API.
public protocol RemoteItemStore: Sendable {
    func listAll() async throws -> [Item]
    /// The whole listing with the total the server reported (a default reports none).
    func listing() async throws -> ItemListing
    /// `listing()`, each item shown to `fold` first: the items it takes are left out of `items`
    /// (the default decodes the listing, then folds it).
    func listing(folding fold: inout ListingFold) async throws -> ItemListing
    func upload(key: ItemKey, contents: [UInt8], metadata: [String: JSONValue]?, waitForCompletion: Bool) async throws -> Item
    func reindex(itemID: String, waitForCompletion: Bool) async throws -> Item
    func delete(itemID: String) async throws
    func download(itemID: String) async throws -> [UInt8]
    func get(itemID: String) async throws -> Item
    func lastLogMessage(itemID: String) async throws -> String?
    /// One cheap request's evidence of the instance (see `RemoteFingerprint`); nil when this store
    /// cannot give any (the engine then always lists everything).
    func fingerprintEvidence() async throws -> RemoteFingerprint.Evidence?
    /// Called before a plan's requests are sent: a store may batch work (an R2 bulk load writes
    /// the bucket and indexes with one sync job instead of one request per key).
    func roundWillStart(uploads: Int, deletes: Int) async
    /// Called after the plan's requests: a store that batched work finishes it here.
    func roundDidEnd(waitForCompletion: Bool) async -> RoundCompletion
}

/// What a store did at the end of a round (see `RemoteItemStore.roundDidEnd`).
public struct RoundCompletion: Sendable, Hashable {
    public var requests = 0
    /// The sync job started for the round, if any.
    public var jobID: String?
    /// Why the round's changes may not be indexed yet; nil when all is well.
    public var failure: String?

    public init() {}
}

/// A whole listing and the total the server reported with it.
public struct ItemListing: Sendable {
    public var items: [Item]
    /// `result_info.total_count` of the last page; nil when the server gave none.
    public var reportedTotal: Int?

    /// Distinct items a fold took (`ListingFold.rows`): listed, not in `items`.
    public var folded = 0

    public init(items: [Item], reportedTotal: Int?) {
        self.items = items
        self.reportedTotal = reportedTotal
    }

    /// Distinct items seen fall short of the total: offset paging shifted under us (items changed
    /// status or were deleted while we paged), so some items were skipped.
    public var isShort: Bool { reportedTotal.map { items.count + folded < $0 } ?? false }
}

extension RemoteItemStore {
    public func fingerprintEvidence() async throws -> RemoteFingerprint.Evidence? { nil }

    /// The listing with its reported total; stores that cannot tell the total report nil.
    public func listing() async throws -> ItemListing { ItemListing(items: try await listAll(), reportedTotal: nil) }

    public func listing(folding fold: inout ListingFold) async throws -> ItemListing {
        var listing = try await listing()
        var left: [Item] = []
        for item in listing.items where !fold.consumes(item) { left.append(item) }  // in listing order
        listing.items = left
        return listing
    }

    public func roundWillStart(uploads: Int, deletes: Int) async {}
    public func roundDidEnd(waitForCompletion: Bool) async -> RoundCompletion { RoundCompletion() }
}

/// `RemoteItemStore` over the real client.
public struct ClientItemStore: RemoteItemStore {
    public let client: AISearchClient
    public let instance: String

    public init(client: AISearchClient, instance: String) {
        self.client = client
        self.instance = instance
    }

    public func listAll() async throws -> [Item] {
        try await listing().items
    }

    /// Every page, 50 items each (the most the API gives), each item read for what a plan
    /// compares: its metadata only for our owner and digest fields.
    static let comparedListing = ItemListQuery(
        perPage: 50, comparedFields: ItemListQuery.ComparedFields(metadata: [SyncMetadata.ownerField, SyncMetadata.sha256Field]))

    public func listing() async throws -> ItemListing {
        let listed = try await client.listAllItemsWithTotal(in: instance, query: Self.comparedListing)
        return ItemListing(items: listed.items, reportedTotal: listed.totalCount)
    }

    /// Folded page by page, each item compared where it lies in its page (`ListingFold`).
    public func listing(folding fold: inout ListingFold) async throws -> ItemListing {
        let listed = try await client.listAllItems(in: instance, query: Self.comparedListing, folding: &fold)
        return ItemListing(items: listed.items, reportedTotal: listed.totalCount)
    }

    public func upload(key: ItemKey, contents: [UInt8], metadata: [String: JSONValue]?, waitForCompletion: Bool) async throws -> Item {
        try await client.uploadItem(to: instance, key: key.rawValue, contents: contents, metadata: metadata,
                                    waitForCompletion: waitForCompletion)
    }

    public func reindex(itemID: String, waitForCompletion: Bool) async throws -> Item {
        try await client.syncItem(itemID, in: instance, waitForCompletion: waitForCompletion)
    }

    public func delete(itemID: String) async throws {
        do {
            _ = try await client.deleteItem(itemID, in: instance)
        } catch let error as APIError where error.status == 404 {
            return  // already gone: the goal of a delete
        }
    }

    public func download(itemID: String) async throws -> [UInt8] {
        try await client.downloadItem(itemID, in: instance)
    }

    public func get(itemID: String) async throws -> Item {
        try await client.getItem(itemID, in: instance)
    }

    public func fingerprintEvidence() async throws -> RemoteFingerprint.Evidence? {
        let page = try await client.listItems(in: instance, query: ItemListQuery(sortBy: .modifiedAt, page: 1, perPage: 50))
        guard let total = page.totalCount else { return nil }
        return RemoteFingerprint.Evidence(totalCount: total, newest: page.items)
    }

    public func lastLogMessage(itemID: String) async throws -> String? {
        let logs = try await client.itemLogs(itemID, in: instance, limit: 20)
        return logs.items.last(where: { $0.message?.isEmpty == false })?.message
    }
}

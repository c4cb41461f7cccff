/// Items: `…/instances/{id}/items[/{item_id}[/logs|/chunks|/download]]`.
extension AISearchClient {
    /// One page of items.
    public func listItems(in instance: String, query: ItemListQuery = ItemListQuery()) async throws -> Page<Item> {
        var keepEveryItem = KeepEveryItem()
        return try await itemPage(itemsCall(in: instance, query: query), folding: &keepEveryItem).page
    }

    /// The request for one page of `query`.
    func itemsCall(in instance: String, query: ItemListQuery) -> Call {
        var call = Call(.get, paths.items(instance), query: query.parameters)
        call.comparedFields = query.comparedFields
        return call
    }

    /// The pages of a listing, fetched one at a time as they are iterated, from `query.page`
    /// (default 1) with `query.perPage` (default 50). See `ItemPages` for when it stops.
    public func itemPages(in instance: String, query: ItemListQuery = ItemListQuery()) -> ItemPages {
        ItemPages(client: self, instance: instance, query: query)
    }

    /// Every item matching `query`, all pages, each item once (by id; the later copy wins if the
    /// listing shifted between pages).
    public func listAllItems(in instance: String, query: ItemListQuery = ItemListQuery()) async throws -> [Item] {
        try await listAllItemsWithTotal(in: instance, query: query).items
    }

    /// Every page, merged by id (a later copy of an item wins), and `result_info.total_count` of
    /// the last page that gave one: fewer distinct items than that total means pages shifted.
    public func listAllItemsWithTotal(in instance: String, query: ItemListQuery = ItemListQuery()) async throws
        -> (items: [Item], totalCount: Int?) {
        var keepEveryItem = KeepEveryItem()
        let listed = try await listAllItems(in: instance, query: query, folding: &keepEveryItem)
        return (listed.items, listed.totalCount)
    }

    /// `listAllItemsWithTotal`, each item shown to `fold` first (`ListedItemFold`): `items` are
    /// the ones it left, merged by id; `listed` counts every item of every page.
    public func listAllItems(in instance: String, query: ItemListQuery = ItemListQuery(), folding fold: inout some ListedItemFold) async throws
        -> (items: [Item], listed: Int, totalCount: Int?) {
        var items: [Item] = []
        var positions: [String: Int] = [:]
        var total: Int?
        var listed = 0
        var pages = itemPages(in: instance, query: query).makeAsyncIterator()
        while let (page, pageListed) = try await pages.next(folding: &fold) {
            listed += pageListed
            total = page.totalCount ?? total
            if items.isEmpty, !fold.showsItems, let total {
                // Sized once from the first page's total: an [Item] doubling through 100,000 items
                // held the old and the new buffer at once (about 35 MB more at the peak). Not
                // through a fold, which usually leaves few.
                items.reserveCapacity(min(total, 1_000_000))
                positions.reserveCapacity(min(total, 1_000_000))
            }
            for item in page.items {
                if let position = positions[item.id] { items[position] = item } else {
                    positions[item.id] = items.count
                    items.append(item)
                }
            }
        }
        return (items, listed, total)
    }

    /// Uploads `contents` as the item `key` (multipart/form-data, at most 4 MB and a 128-character
    /// key); uploading an existing key replaces that item.
    /// - Parameters:
    ///   - metadata: custom metadata (the instance's declared fields), sent as a JSON string part.
    ///   - waitForCompletion: answer only once indexing is done (up to about 40 s).
    public func uploadItem(to instance: String, key: String, contents: [UInt8], metadata: [String: JSONValue]? = nil,
                           waitForCompletion: Bool = false) async throws -> Item {
        var form = MultipartFormData(boundary: boundary(avoiding: contents))
        form.append(name: "file", filename: key, contents: contents)
        if let metadata { form.append(name: "metadata", value: JSONValue.object(metadata).jsonText) }
        if waitForCompletion { form.append(name: "wait_for_completion", value: "true") }
        var call = Call(.post, paths.items(instance))
        call.body = form.encoded()
        call.contentType = form.contentType
        call.waitsForCompletion = waitForCompletion
        return try await result(call)
    }

    /// Creates or updates the item `key` from what the instance's source holds (no content sent).
    public func createOrUpdateItem(in instance: String, key: String, waitForCompletion: Bool = false) async throws -> Item {
        var call = try Call(.put, paths.items(instance))
            .json(IndexBody(key: key, waitForCompletion: waitForCompletion ? true : nil))
        call.waitsForCompletion = waitForCompletion
        return try await result(call)
    }

    public func getItem(_ itemID: String, in instance: String) async throws -> Item {
        try await result(Call(.get, paths.item(itemID, in: instance)))
    }

    /// Re-indexes one item (`PATCH`, `next_action: INDEX`).
    public func syncItem(_ itemID: String, in instance: String, waitForCompletion: Bool = false) async throws -> Item {
        var call = try Call(.patch, paths.item(itemID, in: instance))
            .json(IndexBody(waitForCompletion: waitForCompletion ? true : nil))
        call.waitsForCompletion = waitForCompletion
        return try await result(call)
    }

    /// Deletes the item (its file and its index entries); answers its key.
    @discardableResult
    public func deleteItem(_ itemID: String, in instance: String) async throws -> DeletedItem {
        try await result(Call(.delete, paths.item(itemID, in: instance)))
    }

    /// Processing logs of an item, newest first; pass `page.nextCursor` to get older ones.
    public func itemLogs(_ itemID: String, in instance: String, cursor: String? = nil, limit: Int? = nil) async throws
        -> Page<ItemLog> {
        var query: [(name: String, value: String)] = []
        query.add("cursor", cursor)
        query.add("limit", limit)
        return try await page(Call(.get, paths.item(itemID, in: instance) + "/logs", query: query))
    }

    public func itemChunks(_ itemID: String, in instance: String, limit: Int? = nil, offset: Int? = nil) async throws
        -> Page<ItemChunk> {
        var query: [(name: String, value: String)] = []
        query.add("limit", limit)
        query.add("offset", offset)
        return try await page(Call(.get, paths.item(itemID, in: instance) + "/chunks", query: query))
    }

    /// The largest download accepted: 4 MiB, the service's upload limit (no item can be larger).
    public static let maxDownloadBytes = 4 * 1024 * 1024

    /// The item's file, byte for byte; over `maxDownloadBytes` throws `TransportError`
    /// `.responseTooLarge`.
    public func downloadItem(_ itemID: String, in instance: String) async throws -> [UInt8] {
        var call = Call(.get, paths.item(itemID, in: instance) + "/download")
        call.accept = "application/octet-stream"
        call.maxResponseBytes = Self.maxDownloadBytes
        return try await rawBody(call)
    }

    /// The injected boundary, unless it occurs in the contents (then a random one that does not).
    private func boundary(avoiding contents: [UInt8]) -> String {
        var boundary = makeBoundary()
        while MultipartFormData.contains(boundary: boundary, in: contents) {
            boundary = MultipartFormData.randomBoundary()
        }
        return boundary
    }
}

/// `{key?, next_action: "INDEX", wait_for_completion?}`.
struct IndexBody: Encodable {
    var key: String?
    var nextAction = "INDEX"
    var waitForCompletion: Bool?

    init(key: String? = nil, waitForCompletion: Bool?) {
        self.key = key
        self.waitForCompletion = waitForCompletion
    }

    enum CodingKeys: String, CodingKey {
        case key
        case nextAction = "next_action"
        case waitForCompletion = "wait_for_completion"
    }
}

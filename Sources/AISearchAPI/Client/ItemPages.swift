/// The pages of an item listing, fetched lazily, one request per page.
///
/// Stops after the first page that is empty, or shorter than the page size the server used
/// (`result_info.per_page`, else the size asked for), or that brings the count of items seen to
/// `result_info.total_count`. The last page is always yielded. It cannot loop forever on a
/// misbehaving server: a full page whose ids equal the previous page's (a server ignoring `page`)
/// ends the listing, and so does the 10,000th page.
public struct ItemPages: AsyncSequence, Sendable {
    public typealias Element = Page<Item>

    let client: AISearchClient
    let instance: String
    let query: ItemListQuery
    static let maximumPages = 10_000

    public func makeAsyncIterator() -> Iterator {
        Iterator(pages: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let pages: ItemPages
        var nextPage: Int
        let perPage: Int
        var seen = 0
        var fetched = 0
        var previousIDs: ItemIDsDigest?
        var finished = false

        init(pages: ItemPages) {
            self.pages = pages
            nextPage = Swift.max(pages.query.page ?? 1, 1)
            perPage = clampPerPage(pages.query.perPage ?? 50)
        }

        public mutating func next() async throws -> Page<Item>? {
            var keepEveryItem = KeepEveryItem()
            return try await next(folding: &keepEveryItem)?.page
        }

        /// The next page, its items shown to `fold` first (`ListedItemFold`): `page.items` are
        /// the ones it left, `listed` counts them all (the stop rules count every item).
        public mutating func next(folding fold: inout some ListedItemFold) async throws -> (page: Page<Item>, listed: Int)? {
            guard !finished else { return nil }
            var query = pages.query
            query.page = nextPage
            query.perPage = perPage
            let (page, listed, ids) = try await pages.client.itemPage(pages.client.itemsCall(in: pages.instance, query: query), folding: &fold)
            fetched += 1
            nextPage += 1
            if listed == 0 || ids == previousIDs {
                // Nothing more; a repeated page means the server ignores `page`. Only a first,
                // empty page is worth yielding (it carries `result_info`).
                finished = true
                return fetched == 1 ? (page, listed) : nil
            }
            previousIDs = ids
            seen += listed
            let pageSize = page.resultInfo?.perPage.flatMap { $0 > 0 ? $0 : nil } ?? perPage
            if listed < pageSize || page.totalCount.map({ seen >= $0 }) == true
                || fetched >= ItemPages.maximumPages {
                finished = true
            }
            return (page, listed)
        }
    }
}

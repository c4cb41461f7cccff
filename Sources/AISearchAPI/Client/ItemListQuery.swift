/// Filters and paging of `GET …/instances/{id}/items`.
public struct ItemListQuery: Sendable, Hashable {
    public enum SortOrder: String, Sendable, Hashable {
        /// Status priority, then `last_seen_at` (the server's default).
        case status
        /// Most recently modified first. Steadier than `status` while items are being indexed.
        case modifiedAt = "modified_at"
    }

    /// Exact key (file name). Keys are unique per source: combine with `source`.
    public var key: String?
    /// One item by id.
    public var itemID: String?
    /// `builtin` for uploaded files, or e.g. `web-crawler:https://example.com`.
    public var source: String?
    public var status: Item.Status?
    public var search: String?
    public var sortBy: SortOrder?
    /// A Vectorize-style filter, sent as JSON text, e.g. `{"folder": "reports/"}`.
    public var metadataFilter: JSONValue?
    /// 1-based page.
    public var page: Int?
    /// 1...50; larger values are lowered to 50.
    public var perPage: Int?
    /// Set for a listing read to be compared, not shown: see `ComparedFields`. Never sent.
    public var comparedFields: ComparedFields?

    /// What a listing read to be compared keeps of each item: every field but `last_seen_at`, and
    /// of `metadata` only the members named. A full comparison reads 100,000 items to ask each a
    /// few questions; the other metadata members and the timestamp were four of each item's eight
    /// heap blocks, and a dictionary built and freed per item.
    public struct ComparedFields: Sendable, Hashable {
        public var metadata: [String]
        public init(metadata: [String]) { self.metadata = metadata }
    }

    public init(key: String? = nil, itemID: String? = nil, source: String? = nil, status: Item.Status? = nil,
                search: String? = nil, sortBy: SortOrder? = nil, metadataFilter: JSONValue? = nil,
                page: Int? = nil, perPage: Int? = nil, comparedFields: ComparedFields? = nil) {
        self.key = key
        self.itemID = itemID
        self.source = source
        self.status = status
        self.search = search
        self.sortBy = sortBy
        self.metadataFilter = metadataFilter
        self.page = page
        self.perPage = perPage
        self.comparedFields = comparedFields
    }

    /// The query parameters, in a fixed order.
    var parameters: [(name: String, value: String)] {
        var query: [(name: String, value: String)] = []
        query.add("page", page)
        query.add("per_page", perPage.map(clampPerPage))
        query.add("key", key)
        query.add("item_id", itemID)
        query.add("source", source)
        query.add("status", status?.rawValue)
        query.add("search", search)
        query.add("sort_by", sortBy?.rawValue)
        query.add("metadata_filter", metadataFilter?.jsonText)
        return query
    }
}

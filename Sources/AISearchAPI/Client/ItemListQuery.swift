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

    public init(key: String? = nil, itemID: String? = nil, source: String? = nil, status: Item.Status? = nil,
                search: String? = nil, sortBy: SortOrder? = nil, metadataFilter: JSONValue? = nil,
                page: Int? = nil, perPage: Int? = nil) {
        self.key = key
        self.itemID = itemID
        self.source = source
        self.status = status
        self.search = search
        self.sortBy = sortBy
        self.metadataFilter = metadataFilter
        self.page = page
        self.perPage = perPage
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

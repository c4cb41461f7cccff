/// Namespaces: `/accounts/{account_id}/ai-search/namespaces[/{name}]` (the same under both path styles).
extension AISearchClient {
    public func listNamespaces(page: Int? = nil, perPage: Int? = nil, search: String? = nil) async throws -> Page<Namespace> {
        let query = pagingQuery(page: page, perPage: perPage, search: search)
        return try await self.page(Call(.get, paths.namespaces, query: query))
    }

    public func createNamespace(name: String, description: String? = nil) async throws -> Namespace {
        try await result(Call(.post, paths.namespaces).json(NamespaceBody(name: name, description: description)))
    }

    public func getNamespace(_ name: String) async throws -> Namespace {
        try await result(Call(.get, paths.namespace(name)))
    }

    public func updateNamespace(_ name: String, description: String?) async throws -> Namespace {
        try await result(Call(.put, paths.namespace(name)).json(NamespaceBody(description: description)))
    }

    /// Deletes an empty namespace (`default` cannot be deleted).
    public func deleteNamespace(_ name: String) async throws {
        _ = try await envelope(Call(.delete, paths.namespace(name)), as: JSONValue.self)
    }
}

struct NamespaceBody: Encodable {
    var name: String?
    var description: String?
}

/// `per_page` is 1...50 on every AI Search listing.
func clampPerPage(_ perPage: Int) -> Int { min(max(perPage, 1), 50) }

/// `page`, `per_page` (clamped to 1...50) and `search`, those given.
func pagingQuery(page: Int?, perPage: Int?, search: String? = nil) -> [(name: String, value: String)] {
    var query: [(name: String, value: String)] = []
    query.add("page", page)
    query.add("per_page", perPage.map(clampPerPage))
    query.add("search", search)
    return query
}

/// Retrieval without generation: `POST …/instances/{id}/search` and the namespace-wide
/// `POST /accounts/{a}/ai-search/namespaces/{ns}/search`.
extension AISearchClient {
    /// Searches one instance.
    public func search(_ request: SearchRequest, in instance: String) async throws -> SearchResult {
        try await result(Call(.post, paths.instance(instance) + "/search").json(request))
    }

    /// Searches several instances of the client's namespace at once (namespaced path whatever the
    /// path style); `instanceIDs` replaces `request.options.instanceIDs`.
    public func searchNamespace(_ request: SearchRequest, instanceIDs: [String]) async throws -> SearchResult {
        var request = request
        var options = request.options ?? SearchOptions()
        options.instanceIDs = instanceIDs
        request.options = options
        return try await result(Call(.post, paths.namespaceSearch).json(request))
    }
}

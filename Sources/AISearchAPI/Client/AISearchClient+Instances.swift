/// Instances: `…/instances[/{id}[/stats]]`.
extension AISearchClient {
    /// Creates instance `id` with `settings` (`type`, `source`, chunking, models, custom metadata…).
    public func createInstance(id: String, settings: InstanceSettings = InstanceSettings()) async throws -> Instance {
        try await result(Call(.post, paths.instances).json(CreateInstanceBody(id: id, settings: settings)))
    }

    /// - Parameter search: instances whose id contains this text.
    public func listInstances(page: Int? = nil, perPage: Int? = nil, search: String? = nil) async throws -> Page<Instance> {
        let query = pagingQuery(page: page, perPage: perPage, search: search)
        return try await self.page(Call(.get, paths.instances, query: query))
    }

    public func getInstance(_ id: String) async throws -> Instance {
        try await result(Call(.get, paths.instance(id)))
    }

    public func updateInstance(_ id: String, settings: InstanceSettings) async throws -> Instance {
        try await result(Call(.put, paths.instance(id)).json(settings))
    }

    /// Deletes the instance and its index; answers the deleted instance when the server sends it.
    @discardableResult
    public func deleteInstance(_ id: String) async throws -> Instance? {
        let (envelope, _, _) = try await envelope(Call(.delete, paths.instance(id)), as: JSONValue.self)
        guard let result = envelope.result, result.objectValue?["id"] != nil else { return nil }
        return try? result.decode(Instance.self)
    }

    public func instanceStats(_ id: String) async throws -> InstanceStats {
        try await result(Call(.get, paths.instance(id) + "/stats"))
    }
}

/// `{id, …settings}` in one object.
struct CreateInstanceBody: Encodable {
    var id: String
    var settings: InstanceSettings

    enum CodingKeys: String, CodingKey { case id }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try settings.encode(to: encoder)
    }
}

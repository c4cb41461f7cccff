import AISearchAPI
import Foundation
import HTTPServer

/// The emulated AI Search REST API as an `HTTPHandler`. Every API request goes through
/// `TrafficControl` (rate limit, authentication, faults), then to the route's handler, which
/// calls `EmulatorStore`; every JSON answer is a v4 envelope and every API answer carries
/// `Ratelimit` and `Ratelimit-Policy`. Paths under `/__emulator/` are the admin endpoints (no
/// rate limit, not counted; they want the configured credentials when there are any). Safe to call concurrently: the state lives in actors.
public struct EmulatorService: HTTPHandler {
    let store: EmulatorStore
    let traffic: TrafficControl
    let configuration: EmulatorConfiguration

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if request.path == "/__emulator" || request.path.hasPrefix("/__emulator/") { return await handleAdmin(request) }
        if R2Endpoint.handles(request.path) { return r2Endpoint.handle(request) }
        let route = Route(path: request.path)
        let (decision, headers) = await traffic.admit(request, account: route?.account)
        var response: HTTPResponse
        switch decision {
        case .reject(let error): response = JSONAnswers.failure(error)
        case .inject(let injected): response = injected
        case .resetConnection: response = HTTPResponse(status: 0, disposition: .resetConnection)
        case .proceed(let delay):
            if let delay { try? await configuration.clock.sleep(for: delay) }
            response = await answer(request, route: route)
        }
        let status = response.disposition == .resetConnection ? 0 : response.status
        await traffic.record(method: request.method, route: route?.template ?? "unrouted", status: status)
        for field in headers { response.headers[field.name] = field.value }
        return response
    }

    private func answer(_ request: HTTPRequest, route: Route?) async -> HTTPResponse {
        guard let route else { return JSONAnswers.failure(.noRoute) }
        guard route.allowedMethods.contains(request.method) else {
            return JSONAnswers.failure(.methodNotAllowed(request.method, allowed: route.allowedMethods))
        }
        do { return try await dispatch(request, route: route) } catch { return JSONAnswers.failure(error) }
    }

    private func dispatch(_ request: HTTPRequest, route: Route) async throws(EmulatorError) -> HTTPResponse {
        switch route.resource {
        case .namespaces, .namespace: try await namespaces(request, route: route)
        case .instances, .instance, .stats: try await instances(request, route: route)
        case .items, .item, .itemLogs, .itemChunks, .itemDownload: try await items(request, route: route)
        case .jobs, .job, .jobLogs: try await jobs(request, route: route)
        case .search, .namespaceSearch: try await search(request, route: route)
        }
    }

    // MARK: Namespaces

    private func namespaces(_ request: HTTPRequest, route: Route) async throws(EmulatorError) -> HTTPResponse {
        switch (route.resource, request.method) {
        case (.namespaces, "GET"):
            return try JSONAnswers.page(await store.listNamespaces(search: request.queryValue("search")), of: request)
        case (.namespaces, "POST"):
            var body = try JSONAnswers.object(of: request)
            guard let name = body.removeValue(forKey: "name")?.stringValue else { throw .invalidRequest("name (a string) is required") }
            let description = try Self.optionalString("description", in: &body)
            body["created_at"] = nil
            return JSONAnswers.success(try await store.createNamespace(name: name, description: description, other: body))
        case (_, "GET"):
            return JSONAnswers.success(try await store.namespace(route.namespace))
        case (_, "PUT"):
            var body = try JSONAnswers.object(of: request)
            let description = try Self.optionalString("description", in: &body)
            for fixed in ["name", "created_at"] { body[fixed] = nil }
            return JSONAnswers.success(try await store.updateNamespace(route.namespace, description: description, other: body))
        default:
            return JSONAnswers.success(try await store.deleteNamespace(route.namespace))
        }
    }

    // MARK: Instances

    private func instances(_ request: HTTPRequest, route: Route) async throws(EmulatorError) -> HTTPResponse {
        switch (route.resource, request.method) {
        case (.instances, "GET"):
            // The legacy listing takes a `namespace` filter (SDK `instances.list(namespace=)`).
            let namespace = route.isLegacyPath ? request.queryValue("namespace") ?? route.namespace : route.namespace
            let all = try await store.listInstances(namespace: namespace, search: request.queryValue("search"))
            return try JSONAnswers.page(all, of: request)
        case (.instances, "POST"):
            guard let id = try JSONAnswers.object(of: request)["id"]?.stringValue else {
                throw .invalidRequest("id (a string) is required")
            }
            let settings = try JSONAnswers.decode(InstanceSettings.self, from: request)
            return JSONAnswers.success(try await store.createInstance(InstanceKey(namespace: route.namespace, id: id), settings: settings))
        case (.stats, _):
            return JSONAnswers.success(try await store.stats(route.instanceKey))
        case (_, "GET"):
            return JSONAnswers.success(try await store.instance(route.instanceKey))
        case (_, "PUT"):
            let settings = try JSONAnswers.decode(InstanceSettings.self, from: request)
            return JSONAnswers.success(try await store.updateInstance(route.instanceKey, settings: settings))
        default:
            return JSONAnswers.success(try await store.deleteInstance(route.instanceKey))
        }
    }

    // MARK: Jobs

    private func jobs(_ request: HTTPRequest, route: Route) async throws(EmulatorError) -> HTTPResponse {
        let key = route.instanceKey
        switch (route.resource, request.method) {
        case (.jobs, "GET"):
            return try JSONAnswers.page(await store.listJobs(key), of: request)
        case (.jobs, _):
            var body = try JSONAnswers.object(of: request)
            let description = try Self.optionalString("description", in: &body)
            let job = try await readingUpstream(key, .bucket) { () async throws(EmulatorError) in
                try await store.createJob(key, description: description)
            }
            return JSONAnswers.success(job)
        case (.jobLogs, _):
            return try JSONAnswers.page(await store.jobLogs(key, jobID: route.jobID), of: request)
        case (_, "GET"):
            return JSONAnswers.success(try await store.job(key, jobID: route.jobID))
        default:
            let body = try JSONAnswers.object(of: request)
            guard body["action"]?.stringValue == "cancel" else { throw .invalidRequest("action must be \"cancel\"") }
            return JSONAnswers.success(try await store.cancelJob(key, jobID: route.jobID))
        }
    }

    static func optionalString(_ name: String, in body: inout [String: JSONValue]) throws(EmulatorError) -> String? {
        switch body.removeValue(forKey: name) {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .invalidRequest("\(name) must be a string")
        }
    }
}

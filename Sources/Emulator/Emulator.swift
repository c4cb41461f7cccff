import AISearchAPI
import Foundation
import HTTPServer

/// The emulated Cloudflare AI Search API: build one from a configuration, serve `handler`
/// (an `HTTPHandler`), and inspect or steer it in-process from tests. Thread-safe; all state is
/// in actors. Call `shutdown()` before dropping an emulator with a data directory so the last
/// changes are saved.
public final class Emulator: Sendable {
    public let configuration: EmulatorConfiguration
    let store: EmulatorStore
    let traffic: TrafficControl
    /// The API as an HTTP handler.
    public let handler: EmulatorService

    /// Loads the state from `configuration.dataDirectory` if it holds one.
    /// Throws if that state cannot be read.
    public init(configuration: EmulatorConfiguration = EmulatorConfiguration()) throws {
        self.configuration = configuration
        store = try EmulatorStore(configuration: configuration)
        traffic = TrafficControl(configuration: configuration)
        handler = EmulatorService(store: store, traffic: traffic, configuration: configuration)
    }

    /// Answers one request, as the HTTP server would have it answered.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse { await handler.handle(request) }

    /// The items of an instance as the API shows them, sorted by key (empty for an unknown instance).
    public func items(instance: String, namespace: String = "default") async -> [Item] {
        await store.allItems(InstanceKey(namespace: namespace, id: instance))
    }

    /// The stored bytes of an item, nil if it has none.
    public func content(ofItem itemID: String) async -> [UInt8]? { await store.content(ofItem: itemID) }

    /// API requests seen so far, by method, route template and status.
    public func requestCounts() async -> [RequestCount] { await traffic.requestCounts() }

    /// The number of API requests seen so far.
    public func totalRequestCount() async -> Int { await traffic.requestCounts().reduce(0) { $0 + $1.count } }

    public func clearRequestCounts() async { await traffic.clearCounts() }

    /// API requests that have arrived, including those not answered yet: how a test knows a
    /// request is in flight.
    public func requestsArrived() async -> Int { await traffic.arrivals }

    public func faults() async -> FaultSettings { await traffic.currentFaults }

    /// Replaces the fault settings and restarts their generator from `settings.seed`.
    public func setFaults(_ settings: FaultSettings) async throws(EmulatorError) {
        if let problem = settings.validationError { throw .invalidRequest(problem) }
        await traffic.setFaults(settings)
    }

    /// Finishes every pending item and job now, whatever the clock says.
    public func settleAll() async { await store.settleAll() }

    /// Back to a fresh emulator (the data directory too, at the next save).
    public func reset() async {
        await store.reset()
        await traffic.reset()
    }

    /// Saves the state now (data directory only). Call before stopping.
    public func shutdown() async { await store.flush() }
}

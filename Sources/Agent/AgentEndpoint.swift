import HTTPServer
import Observability

/// `--listen HOST:PORT`: `/healthz`, `/readyz` and `/metrics` for probes and Prometheus,
/// served by the same HTTP server code as the emulator.
///
/// `/healthz` and `/readyz` answer 200 `ok` or 503 with one reason per line; `/metrics` is the
/// Prometheus text format (version 0.0.4). Only GET and HEAD; nothing here changes state.
struct AgentEndpoint: Sendable {
    let server: HTTPServer

    init(address: ListenAddress, telemetry: AgentTelemetry) throws {
        var configuration = HTTPServer.Configuration(host: address.host, port: Int(address.port))
        configuration.serverName = "aisearch-sync"
        server = HTTPServer(configuration: configuration) { request in
            await Self.answer(request, telemetry: telemetry)
        }
        do {
            try server.start()
        } catch {
            throw AgentError(.configuration, "--listen \(address): cannot listen there: \(error)",
                             hint: "Pick a free port, or an address of this machine (127.0.0.1, 0.0.0.0, [::]).")
        }
    }

    var port: Int { server.port }

    func stop() async { await server.stop() }

    static func answer(_ request: HTTPRequest, telemetry: AgentTelemetry) async -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(status: 405, "only GET and HEAD are served here\n", headers: ["Allow": "GET, HEAD"])
        }
        switch request.path {
        case "/healthz":
            return status(telemetry.health.healthz())
        case "/readyz":
            return status(telemetry.health.readyz(backlogThreshold: telemetry.backlogThreshold))
        case "/metrics":
            await telemetry.refreshFromClients()
            return HTTPResponse(status: 200, headers: ["Content-Type": PrometheusText.contentType],
                                body: Array(telemetry.metrics.registry.render().utf8))
        default:
            return .text(status: 404, "not found; this endpoint serves /healthz, /readyz and /metrics\n")
        }
    }

    private static func status(_ status: HealthStatus) -> HTTPResponse {
        status.ok ? .text(status: 200, "ok\n") : .text(status: 503, status.reasons.joined(separator: "\n") + "\n")
    }
}

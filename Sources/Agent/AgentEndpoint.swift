import HTTPServer
import Observability

/// `--listen HOST:PORT`: `/healthz`, `/readyz` and `/metrics` for probes and Prometheus,
/// served by the same HTTP server code as the emulator.
///
/// `/healthz` and `/readyz` answer 200 `ok` or 503 with one reason per line; `/metrics` is the
/// Prometheus text format (version 0.0.4). Only GET and HEAD; nothing here changes state.
///
/// Probes and scrapers need little: at most `maxConnections` connections are open (the longest
/// idle one makes room for a new one), a connection silent for `idleTimeout` is closed, and one
/// that starts a request must finish its head within 5 s. On an address other than loopback,
/// starting logs one warning saying what is exposed and how to restrict it.
struct AgentEndpoint: Sendable {
    static let maxConnections = 64
    static let idleTimeout: Duration = .seconds(15)

    let server: HTTPServer

    init(address: ListenAddress, telemetry: AgentTelemetry, logger: Logger? = nil) throws {
        var configuration = HTTPServer.Configuration(host: address.host, port: Int(address.port))
        configuration.serverName = "aisearch-sync"
        configuration.maxConnections = Self.maxConnections
        configuration.idleTimeout = Self.idleTimeout
        configuration.requestHeadTimeout = .seconds(5)
        configuration.requestBodyTimeout = .seconds(5)
        server = HTTPServer(configuration: configuration) { request in
            await Self.answer(request, telemetry: telemetry)
        }
        do {
            try server.start()
        } catch {
            throw AgentError(.configuration, "--listen \(address): cannot listen there: \(error)",
                             hint: "Pick a free port, or an address of this machine (127.0.0.1, 0.0.0.0, [::]).")
        }
        if let warning = address.exposureWarning {
            logger?.warning("listener_exposed", warning, fields: ["listen": .string(address.host), "port": .int(server.port)])
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

import Foundation
import HTTPServer

/// An emulator served over HTTP on a local port: what `aisearch-sync emulator` runs, and what
/// end-to-end tests start in-process. The base URL differs from Cloudflare's only in scheme,
/// host and port (`http://127.0.0.1:PORT/client/v4`).
public final class EmulatorServer: Sendable {
    public let emulator: Emulator
    public let server: HTTPServer
    public let port: Int

    /// Builds the emulator and binds `host:port` (port 0: the kernel picks one).
    public init(configuration: EmulatorConfiguration = EmulatorConfiguration(), host: String = "127.0.0.1", port: Int = 0) throws {
        emulator = try Emulator(configuration: configuration)
        var serverConfiguration = HTTPServer.Configuration(host: host, port: port)
        // Uploads are refused by the emulator itself with the API's error envelope (4 MB);
        // the transport limit sits above it so that answer can be given.
        serverConfiguration.limits.maxBodyBytes = max(serverConfiguration.limits.maxBodyBytes, configuration.maxUploadBytes * 2 + 64 * 1024)
        serverConfiguration.serverName = "aisearch-sync-emulator"
        server = HTTPServer(configuration: serverConfiguration, handler: emulator.handler)
        self.port = try server.start()
        self.host = host
    }

    private let host: String

    /// The base URL to give a client: `http://HOST:PORT/client/v4`.
    public var baseURL: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)/client/v4"
    }

    /// Stops serving, then saves the emulator's state (with `--data`).
    public func stop() async {
        await server.stop()
        await emulator.shutdown()
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem
import Testing
@testable import AISearchAPI

/// A TLS server on loopback with a self-signed certificate made at test time (openssl) and served
/// by python3's `ssl` module. Skipped, with the reason printed, where either tool is missing.
@Suite struct TLSErrorTests {
    @Test func untrustedCertificateIsNamedAndNotRetried() async throws {
        guard let server = try await TLSServer.start() else { return }
        defer { server.stop() }
        let configuration = ClientConfiguration(
            accountID: "acct", credentials: .apiToken("t"), baseURL: "https://127.0.0.1:\(server.port)/client/v4",
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1)))
        let client = AISearchClient(configuration: configuration, transport: CurlTransport())
        let error = await #expect(throws: TransportError.self) { try await client.listItems(in: "docs") }
        #expect(error?.code == .certificateRejected)
        #expect(error?.attempts == 1, "a certificate failure is not retried")
        let text = String(describing: error)
        #expect(text.contains("self-signed certificate") || text.contains("self signed certificate"), "\(text)")
        #expect(text.contains("CA certificates"), "\(text)")
    }

    @Test func plainHTTPPortAskedForTLSIsNotAURLProblem() async throws {
        let server = try ScriptedServer { connection in
            connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        }
        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(TransportRequest(method: .get, url: "https://127.0.0.1:\(server.port)/", timeout: .seconds(20)))
        }
        #expect(error?.code == .secureConnectionFailed, "\(String(describing: error))")
        #expect(error?.isRetryable == false)
    }
}

/// `python3` serving TLS with a fresh self-signed certificate for 127.0.0.1.
private final class TLSServer: @unchecked Sendable {
    // @unchecked: set once in `start`, read-only after.
    let process: ChildProcess
    let port: Int

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    /// Nil (and a printed reason) where openssl or python3 is missing.
    static func start() async throws -> TLSServer? {
        let tools = ["openssl", "python3"].map { tool in
            ["/usr/bin", "/usr/local/bin", "/bin"].map { "\($0)/\(tool)" }.first(where: FileManager.default.isExecutableFile)
        }
        guard let openssl = tools[0], let python = tools[1] else {
            print("TLSErrorTests skipped: openssl or python3 is not installed")
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let make = try ChildProcess(executable: openssl,
                                    arguments: ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                                                "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", certificate],
                                    output: .null, error: .null)
        _ = await eventually { !make.isRunning }
        guard make.exitStatus == 0 else {
            print("TLSErrorTests skipped: openssl could not make a certificate")
            return nil
        }
        let script = """
        import socket, ssl, sys
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        with open(sys.argv[3], "w") as ready:
            ready.write(str(listener.getsockname()[1]))
        while True:
            connection, _ = listener.accept()
            try:
                secure = context.wrap_socket(connection, server_side=True)
                secure.recv(65536)
                secure.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
            except Exception:
                pass
            finally:
                connection.close()
        """
        let ready = directory.appendingPathComponent("port").path
        let process = try ChildProcess(executable: python, arguments: ["-c", script, certificate, key, ready],
                                       output: .null, error: .null)
        var port: Int?
        _ = await eventually {
            port = (try? String(contentsOfFile: ready, encoding: .utf8)).flatMap { Int($0) }
            return port != nil || !process.isRunning
        }
        guard let port else {
            process.signal(SIGKILL)
            print("TLSErrorTests skipped: python3 could not serve TLS")
            return nil
        }
        return TLSServer(process: process, port: port)
    }

    func stop() { process.signal(SIGKILL) }
}

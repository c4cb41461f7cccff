import AISearchAPI
import Foundation
import HTTPServer
import Testing
@testable import Emulator

/// The two path styles every call is served under.
enum PathStyle: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case legacy, namespaced
    var testDescription: String { rawValue }
}

/// An emulator on a manual clock, served by the real HTTP server on a loopback port, with
/// request builders that go through the real URLSession transport: every endpoint test is a
/// real HTTP exchange. A connection reset comes back as a `.resetConnection` response.
struct Harness {
    static let account = "acc123"
    static let token = "test-token"
    let emulator: Emulator
    let clock: ManualEmulatorClock
    let server: HTTPServer
    let port: Int
    private let transport = URLSessionTransport()

    init(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) throws {
        let clock = ManualEmulatorClock()
        var configuration = EmulatorConfiguration(apiToken: Self.token, processingDelay: .seconds(2), waitTimeout: .seconds(5),
                                                  clock: clock)
        configure(&configuration)
        self.clock = configuration.clock as? ManualEmulatorClock ?? clock
        emulator = try Emulator(configuration: configuration)
        var serverConfiguration = HTTPServer.Configuration()
        serverConfiguration.limits.maxBodyBytes = 16 * 1024 * 1024
        server = HTTPServer(configuration: serverConfiguration, handler: emulator.handler)
        port = try server.start()
    }

    /// `/client/v4/accounts/{a}/ai-search[/namespaces/{ns}]`
    func base(_ style: PathStyle, namespace: String = "default") -> String {
        let root = "/client/v4/accounts/\(Self.account)/ai-search"
        return style == .legacy ? root : "\(root)/namespaces/\(namespace)"
    }

    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8] = [],
              headers: HTTPHeaders? = nil, contentType: String? = nil) async -> HTTPResponse {
        var fields = headers ?? ["Authorization": "Bearer \(Self.token)"]
        if let contentType { fields["Content-Type"] = contentType }
        var components = URLComponents()
        components.path = path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let url = "http://127.0.0.1:\(port)" + (components.percentEncodedPath.isEmpty ? path : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        guard let httpMethod = HTTPMethod(rawValue: method) else {
            Issue.record("the transport cannot send method \(method)")
            return HTTPResponse(status: 0)
        }
        var transportHeaders = TransportHeaders()
        for field in fields { transportHeaders[field.name] = field.value }
        let request = TransportRequest(method: httpMethod, url: url, headers: transportHeaders, body: body,
                                       timeout: .seconds(60))
        do {
            let answer = try await transport.send(request)
            var headers = HTTPHeaders()
            for field in answer.headers { headers.add(name: field.name, value: field.value) }
            return HTTPResponse(status: answer.status, headers: headers, body: answer.body)
        } catch let error as TransportError where error.code == .connectionLost {
            return HTTPResponse(status: 0, disposition: .resetConnection)
        } catch {
            Issue.record("HTTP exchange failed: \(error)")
            return HTTPResponse(status: 0)
        }
    }

    func send(_ method: String, _ path: String, json: String, query: [(String, String)] = []) async -> HTTPResponse {
        await send(method, path, query: query, body: Array(json.utf8), contentType: "application/json")
    }

    @discardableResult
    func createInstance(_ id: String, style: PathStyle = .namespaced, namespace: String = "default",
                        extra: String = "") async throws -> Instance {
        let response = await send("POST", base(style, namespace: namespace) + "/instances", json: "{\"id\":\"\(id)\"\(extra)}")
        return try result(Instance.self, response)
    }

    func upload(_ instance: String, key: String, content: [UInt8], metadata: String? = nil, wait: Bool? = nil,
                style: PathStyle = .namespaced) async -> HTTPResponse {
        var form = MultipartBuilder()
        form.add(name: "file", filename: key, contentType: "application/octet-stream", body: content)
        if let metadata { form.add(name: "metadata", body: Array(metadata.utf8)) }
        if let wait { form.add(name: "wait_for_completion", body: Array(String(wait).utf8)) }
        return await send("POST", base(style) + "/instances/\(instance)/items", body: form.finished,
                          contentType: "multipart/form-data; boundary=\(form.boundary)")
    }

    func uploaded(_ instance: String, key: String, text: String, metadata: String? = nil) async throws -> Item {
        try result(Item.self, await upload(instance, key: key, content: Array(text.utf8), metadata: metadata))
    }

    /// The decoded envelope; fails the test unless the body is one.
    func envelope<T: Codable & Sendable>(_ type: T.Type, _ response: HTTPResponse) throws -> Envelope<T> {
        try JSONDecoder().decode(Envelope<T>.self, from: Data(response.body))
    }

    /// The `result` of a successful answer.
    func result<T: Codable & Sendable>(_ type: T.Type, _ response: HTTPResponse,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        #expect((200..<300).contains(response.status), "status \(response.status): \(String(decoding: response.body, as: UTF8.self))",
                sourceLocation: sourceLocation)
        let envelope = try envelope(T.self, response)
        #expect(envelope.success, sourceLocation: sourceLocation)
        return try #require(envelope.result, sourceLocation: sourceLocation)
    }

    /// The first error of a failed answer, after checking the status.
    func error(_ response: HTTPResponse, status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> APIMessage {
        #expect(response.status == status, "body: \(String(decoding: response.body, as: UTF8.self))", sourceLocation: sourceLocation)
        let envelope = try envelope(JSONValue.self, response)
        #expect(!envelope.success, sourceLocation: sourceLocation)
        return try #require(envelope.errors.first, sourceLocation: sourceLocation)
    }

    /// Lets a handler that parks on the clock (wait_for_completion, slow faults) run to its
    /// sleep, advances the clock, and returns its answer.
    func advancing(by duration: Duration, while work: @escaping @Sendable () async -> HTTPResponse) async -> HTTPResponse {
        let task = Task { await work() }
        await clock.waitForSleepers(1)
        clock.advance(by: duration)
        return await task.value
    }
}

/// A `multipart/form-data` body (RFC 7578).
struct MultipartBuilder {
    let boundary = "----emulator-test-boundary-7MA4YWxkTrZu0gW"
    private(set) var body: [UInt8] = []

    mutating func add(name: String, filename: String? = nil, contentType: String? = nil, body content: [UInt8]) {
        var header = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
        if let filename { header += "; filename=\"\(filename)\"" }
        header += "\r\n"
        if let contentType { header += "Content-Type: \(contentType)\r\n" }
        header += "\r\n"
        body += Array(header.utf8) + content + Array("\r\n".utf8)
    }

    var finished: [UInt8] { body + Array("--\(boundary)--\r\n".utf8) }
}

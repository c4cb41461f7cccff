import Foundation
import Synchronization
@testable import AISearchAPI

/// A transport that records every request and answers from a script (or a handler).
final class FakeTransport: HTTPTransport {
    typealias Handler = @Sendable (TransportRequest, Int) throws -> TransportResponse

    private let state: Mutex<(requests: [TransportRequest], script: [Result<TransportResponse, TransportError>])>
    private let handler: Handler?

    /// Answers the scripted results in order; the last one repeats.
    init(_ script: [Result<TransportResponse, TransportError>]) {
        state = Mutex(([], script))
        handler = nil
    }

    convenience init(responses: [TransportResponse]) {
        self.init(responses.map { .success($0) })
    }

    /// Answers by calling `handler` with the request and its 0-based index.
    init(handler: @escaping Handler) {
        state = Mutex(([], []))
        self.handler = handler
    }

    var requests: [TransportRequest] { state.withLock { $0.requests } }
    var lastRequest: TransportRequest? { requests.last }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let (index, scripted) = state.withLock { state -> (Int, Result<TransportResponse, TransportError>?) in
            state.requests.append(request)
            let index = state.requests.count - 1
            guard !state.script.isEmpty else { return (index, nil) }
            return (index, state.script[min(index, state.script.count - 1)])
        }
        if let handler { return try handler(request, index) }
        guard let scripted else { return .ok("null") }
        return try scripted.get()
    }
}

extension TransportResponse {
    /// A Cloudflare success envelope around `result` (JSON text).
    static func ok(_ result: String, resultInfo: String? = nil, headers: TransportHeaders = [:]) -> TransportResponse {
        var text = #"{"success":true,"errors":[],"messages":[],"result":\#(result)"#
        if let resultInfo { text += #","result_info":\#(resultInfo)"# }
        text += "}"
        var headers = headers
        headers["Content-Type"] = "application/json"
        return TransportResponse(status: 200, headers: headers, body: Array(text.utf8))
    }

    /// A Cloudflare failure envelope.
    static func failure(_ status: Int, code: Int = 10000, message: String = "failure", headers: TransportHeaders = [:])
        -> TransportResponse {
        let text = #"{"success":false,"errors":[{"code":\#(code),"message":"\#(message)"}],"messages":[],"result":null}"#
        var headers = headers
        headers["Content-Type"] = "application/json"
        return TransportResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}

extension TransportRequest {
    /// The path after the base URL, without the query.
    var path: String {
        let afterBase = String(url.dropFirst(Fixtures.baseURL.count))
        return afterBase.split(separator: "?", maxSplits: 1).first.map(String.init) ?? afterBase
    }

    /// The raw query string, or "".
    var queryString: String {
        url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }

    /// The body as a JSON value, for structural comparison.
    var jsonBody: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(body)) }
}

enum Fixtures {
    static let baseURL = "https://api.example.test/client/v4"
    static let account = "0123456789abcdef0123456789abcdef"
    static let token = "cf-secret-token-Zq81xW7"

    static func configuration(style: ClientConfiguration.PathStyle = .namespaced,
                              credentials: ClientConfiguration.Credentials = .apiToken(token),
                              retry: RetryPolicy = RetryPolicy()) -> ClientConfiguration {
        ClientConfiguration(accountID: account, credentials: credentials, baseURL: baseURL + "/", namespace: "default",
                            pathStyle: style, retryPolicy: retry)
    }

    static func client(_ transport: FakeTransport, style: ClientConfiguration.PathStyle = .namespaced,
                       credentials: ClientConfiguration.Credentials = .apiToken(token),
                       retry: RetryPolicy = RetryPolicy(), clock: ManualClock = ManualClock(advancesAutomatically: true),
                       random: @escaping @Sendable () -> Double = { 0.5 }) -> AISearchClient {
        AISearchClient(configuration: configuration(style: style, credentials: credentials, retry: retry),
                       transport: transport, clock: clock, random: random,
                       multipartBoundary: { "TestBoundary1234" },
                       currentDate: { Date(timeIntervalSince1970: 784_111_777) })
    }

    static func json(_ text: String) -> JSONValue {
        try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// A real-looking item answer.
    static func item(id: String = "6f0c4f3e-9a51-4b55-9d0a-3f7e1c2b8a10", key: String = "docs/guide.md",
                     status: String = "completed") -> String {
        #"{"id":"\#(id)","key":"\#(key)","checksum":"9b2cf535f27731c974343645a3985328","chunks_count":3,"created_at":"2026-11-20T10:00:00.000Z","last_seen_at":"2026-11-20T10:00:05.000Z","file_size":1834,"namespace":"default","next_action":null,"source_id":"builtin","status":"\#(status)","metadata":{"sha256":"abc"}}"#
    }

    static let instance = #"{"id":"docs","created_at":"2026-11-20T09:00:00Z","modified_at":"2026-11-20T09:00:00Z","namespace":"default","type":"r2","source":"docs-bucket","status":"ready","chunk_size":256,"max_num_results":10,"custom_metadata":[{"field_name":"sha256","data_type":"text"}]}"#

    static let job = #"{"id":"job-41","source":"user","description":"nightly","started_at":"2026-11-20T09:00:00Z"}"#

    static let namespace = #"{"name":"team","description":"Team docs","created_at":"2026-11-20T09:00:00Z"}"#
}

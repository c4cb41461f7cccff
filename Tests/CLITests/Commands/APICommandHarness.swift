import AISearchAPI
import CLI
import Foundation
import Synchronization
import Testing

/// A transport that records every request and answers from a script: the scripted answers in
/// order, then `{"result": null}`; or whatever `route` says for a request.
final class RecordingTransport: HTTPTransport {
    typealias Route = @Sendable (TransportRequest) -> TransportResponse?

    private let state: Mutex<(requests: [TransportRequest], script: [TransportResponse])>
    private let route: Route?

    init(_ script: [TransportResponse] = [], route: Route? = nil) {
        state = Mutex(([], script))
        self.route = route
    }

    var requests: [TransportRequest] { state.withLock { $0.requests } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let scripted = state.withLock { state -> TransportResponse? in
            state.requests.append(request)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        if let answer = route?(request) { return answer }
        return scripted ?? .ok("null")
    }
}

extension TransportResponse {
    /// A Cloudflare success envelope around `result` (JSON text).
    static func ok(_ result: String, resultInfo: String? = nil) -> TransportResponse {
        var text = #"{"success":true,"errors":[],"messages":[],"result":\#(result)"#
        if let resultInfo { text += #","result_info":\#(resultInfo)"# }
        return TransportResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array((text + "}").utf8))
    }

    /// A Cloudflare failure envelope.
    static func failure(_ status: Int, code: Int, message: String) -> TransportResponse {
        let text = #"{"success":false,"errors":[{"code":\#(code),"message":"\#(message)"}],"messages":[],"result":null}"#
        return TransportResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    static func bytes(_ body: [UInt8]) -> TransportResponse {
        TransportResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: body)
    }
}

extension TransportRequest {
    static let baseURL = "https://api.cloudflare.com/client/v4"

    /// `GET /accounts/…/instances?page=2`: method and target after the base URL.
    var line: String { "\(method.rawValue) \(url.dropFirst(Self.baseURL.count))" }

    /// The body as text (JSON bodies are compact with sorted keys).
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The account, token and key every test uses. None of them may ever be printed.
enum Secrets {
    static let account = "acc"
    static let token = "tok-SECRET-5b1d7e"
    static let apiKey = "key-SECRET-93ac20"
    static let environment = ["CLOUDFLARE_ACCOUNT_ID": account, "CLOUDFLARE_API_TOKEN": token]
}

/// What a command run produced.
struct APIRun {
    var status: Int32
    var output: String
    var error: String
    var requests: [TransportRequest]

    var lines: [String] { requests.map(\.line) }
}

/// Runs `arguments` through the real tree with a recording transport, and checks that no secret
/// was written to either stream.
func runAPI(_ arguments: [String], responses: [TransportResponse] = [], route: RecordingTransport.Route? = nil,
            environment: [String: String] = Secrets.environment, interactive: Bool = false, answers: [String] = [],
            width: Int = 100, sourceLocation: SourceLocation = #_sourceLocation) async -> APIRun {
    let transport = RecordingTransport(responses, route: route)
    let dependencies = CommandDependencies(transport: transport, isInputInteractive: interactive, answers: answers)
    let terminal = CapturingTerminal(width: width)
    let status = await runCLI(arguments: arguments, commands: RootCommand.spec(dependencies: dependencies),
                              terminal: terminal, environment: environment)
    let run = APIRun(status: status, output: terminal.standardOutput, error: terminal.standardError,
                     requests: transport.requests)
    for secret in [Secrets.token, Secrets.apiKey] {
        #expect(!run.output.contains(secret) && !run.error.contains(secret), "a secret was printed", sourceLocation: sourceLocation)
    }
    return run
}

func runAPI(_ words: String, responses: [TransportResponse] = [], route: RecordingTransport.Route? = nil,
            environment: [String: String] = Secrets.environment, interactive: Bool = false, answers: [String] = [],
            width: Int = 100, sourceLocation: SourceLocation = #_sourceLocation) async -> APIRun {
    await runAPI(words.split(separator: " ").map(String.init), responses: responses, route: route,
                 environment: environment, interactive: interactive, answers: answers, width: width,
                 sourceLocation: sourceLocation)
}

/// API objects as the server sends them.
enum Fixture {
    static let instance = #"""
    {"id":"docs","created_at":"2025-06-01T10:00:00.000Z","modified_at":"2025-06-02T11:30:00.000Z",\#
    "namespace":"default","status":"active","source":"docs-bucket","type":"r2","chunk_size":512,"paused":false}
    """#
    static let instance2 = #"""
    {"id":"notes","created_at":"2025-06-03T08:00:00Z","modified_at":"2025-06-03T08:00:00Z"}
    """#
    static let item = #"""
    {"id":"0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01","key":"guide/intro.md",\#
    "checksum":"9f86d081884c7d659a2feaa0c55ad015","chunks_count":3,"created_at":"2025-06-01T10:00:00Z",\#
    "last_seen_at":"2025-06-02T09:15:00Z","file_size":1536,"namespace":"default","next_action":null,\#
    "source_id":"builtin","status":"completed"}
    """#
    static let item2 = #"""
    {"id":"7d1e2f3a-2222-4b5c-8d9e-0a1b2c3d4e5f","key":"notes.txt","checksum":"",\#
    "chunks_count":null,"created_at":"2025-06-01T10:00:00Z","last_seen_at":"2025-06-01T10:00:00Z",\#
    "file_size":200,"namespace":"default","next_action":"INDEX","source_id":"builtin","status":"queued"}
    """#
    static let job = #"""
    {"id":"job-1","source":"user","description":"after the release","started_at":"2025-06-02T12:00:00Z",\#
    "ended_at":"2025-06-02T12:05:00Z","end_reason":"completed"}
    """#
    static let runningJob = #"""
    {"id":"job-2","source":"schedule","started_at":"2025-06-02T18:00:00Z"}
    """#
    static let namespace = #"{"name":"research","description":"Papers","created_at":"2025-05-01T00:00:00Z"}"#
    static let stats = #"""
    {"queued":1,"running":0,"completed":40,"error":2,"skipped":0,"outdated":0,"last_activity":"2025-06-02T12:00:00Z"}
    """#
    static let itemLog = #"""
    {"action":"index","chunkCount":3,"fileKey":"guide/intro.md","message":"ok","processingTimeMs":120,\#
    "timestamp":"2025-06-02T09:15:00Z"}
    """#
    static let chunk = #"{"id":"c1","text":"Hello world","start_byte":0,"end_byte":11,"item":{"key":"guide/intro.md"}}"#
    static let jobLog = #"{"id":1,"created_at":1748865600,"message":"Started","message_type":1}"#
}

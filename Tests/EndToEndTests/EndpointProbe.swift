import AISearchAPI
import Foundation
import Testing

/// The port from the `listener_started` log line (waited for up to 2 minutes: a hang guard on a
/// loaded machine, not a timing).
func listeningPort(_ agent: AgentProcess) async throws -> Int {
    var port: Int?
    _ = await eventually(within: .seconds(120)) {
        let line = agent.errors.split(separator: "\n").first { $0.contains(#""event":"listener_started""#) }
        port = line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["port"] as? Int
        return port != nil
    }
    return try #require(port, "no listener_started line: \(agent.errors)")
}

struct Answer {
    var status: Int
    var headers: TransportHeaders
    var text: String
}

func get(_ port: Int, _ path: String) async throws -> Answer {
    let response = try await URLSessionTransport().send(TransportRequest(method: .get, url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
    return Answer(status: response.status, headers: response.headers, text: String(decoding: response.body, as: UTF8.self))
}

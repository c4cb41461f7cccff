import Foundation
@testable import HTTPServer
import LinuxSystem
import Synchronization
import Testing

extension ServerTests {
    @Suite struct Robustness {
        static let configuration = HTTPServer.Configuration(
            limits: .init(maxHeaderBytes: 8 * 1024), requestHeadTimeout: .milliseconds(500),
            requestBodyTimeout: .milliseconds(500), lingerTimeout: .milliseconds(300))

        /// The ways a hostile or broken client misbehaves, and what it should get back.
        enum Misbehaviour: CaseIterable {
            case badRequestLine, truncatedBody, hugeHeader, badChunkSize, garbage, resetMidRequest, connectAndLeave

            var expectedStatus: Int? {
                switch self {
                case .badRequestLine, .truncatedBody, .badChunkSize, .garbage: 400
                case .hugeHeader: 431
                case .resetMidRequest, .connectAndLeave: nil
                }
            }

            /// Plays the misbehaviour; returns the status received, if any.
            func play(port: Int, reactor: IOReactor) async throws -> Int? {
                var client = try await RawClient.connect(port: port, reactor: reactor)
                switch self {
                case .badRequestLine:
                    try await client.send("GET\r\n\r\n")
                case .truncatedBody:
                    try await client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nabc")
                    try client.finishSending()
                case .hugeHeader:
                    try await client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Huge: " + String(repeating: "h", count: 20_000) + "\r\n\r\n")
                case .badChunkSize:
                    try await client.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n")
                case .garbage:
                    try await client.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03, 13, 10, 13, 10])
                case .resetMidRequest:
                    try await client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab")
                    client.socket.reset()
                    return nil
                case .connectAndLeave:
                    client.close()
                    return nil
                }
                return try await client.readResponse().status
            }
        }

        @Test func manyKeepAliveClientsStayCorrectWhileMisbehavingClientsAttack() async throws {
            let before = openDescriptors()
            let server = HTTPServer(configuration: Self.configuration, handler: EchoHandler())
            try server.start()
            let reactor = try IOReactor(name: "robustness clients")
            let port = server.port
            let clients = 50, requestsPerClient = 200

            let (correct, wrongMisbehaviourOutcomes) = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                for clientIndex in 0..<clients {
                    group.addTask {
                        var client = try await RawClient.connect(port: port, reactor: reactor)
                        var correct = 0
                        for index in 0..<requestsPerClient {
                            let payload = "client \(clientIndex) request \(index)"
                            if index % 3 == 0 {
                                let hex = String(payload.utf8.count, radix: 16)
                                try await client.send("POST /c/\(clientIndex)/\(index) HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(hex)\r\n\(payload)\r\n0\r\n\r\n")
                            } else {
                                try await client.send("POST /c/\(clientIndex)/\(index) HTTP/1.1\r\nHost: h\r\nContent-Length: \(payload.utf8.count)\r\n\r\n\(payload)")
                            }
                            let response = try await client.readResponse()
                            if response.status == 200, response.text == payload, response.headers["X-Path"] == "/c/\(clientIndex)/\(index)" {
                                correct += 1
                            }
                        }
                        client.close()
                        return (correct, [])
                    }
                }
                for stream in 0..<3 {
                    group.addTask {
                        var wrong: [String] = []
                        for round in 0..<50 {
                            let misbehaviour = Misbehaviour.allCases[(round + stream) % Misbehaviour.allCases.count]
                            let status = try await misbehaviour.play(port: port, reactor: reactor)
                            if status != misbehaviour.expectedStatus { wrong.append("\(misbehaviour): \(status.map(String.init) ?? "nothing")") }
                        }
                        return (0, wrong)
                    }
                }
                for _ in 0..<10 {
                    group.addTask {
                        // Slowloris: a head that never ends is cut off with 408.
                        var slow = try await RawClient.connect(port: port, reactor: reactor)
                        try await slow.send("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: 1")
                        let status = try await slow.readResponse().status
                        return (0, status == 408 ? [] : ["slow sender: \(status)"])
                    }
                }
                return try await group.reduce(into: (0, [String]())) { total, result in
                    total.0 += result.0
                    total.1 += result.1
                }
            }

            #expect(correct == clients * requestsPerClient)
            #expect(wrongMisbehaviourOutcomes.isEmpty, "\(wrongMisbehaviourOutcomes)")
            #expect(server.statistics.requestsHandled == clients * requestsPerClient)
            await server.stop()
            #expect(server.statistics.connectionsOpen == 0)
            await reactor.shutdown()
            await expectNoDescriptorLeak(from: before)
        }

        @Test func hundredsOfConnectionsAreServedAtOnce() async throws {
            let before = openDescriptors()
            try await withServer { server, reactor in
                var clients: [RawClient] = []
                for _ in 0..<300 { clients.append(try await RawClient.connect(port: server.port, reactor: reactor)) }
                #expect(await eventually { server.statistics.connectionsOpen == 300 })
                for (index, client) in clients.enumerated() { try await client.send("GET /n/\(index) HTTP/1.1\r\nHost: h\r\n\r\n") }
                for index in clients.indices {
                    #expect(try await clients[index].readResponse().headers["X-Path"] == "/n/\(index)")
                }
                for client in clients { client.close() }
                clients.removeAll()
                #expect(await eventually { server.statistics.connectionsOpen == 0 })
            }
            await expectNoDescriptorLeak(from: before)
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import HTTPServer
import Testing
import TestSupport

/// Runs `executable` and returns its exit status and standard output (its errors are dropped).
func runProcess(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let run = try await runChildProcess(executable, arguments, mergingErrors: false)
    return (run.status, run.output)
}

let curlPath = ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Bytes that a careless multipart parser would damage: every byte value, CRLFs, dashes.
func awkwardBytes(count: Int) -> [UInt8] {
    var state: UInt32 = 2_463_534_242
    var bytes = (0..<count).map { _ -> UInt8 in
        state ^= state << 13; state ^= state >> 17; state ^= state << 5  // xorshift: cheap, every byte value
        return UInt8(truncatingIfNeeded: state)
    }
    let pattern = Array("\r\n--\r\n\r\n--".utf8)
    for offset in stride(from: 0, to: count - pattern.count, by: 997) { bytes.replaceSubrange(offset..<offset + pattern.count, with: pattern) }
    return bytes
}

extension ServerTests {
    @Suite struct RealClients {
        @Test func urlSessionReusesOneConnectionAndSendsLargeBodies() async throws {
            try await withServer { server, _ in
                let session = URLSession(configuration: .ephemeral)
                defer { session.invalidateAndCancel() }
                for index in 0..<5 {
                    let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/echo/\(index)?q=a%20b"))
                    let (data, response) = try await session.data(from: url)
                    let http = try #require(response as? HTTPURLResponse)
                    #expect(http.statusCode == 200)
                    #expect(http.value(forHTTPHeaderField: "X-Path") == "/echo/\(index)")
                    #expect(http.value(forHTTPHeaderField: "X-Query") == "q=a b")
                    #expect(data.isEmpty)
                }
                // Large enough that libcurl sends `Expect: 100-continue`.
                let payload = awkwardBytes(count: 2_000_000)
                var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)/upload")))
                request.httpMethod = "POST"
                request.httpBody = Data(payload)
                let (data, response) = try await session.data(for: request)
                #expect((response as? HTTPURLResponse)?.statusCode == 200)
                #expect(Array(data) == payload)
                #expect(server.statistics.connectionsAccepted == 1)
            }
        }

        @Test(.enabled(if: curlPath != nil, "curl is not installed"))
        func curlReusesOneConnectionForSeveralURLs() async throws {
            try await withServer { server, _ in
                let base = "http://127.0.0.1:\(server.port)"
                let (status, output) = try await runProcess(curlPath!, [
                    "-s", "-o", "/dev/null", "-w", "%{http_code} ", "\(base)/a", "\(base)/b", "\(base)/c",
                ])
                #expect(status == 0)
                #expect(output == "200 200 200 ")
                #expect(server.statistics.connectionsAccepted == 1)
                #expect(server.statistics.requestsHandled == 3)
            }
        }

        @Test(.enabled(if: curlPath != nil, "curl is not installed"))
        func curlMultipartUploadArrivesByteExact() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("multipart-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let blob = awkwardBytes(count: 1_500_000)
            let blobFile = directory.appendingPathComponent("blob.bin")
            try Data(blob).write(to: blobFile)
            let answerFile = directory.appendingPathComponent("answer")
            try await withServer { server, _ in
                let (status, output) = try await runProcess(curlPath!, [
                    "-s", "-o", answerFile.path, "-D", "-",
                    "-F", "text=hello world", "-F", "file=@\(blobFile.path);type=application/octet-stream",
                    "-F", "note=@\(blobFile.path);filename=r\u{e9}sum\u{e9}.txt;type=text/plain",
                    "http://127.0.0.1:\(server.port)/multipart?part=file",
                ])
                #expect(status == 0)
                #expect(output.contains("X-Parts: text:-:-:11,file:blob.bin:application/octet-stream:1500000,note:r\u{e9}sum\u{e9}.txt:text/plain:1500000"))
                #expect(Array(try Data(contentsOf: answerFile)) == blob)
            }
        }
    }
}

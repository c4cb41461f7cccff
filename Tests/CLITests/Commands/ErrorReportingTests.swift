import AISearchAPI
import CLI
import Testing

/// API failures: one line naming the call, the status and Cloudflare's errors; 401/403 exit 3
/// with a hint about the token's permissions, everything else exits 1.
@Suite struct ErrorReportingTests {
    @Test func notFoundExitsOneWithTheCallAndTheErrors() async {
        let run = await runAPI("instances get docs", responses: [.failure(404, code: 7003, message: "Could not route to /accounts/acc")])
        #expect(run.status == 1)
        #expect(run.error == """
            aisearch-sync: error: GET …/namespaces/default/instances/docs: 404 Not Found: [7003] Could not route to /accounts/acc
            Check the account id, the namespace (--namespace), and the instance, item or job id.

            """)
        #expect(run.output.isEmpty)
    }

    @Test(arguments: [(401, "Unauthorized", 10000, "Authentication error"), (403, "Forbidden", 10000, "Permission denied")])
    func rejectedCredentialsExitThreeWithAHint(status: Int, reason: String, code: Int, message: String) async {
        let run = await runAPI("items list -i docs --legacy-paths", responses: [.failure(status, code: code, message: message)])
        #expect(run.status == 3)
        #expect(run.error == """
            aisearch-sync: error: GET …/instances/docs/items: \(status) \(reason): [\(code)] \(message)
            Check the API token (CLOUDFLARE_API_TOKEN, --token-file) or the email and global key, and that the token \
            has the AI Search:Edit and AI Search:Run permissions on this account.

            """)
    }

    @Test func conflictExitsOne() async {
        let run = await runAPI("instances create docs", responses: [.failure(409, code: 7002, message: "already exists")])
        #expect(run.status == 1)
        #expect(run.error.hasPrefix("aisearch-sync: error: POST …/namespaces/default/instances: 409 Conflict: [7002] already exists\n"))
    }

    @Test func serverErrorExitsOne() async {
        let run = await runAPI("jobs list docs", responses: [.failure(503, code: 1, message: "down")])
        #expect(run.status == 1)
        #expect(run.error == """
            aisearch-sync: error: GET …/namespaces/default/instances/docs/jobs: 503 Service Unavailable: [1] down
            Cloudflare failed to answer; retry later.

            """)
    }

    @Test func answerThatIsNotJSONExitsOne() async {
        let html = TransportResponse(status: 502, headers: ["Content-Type": "text/html"], body: Array("<html>".utf8))
        let run = await runAPI("instances list", responses: [html])
        #expect(run.status == 1)
        #expect(run.error.hasPrefix("aisearch-sync: error: GET …/namespaces/default/instances: answer is not JSON (status 502, text/html)"))
    }

    @Test func proxyRejectionOfCredentialsExitsThree() async {
        let html = TransportResponse(status: 403, headers: ["Content-Type": "text/html"], body: Array("<html>".utf8))
        let run = await runAPI("instances list", responses: [html])
        #expect(run.status == 3)
        #expect(run.error.contains("AI Search:Edit and AI Search:Run"))
    }

    @Test func transportFailureExitsOne() async {
        let dependencies = CommandDependencies(transport: FailingTransport())
        let terminal = CapturingTerminal()
        let status = await runCLI(arguments: ["instances", "list"], commands: RootCommand.spec(dependencies: dependencies),
                                  terminal: terminal, environment: Secrets.environment)
        #expect(status == 1)
        #expect(terminal.standardError == "aisearch-sync: error: GET …/namespaces/default/instances: cannot connect "
            + "(connection refused); check the network and the base URL\n")
        #expect(!terminal.standardError.contains(Secrets.token))
    }

    @Test func localFileErrorsExitFour() async {
        let run = await runAPI("items upload /no/such/file.md -i docs")
        #expect(run.status == 4)
        #expect(run.error == "aisearch-sync: error: open /no/such/file.md: No such file or directory (ENOENT)\n")
        #expect(run.requests.isEmpty)
    }

    @Test func oversizedUploadIsRefusedBeforeSending() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("big.txt", bytes: [UInt8](repeating: 65, count: 4 * 1024 * 1024 + 1))
        let run = await runAPI(["items", "upload", path, "-i", "docs"])
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("aisearch-sync: error: \(path) is larger than 4 MiB, the most the API accepts for one file\n"))
        #expect(run.requests.isEmpty)
    }

    @Test(arguments: [
        ("items list -i docs --metadata-filter [1]", "--metadata-filter: '[1]' is not a JSON object"),
        ("instances create docs --custom-metadata year:int", "--custom-metadata: 'year:int' is not name:type with type text, number, boolean or datetime"),
        ("instances create docs --sync-interval 5m", "--sync-interval: must be between 15m (900 s) and 24h (86400 s)"),
        ("instances update docs", "nothing to update: pass at least one setting, e.g. --chunk-size or --paused"),
        ("instances update docs --paused --resume", "--paused and --resume cannot be used together"),
        ("instances create docs --type s3", "--type: 's3' is not one of: r2, web-crawler"),
        ("jobs get", "missing argument <job>: pass INSTANCE JOB, or JOB with --instance"),
        ("jobs get docs job-1 -i notes", "two instances given: 'docs' and --instance 'notes'; pass one"),
        ("items list --instnace docs", "unknown option '--instnace'; did you mean '--instance'?"),
    ])
    func usageErrorsExitTwoAndSendNothing(command: String, message: String) async {
        let run = await runAPI(command)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("aisearch-sync: error: \(message)\n"))
        #expect(run.requests.isEmpty)
    }
}

/// A transport whose every exchange fails to connect.
struct FailingTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        throw TransportError(code: .cannotConnect, detail: "connection refused")
    }
}

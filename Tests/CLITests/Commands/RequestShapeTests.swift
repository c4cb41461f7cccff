import AISearchAPI
import Testing

/// Each command sends exactly one call: the right method, path (under both path styles), query and body.
@Suite struct RequestShapeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var command: String
        /// Method and target after `/accounts/acc/ai-search` + the instances prefix (`/instances…`).
        var request: String
        var body: String = ""
        var result: String = "null"
        /// Namespace calls have one path whatever the style.
        var isNamespaceCall = false

        var testDescription: String { command }
    }

    static let instanceCases: [Case] = [
        Case(command: "instances list", request: "GET /instances", result: "[]"),
        Case(command: "instances list --page 2 --per-page 10 --search do", request: "GET /instances?page=2&per_page=10&search=do",
             result: "[]"),
        Case(command: "instances get docs", request: "GET /instances/docs", result: Fixture.instance),
        Case(command: "instances create docs --type r2 --source bucket --chunk-size 512 --chunk-overlap 64 "
                + "--embedding-model @cf/baai/bge-m3 --custom-metadata digest:text --custom-metadata year:number "
                + "--custom-metadata title --max-num-results 8 --sync-interval 6h --paused",
             request: "POST /instances",
             body: #"{"chunk_overlap":64,"chunk_size":512,"custom_metadata":[{"data_type":"text","field_name":"digest"},"#
                + #"{"data_type":"number","field_name":"year"},{"data_type":"text","field_name":"title"}],"#
                + #""embedding_model":"@cf/baai/bge-m3","id":"docs","max_num_results":8,"paused":true,"#
                + #""source":"bucket","sync_interval":21600,"type":"r2"}"#,
             result: Fixture.instance),
        Case(command: "instances create docs", request: "POST /instances", body: #"{"id":"docs"}"#, result: Fixture.instance),
        Case(command: "instances update docs --resume --chunk-size 256", request: "PUT /instances/docs",
             body: #"{"chunk_size":256,"paused":false}"#, result: Fixture.instance),
        Case(command: "instances delete docs -y", request: "DELETE /instances/docs", result: Fixture.instance),
        Case(command: "instances stats docs", request: "GET /instances/docs/stats", result: Fixture.stats),
    ]

    static let itemCases: [Case] = [
        Case(command: "items list -i docs", request: "GET /instances/docs/items", result: "[]"),
        Case(command: #"items list --instance docs --key a.md --item-id x --source builtin --status error --search a "#
                + #"--sort-by modified_at --metadata-filter {"folder":"r/"} --page 2 --per-page 5"#,
             request: "GET /instances/docs/items?page=2&per_page=5&key=a.md&item_id=x&source=builtin&status=error"
                + "&search=a&sort_by=modified_at&metadata_filter=%7B%22folder%22%3A%22r%2F%22%7D",
             result: "[]"),
        Case(command: "items get -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", request: "GET /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", result: Fixture.item),
        Case(command: "items create-or-update -i docs a.md --wait", request: "PUT /instances/docs/items",
             body: #"{"key":"a.md","next_action":"INDEX","wait_for_completion":true}"#, result: Fixture.item),
        Case(command: "items sync -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", request: "PATCH /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d",
             body: #"{"next_action":"INDEX"}"#, result: Fixture.item),
        Case(command: "items sync -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d --wait", request: "PATCH /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d",
             body: #"{"next_action":"INDEX","wait_for_completion":true}"#, result: Fixture.item),
        Case(command: "items delete -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d -y", request: "DELETE /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", result: #"{"key":"a.md"}"#),
        Case(command: "items logs -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d --cursor c1 --limit 5", request: "GET /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d/logs?cursor=c1&limit=5",
             result: "[]"),
        Case(command: "items chunks -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d --limit 5 --offset 10",
             request: "GET /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d/chunks?limit=5&offset=10", result: "[]"),
        Case(command: "items download -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", request: "GET /instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d/download"),
    ]

    static let jobCases: [Case] = [
        Case(command: "jobs create docs --description release", request: "POST /instances/docs/jobs",
             body: #"{"description":"release"}"#, result: Fixture.job),
        Case(command: "jobs create --instance docs", request: "POST /instances/docs/jobs", body: "{}", result: Fixture.job),
        Case(command: "jobs list docs --page 1 --per-page 20", request: "GET /instances/docs/jobs?page=1&per_page=20", result: "[]"),
        Case(command: "jobs list -i docs", request: "GET /instances/docs/jobs", result: "[]"),
        Case(command: "jobs get docs job-1", request: "GET /instances/docs/jobs/job-1", result: Fixture.job),
        Case(command: "jobs get job-1 --instance docs", request: "GET /instances/docs/jobs/job-1", result: Fixture.job),
        Case(command: "jobs cancel docs job-1 -y", request: "PATCH /instances/docs/jobs/job-1",
             body: #"{"action":"cancel"}"#, result: Fixture.job),
        Case(command: "jobs logs docs job-1 --page 2", request: "GET /instances/docs/jobs/job-1/logs?page=2", result: "[]"),
    ]

    static let namespaceCases: [Case] = [
        Case(command: "namespaces list", request: "GET /namespaces", result: "[]", isNamespaceCall: true),
        Case(command: "namespaces list --search re --per-page 3", request: "GET /namespaces?per_page=3&search=re", result: "[]",
             isNamespaceCall: true),
        Case(command: "namespaces get research", request: "GET /namespaces/research", result: Fixture.namespace,
             isNamespaceCall: true),
        Case(command: "namespaces create research --description Papers", request: "POST /namespaces",
             body: #"{"description":"Papers","name":"research"}"#, result: Fixture.namespace, isNamespaceCall: true),
        Case(command: "namespaces update research --description Papers", request: "PUT /namespaces/research",
             body: #"{"description":"Papers"}"#, result: Fixture.namespace, isNamespaceCall: true),
        Case(command: "namespaces delete research --force", request: "DELETE /namespaces/research", isNamespaceCall: true),
    ]

    @Test(arguments: instanceCases + itemCases + jobCases + namespaceCases, [false, true])
    func commandSendsItsCall(_ testCase: Case, legacyPaths: Bool) async {
        var arguments = testCase.command.split(separator: " ").map(String.init)
        if legacyPaths { arguments.append("--legacy-paths") }
        let run = await runAPI(arguments, responses: [.ok(testCase.result)])
        #expect(run.status == 0, "\(run.error)")
        let prefix = "/accounts/acc/ai-search" + (testCase.isNamespaceCall || legacyPaths ? "" : "/namespaces/default")
        let expected = testCase.request.replacing(" /", with: " " + prefix + "/", maxReplacements: 1)
        #expect(run.lines == [expected])
        #expect(run.requests.first?.bodyText == testCase.body)
        #expect(run.requests.first?.headers["Authorization"] == "Bearer " + Secrets.token)
    }

    @Test func namespaceOptionChangesTheInstancesPath() async {
        let run = await runAPI("instances get docs -n research", responses: [.ok(Fixture.instance)])
        #expect(run.lines == ["GET /accounts/acc/ai-search/namespaces/research/instances/docs"])
    }

    @Test func instanceComesFromTheEnvironment() async {
        let run = await runAPI("items get 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", responses: [.ok(Fixture.item)],
                               environment: Secrets.environment.merging(["AISEARCH_INSTANCE": "docs"]) { $1 })
        #expect(run.lines == ["GET /accounts/acc/ai-search/namespaces/default/instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d"])
    }

    @Test func baseURLOptionIsUsed() async {
        let run = await runAPI("instances list --base-url http://127.0.0.1:8787/client/v4/", responses: [.ok("[]")])
        #expect(run.requests.first?.url == "http://127.0.0.1:8787/client/v4/accounts/acc/ai-search/namespaces/default/instances")
    }

    @Test func uploadSendsTheFileAsMultipart() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("intro.md", "# Intro\n")
        let run = await runAPI(["items", "upload", path, "-i", "docs", "--metadata", #"{"digest":"ab12"}"#, "--wait"],
                               responses: [.ok(Fixture.item)])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines == ["POST /accounts/acc/ai-search/namespaces/default/instances/docs/items"])
        let request = try #require(run.requests.first)
        #expect(request.headers["Content-Type"] == "multipart/form-data; boundary=aisearch-sync-test-boundary")
        let body = request.bodyText
        #expect(body.contains(#"Content-Disposition: form-data; name="file"; filename="intro.md""#))
        #expect(body.contains("# Intro\n"))
        #expect(body.contains(#"name="metadata""# + "\r\n\r\n" + #"{"digest":"ab12"}"#))
        #expect(body.contains(#"name="wait_for_completion""# + "\r\n\r\ntrue"))
    }

    @Test func uploadKeyOptionNamesTheItem() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("intro.md", "x")
        let run = await runAPI(["items", "upload", path, "-i", "docs", "--key", "guide/intro.md"], responses: [.ok(Fixture.item)])
        #expect(run.requests.first?.bodyText.contains(#"filename="guide/intro.md""#) == true)
        #expect(run.requests.first?.bodyText.contains("wait_for_completion") == false)
    }
}

import AISearchAPI
import Testing

/// `--all` follows pages until a short page or the total; `--page`/`--per-page` pass through.
@Suite struct PagingTests {
    private static let prefix = "GET /accounts/acc/ai-search/namespaces/default/instances"

    @Test func instancesAllFollowsPagesUntilAShortPage() async {
        let run = await runAPI("instances list --all --per-page 1 --json", responses: [
            .ok("[\(Fixture.instance)]", resultInfo: #"{"page":1,"per_page":1,"count":1}"#),
            .ok("[\(Fixture.instance2)]", resultInfo: #"{"page":2,"per_page":1,"count":1}"#),
            .ok("[]", resultInfo: #"{"page":3,"per_page":1,"count":0}"#),
        ])
        #expect(run.status == 0)
        #expect(run.lines == [
            Self.prefix + "?page=1&per_page=1", Self.prefix + "?page=2&per_page=1", Self.prefix + "?page=3&per_page=1",
        ])
        #expect(run.output.contains(#""id" : "docs""#) && run.output.contains(#""id" : "notes""#))
    }

    @Test func allStopsAtTheTotalCount() async {
        let run = await runAPI("jobs list docs --all --per-page 1", responses: [
            .ok("[\(Fixture.job)]", resultInfo: #"{"page":1,"per_page":1,"total_count":2}"#),
            .ok("[\(Fixture.runningJob)]", resultInfo: #"{"page":2,"per_page":1,"total_count":2}"#),
        ])
        #expect(run.lines == [Self.prefix + "/docs/jobs?page=1&per_page=1", Self.prefix + "/docs/jobs?page=2&per_page=1"])
        #expect(run.output.contains("job-1") && run.output.contains("job-2"))
    }

    @Test func allStartsAtTheGivenPageWithFiftyAPage() async {
        let run = await runAPI("namespaces list --all --page 3", responses: [.ok("[\(Fixture.namespace)]")])
        #expect(run.lines == ["GET /accounts/acc/ai-search/namespaces?page=3&per_page=50"])
    }

    @Test func itemsAllFollowsPagesAndPrintsOneArray() async {
        let run = await runAPI("items list -i docs --all --per-page 1 --status queued --json", responses: [
            .ok("[\(Fixture.item)]", resultInfo: #"{"page":1,"per_page":1,"total_count":2}"#),
            .ok("[\(Fixture.item2)]", resultInfo: #"{"page":2,"per_page":1,"total_count":2}"#),
        ])
        #expect(run.status == 0)
        #expect(run.lines == [
            Self.prefix + "/docs/items?page=1&per_page=1&status=queued",
            Self.prefix + "/docs/items?page=2&per_page=1&status=queued",
        ])
        #expect(run.output.hasPrefix("[\n  {") && run.output.contains("guide/intro.md") && run.output.contains("notes.txt"))
    }

    @Test func allStopsWhenTheServerIgnoresThePage() async {
        let page = TransportResponse.ok("[\(Fixture.instance)]", resultInfo: #"{"per_page":1}"#)
        let run = await runAPI("instances list --all --per-page 1", route: { _ in page })
        #expect(run.requests.count == 2)
        #expect(run.output.components(separatedBy: "docs-bucket").count == 2)
    }

    @Test(arguments: ["--per-page 0", "--per-page 51", "--page 0", "--page x"])
    func badPagingIsAUsageError(_ option: String) async {
        let run = await runAPI("instances list " + option)
        #expect(run.status == 2)
        #expect(run.requests.isEmpty)
        #expect(run.error.hasPrefix("aisearch-sync: error: --p"))
    }
}

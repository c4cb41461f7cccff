import Testing

/// The small things of issue 17: an item named by its key or its id, a missing or malformed
/// instance answered locally with the same exit code everywhere (search and sync: CLIInstanceArgumentTests).
@Suite struct InstanceAndItemArgumentTests {
    static let uuid = "0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01"
    static let items = "GET /accounts/acc/ai-search/namespaces/default/instances/docs/items"

    @Test func anItemIsNamedByItsKeyOrItsID() async {
        let byKey = await runAPI("items get -i docs guide/intro.md", responses: [.ok("[\(Fixture.item)]"), .ok(Fixture.item)])
        #expect(byKey.status == 0, "\(byKey.error)")
        #expect(byKey.lines == ["\(Self.items)?per_page=50&key=guide%2Fintro.md", "\(Self.items)/\(Self.uuid)"])
        #expect(byKey.output.contains("guide/intro.md"))

        let byID = await runAPI("items sync -i docs \(Self.uuid)", responses: [.ok(Fixture.item)])
        #expect(byID.lines == ["PATCH /accounts/acc/ai-search/namespaces/default/instances/docs/items/\(Self.uuid)"])

        let missing = await runAPI("items download -i docs nothere.md", responses: [.ok("[]")])
        #expect(missing.status == 1)
        #expect(missing.error.hasPrefix("aisearch-sync: error: no item with key \"nothere.md\" in instance docs\n"), "\(missing.error)")
    }

    @Test(arguments: [
        ("items list", "no instance: pass --instance ID (or set AISEARCH_INSTANCE)"),
        ("items get guide/intro.md", "no instance: pass --instance ID (or set AISEARCH_INSTANCE)"),
        ("jobs list", "no instance: pass it as the INSTANCE argument or with --instance (or set AISEARCH_INSTANCE)"),
        ("jobs get job-1", "no instance: pass it as the INSTANCE argument or with --instance (or set AISEARCH_INSTANCE)"),
        ("items list -i Docs", #"--instance: "Docs" is not an instance id; use lowercase letters, digits, - and _, 1 to 64 characters"#),
        ("jobs list Docs", #"INSTANCE: "Docs" is not an instance id; use lowercase letters, digits, - and _, 1 to 64 characters"#),
        ("instances create Docs", #"instance id: "Docs" is not an instance id; use lowercase letters, digits, - and _, 1 to 64 characters"#),
    ])
    func aMissingOrMalformedInstanceExitsThreeBeforeAnyRequest(command: String, message: String) async {
        let run = await runAPI(command)
        #expect(run.status == 3, "\(run.error)")
        #expect(run.error.hasPrefix("aisearch-sync: error: \(message)\n"), "\(run.error)")
        #expect(run.requests.isEmpty)
    }

    @Test func aMistypedInstanceGetsTheLowercaseSpellingAndNoCreateHint() async {
        let run = await runAPI("items list -i Docs")
        #expect(run.error.contains("Did you mean docs?") && !run.error.contains("instances create"), "\(run.error)")
    }
}

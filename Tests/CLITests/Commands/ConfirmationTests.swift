import Testing

/// Destructive commands ask on a terminal, refuse without one, and never ask with -y.
@Suite struct ConfirmationTests {
    @Test(arguments: ["items delete -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", "instances delete docs", "namespaces delete research", "jobs cancel docs job-1"])
    func withoutATerminalAndWithoutYesTheyRefuse(_ command: String) async {
        let run = await runAPI(command)
        #expect(run.status == 2)
        #expect(run.error.contains("not confirmed: standard input is not a terminal; pass -y (--force) to "))
        #expect(run.requests.isEmpty)
    }

    @Test func refusalNamesTheItemAndTheInstance() async {
        let run = await runAPI("items delete -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d")
        #expect(run.error == """
            aisearch-sync: error: not confirmed: standard input is not a terminal; pass -y (--force) to delete item 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d from instance docs
            Run 'aisearch-sync items delete --help' for usage.

            """)
    }

    @Test func onATerminalYesDeletes() async {
        let run = await runAPI("items delete -i docs 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d", responses: [.ok(#"{"key":"a.md"}"#)], interactive: true, answers: ["y"])
        #expect(run.status == 0)
        #expect(run.error == "Delete item 5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d from instance docs? [y/N] ")
        #expect(run.lines == ["DELETE /accounts/acc/ai-search/namespaces/default/instances/docs/items/5f0c1d2e-3333-4a4b-8c8d-9e0f1a2b3c4d"])
    }

    @Test(arguments: ["", "n", "no", "maybe"])
    func onATerminalAnythingElseStops(_ answer: String) async {
        let run = await runAPI("instances delete docs", interactive: true, answers: [answer])
        #expect(run.status == 1)
        #expect(run.error == "Delete instance docs from namespace default and its index? [y/N] Nothing done.\n")
        #expect(run.requests.isEmpty)
    }

    @Test func endOfInputStops() async {
        let run = await runAPI("jobs cancel docs job-1", interactive: true)
        #expect(run.status == 1)
        #expect(run.error == "Cancel job job-1 of instance docs? [y/N] \nNothing done.\n")
        #expect(run.requests.isEmpty)
    }

    @Test func yesSkipsTheQuestionEvenOnATerminal() async {
        let run = await runAPI("jobs cancel docs job-1 --force", responses: [.ok(Fixture.job)], interactive: true)
        #expect(run.status == 0)
        #expect(run.error.isEmpty)
        #expect(run.requests.count == 1)
    }
}

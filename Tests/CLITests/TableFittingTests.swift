@testable import CLI
import Testing

/// Tables for terminals and pipes: ids shortened before keys, keys keep their tail, nothing cut
/// when piped, and a footer when a page is not the whole list.
@Suite struct TableFittingTests {
    static func items() -> Table {
        var table = Table(columns: [.key(), .init("STATUS"), .init("SIZE", alignment: .right), .identifier()])
        table.append(["manuals/operations/guide/intro.md", "completed", "1.5 KB", "0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01"])
        table.append(["notes.txt", "queued", "200 B", "7d1e2f3a-2222-4b5c-8d9e-0a1b2c3d4e5f"])
        return table
    }

    @Test func atEightyColumnsTheIdIsShortenedAndTheKeyKeptWhole() {
        #expect(Self.items().render(width: 80) == """
            KEY                                STATUS       SIZE  ID
            manuals/operations/guide/intro.md  completed  1.5 KB  0b6c9a2e-1111-4c1e-9d3e-7…
            notes.txt                          queued      200 B  7d1e2f3a-2222-4b5c-8d9e-0…

            """)
    }

    @Test func whenNarrowTheKeyKeepsItsTail() {
        #expect(Self.items().render(width: 50) == """
            KEY                   STATUS       SIZE  ID
            …/guide/intro.md      completed  1.5 KB  0b6c9a2e…
            notes.txt             queued      200 B  7d1e2f3a…

            """)
    }

    @Test func aKeyIsCutFromTheFrontAtASlash() {
        #expect(TextLayout.truncateHead("manuals/operations/guide/intro.md", to: 20) == "…/guide/intro.md")
        #expect(TextLayout.truncateHead("a-very-long-file-name.md", to: 10) == "…e-name.md")
        #expect(TextLayout.truncateHead("short.md", to: 10) == "short.md")
    }

    @Test func pipedTablesAreNeverCut() async {
        let run = await runAPI("items list -i docs", responses: [.ok("[\(Fixture.item),\(Fixture.item2)]")], width: 40)
        #expect(run.status == 0)
        #expect(!run.output.contains("…"), "\(run.output)")
        #expect(run.output.contains("0b6c9a2e-1111-4c1e-9d3e-7f2a5b8c0d01") && run.output.contains("guide/intro.md"))
    }

    @Test func aPageThatIsNotTheWholeListSaysSo() async {
        let run = await runAPI("items list -i docs --per-page 1",
                               responses: [.ok("[\(Fixture.item)]", resultInfo: #"{"count":1,"page":1,"per_page":1,"total_count":2477}"#)])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error == "1 of 2,477; --all for every page\n")
        #expect(Paging.grouped(1_234_567) == "1,234,567" && Paging.grouped(20) == "20")
    }
}

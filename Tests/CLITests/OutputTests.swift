@testable import CLI
import Foundation
import Testing

@Suite struct TableTests {
    static func sample() -> Table {
        Table(columns: [.init("KEY"), .init("SIZE", alignment: .right), .init("STATUS")], rows: [
            ["docs/intro.md", "1.2 KB", "indexed"],
            ["docs/reference/configuration.md", "18 KB", "queued"],
        ])
    }

    @Test func rendersAlignedColumnsWithoutTrailingSpaces() {
        #expect(Self.sample().render() == """
            KEY                                SIZE  STATUS
            docs/intro.md                    1.2 KB  indexed
            docs/reference/configuration.md   18 KB  queued

            """)
    }

    @Test func truncatesTheWidestColumnWithAnEllipsisToFit() {
        #expect(Self.sample().render(width: 36) == """
            KEY                    SIZE  STATUS
            docs/intro.md        1.2 KB  indexed
            docs/reference/con…   18 KB  queued

            """)
    }

    @Test func everyLineFitsTheWidth() {
        for width in 20...60 {
            for line in Self.sample().render(width: width).split(separator: "\n") {
                #expect(TextLayout.width(of: line) <= width, "width \(width): \(line)")
            }
        }
    }

    @Test func columnsMarkedWholeAreNeverCut() {
        var table = Table(columns: [.init("ID", isTruncatable: false), .init("NAME")])
        table.append(["0123456789abcdef", "a rather long description"])
        #expect(table.render(width: 30) == """
            ID                NAME
            0123456789abcdef  a rather lo…

            """)
    }

    @Test func stopsShrinkingAtTheMinimumWidth() {
        let table = Table(columns: [.init("A"), .init("B")], rows: [["abcdefgh", "abcdefgh"]])
        #expect(table.render(width: 5) == "A     B\nabc…  abc…\n")
    }

    @Test func emptyTablePrintsItsMessage() {
        #expect(Table(columns: [.init("ID")], emptyMessage: "No jobs yet.").render(width: 80) == "No jobs yet.\n")
    }

    @Test func cellsAreKeptOnOneLine() {
        let table = Table(columns: [.init("A"), .init("B")], rows: [["x\ny", "1\t2"]])
        #expect(table.render() == "A    B\nx y  1 2\n")
    }

    @Test func wideCharactersCountTwoColumns() {
        let table = Table(columns: [.init("NAME"), .init("N")], rows: [["文档.md", "1"], ["a.md", "2"]])
        #expect(table.render() == """
            NAME     N
            文档.md  1
            a.md     2

            """)
    }
}

@Suite struct TextLayoutTests {
    @Test func truncation() {
        #expect(TextLayout.truncate("abcdef", to: 6) == "abcdef")
        #expect(TextLayout.truncate("abcdef", to: 4) == "abc…")
        #expect(TextLayout.truncate("abcdef", to: 1) == "…")
        #expect(TextLayout.truncate("abcdef", to: 0) == "")
        #expect(TextLayout.truncate("文档文档", to: 5) == "文档…")
    }

    @Test func wrappingKeepsLongWordsWhole() {
        #expect(TextLayout.wrap("one two three four", to: 9) == ["one two", "three", "four"])
        #expect(TextLayout.wrap("a supercalifragilistic b", to: 5) == ["a", "supercalifragilistic", "b"])
        #expect(TextLayout.wrap("", to: 10) == [])
    }

    @Test func paragraphsRewrapButIndentedBlocksStayAsWritten() {
        let text = "First paragraph\nwraps here.\n\nExample:\n  tool --flag   value\n"
        #expect(TextLayout.wrapParagraphs(text, to: 40) == [
            "First paragraph wraps here.", "", "Example:", "  tool --flag   value",
        ])
    }
}

@Suite struct JSONOutputTests {
    struct Job: Encodable {
        var id: String
        var zebra: Int
        var apple: [String: String]
        var url: String
    }

    @Test func prettySortedAndStable() throws {
        let job = Job(id: "j1", zebra: 2, apple: ["b": "2", "a": "1"], url: "https://example.com/a/b")
        let text = try JSONOutput.string(job)
        #expect(text == """
            {
              "apple" : {
                "a" : "1",
                "b" : "2"
              },
              "id" : "j1",
              "url" : "https://example.com/a/b",
              "zebra" : 2
            }
            """)
        #expect(try JSONOutput.string(job) == text)
    }

    @Test func printJSONEndsWithANewline() async {
        let tree = CommandSpec("tool", abstract: "") { context in try context.printJSON(["k": 1]) }
        let terminal = CapturingTerminal()
        #expect(await runCLI(arguments: [], commands: tree, terminal: terminal, environment: [:]) == 0)
        #expect(terminal.standardOutput == "{\n  \"k\" : 1\n}\n")
    }
}

@Suite struct ProgressLineTests {
    @Test(arguments: [
        (true, "\ruploading 1/3\u{1B}[K" + "\ruploading 2/3 docs…\u{1B}[K" + "\r\u{1B}[Kuploaded 3 files\n"),
        (false, "uploading 1/3\nuploading 2/3 docs/a-long-name.md\nuploaded 3 files\n"),
    ])
    func rewritesOneLineOnATerminalAndWritesPlainLinesElsewhere(isInteractive: Bool, expected: String) {
        let terminal = CapturingTerminal(width: 20, isInteractive: isInteractive)
        let progress = ProgressLine(terminal: terminal)
        progress.update("uploading 1/3")
        progress.update("uploading 1/3")
        progress.update("uploading 2/3 docs/a-long-name.md")
        progress.finish("uploaded 3 files")
        #expect(terminal.standardError == expected)
        #expect(terminal.standardOutput == "")
    }

    @Test func clearErasesOnlyWhatWasShown() {
        let terminal = CapturingTerminal(isInteractive: true)
        let progress = ProgressLine(terminal: terminal, stream: .standardOutput)
        progress.clear()
        #expect(terminal.standardOutput == "")
        progress.update("working")
        progress.clear()
        #expect(terminal.standardOutput == "\rworking\u{1B}[K\r\u{1B}[K")
    }
}

@Suite struct TerminalTests {
    @Test func stylingOnlyWithColour() {
        #expect(CapturingTerminal(usesColor: false).styled("ok", .green) == "ok")
        #expect(CapturingTerminal(usesColor: true).styled("ok", .green) == "\u{1B}[32mok\u{1B}[0m")
    }

    @Test(arguments: [
        ([String: String](), true), (["NO_COLOR": "1"], false), (["NO_COLOR": ""], true), (["TERM": "dumb"], false),
    ])
    func colourRespectsNoColorAndDumbTerminals(environment: [String: String], allowed: Bool) {
        #expect(SystemTerminal.allowsColor(environment) == allowed)
    }

    @Test func widthComesFromColumns() {
        #expect(SystemTerminal.columns(["COLUMNS": "132"]) == 132)
        #expect(SystemTerminal.columns(["COLUMNS": "5"]) == 20)
        #expect(SystemTerminal.columns(["COLUMNS": "wide"]) == nil)
        #expect(SystemTerminal.columns([:]) == nil)
        #expect(SystemTerminal(environment: ["COLUMNS": "100"]).width == 100)
    }

    @Test func capturingTerminalKeepsWritesInOrder() {
        let terminal = CapturingTerminal()
        terminal.print("out")
        terminal.printError("err")
        #expect(terminal.writes.map(\.stream) == [.standardOutput, .standardError])
        #expect(terminal.writes.map(\.text) == ["out\n", "err\n"])
    }
}

@Suite struct ClosestMatchTests {
    @Test(arguments: [
        ("--instnace", "--instance"), ("--isntance", "--instance"), ("--instanc", "--instance"), ("--jsn", "--json"),
        ("lsit", "list"), ("stauts", "status"), ("--inst", "--instance"),
    ])
    func suggestsPlausibleTypos(typed: String, expected: String) {
        #expect(ClosestMatch.find(typed, among: ["--instance", "--json", "--page", "list", "status"]) == expected)
    }

    @Test(arguments: ["--frobnicate", "x", "deploy", "--p"])
    func staysQuietWhenNothingIsClose(typed: String) {
        #expect(ClosestMatch.find(typed, among: ["--instance", "--json", "--page", "--print", "list", "status"]) == nil)
    }

    @Test func editDistanceCountsASwapAsOne() {
        #expect(ClosestMatch.editDistance(Array("ab"), Array("ba")) == 1)
        #expect(ClosestMatch.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(ClosestMatch.editDistance([], Array("abc")) == 3)
    }
}

import AISearchAPI
import Foundation
import Testing
@testable import Emulator

@Suite struct KeywordIndexTests {
    private func index(_ documents: [(id: String, key: String, text: String)]) -> KeywordIndex {
        var index = KeywordIndex()
        for document in documents {
            index.add(itemID: document.id, key: document.key, text: document.text, metadata: nil,
                      timestamp: nil, chunkSize: nil, chunkOverlap: nil)
        }
        return index
    }

    private func keys(_ hits: [ScoredChunk]) -> [String] { hits.map(\.key) }

    @Test func documentWithARareWordRanksFirstForIt() {
        let documents = (0..<20).map { number in
            let rare = number == 13 ? " the zeppelin landed" : ""
            return (id: "id\(number)", key: "doc\(number).txt",
                    text: "the quick brown fox number \(number) jumps over the lazy dog\(rare).")
        }
        let index = index(documents)
        #expect(keys(index.search(query: "zeppelin")) == ["doc13.txt"])
        let hits = index.search(query: "the zeppelin", mode: .or, maxResults: 50)
        #expect(hits.count == 20)
        #expect(hits.first?.key == "doc13.txt")
        #expect(hits.map(\.keywordRank) == Array(1...20))
    }

    @Test func andNeedsEveryTermWhileOrNeedsAny() {
        let index = index([
            (id: "a", key: "a.md", text: "alpha beta"),
            (id: "b", key: "b.md", text: "alpha gamma"),
            (id: "c", key: "c.md", text: "beta delta"),
            (id: "d", key: "d.md", text: "gamma delta"),
        ])
        #expect(keys(index.search(query: "alpha beta", mode: .and)) == ["a.md"])
        #expect(keys(index.search(query: "Alpha BETA")) == ["a.md"], "and is the default")
        let either = index.search(query: "alpha beta", mode: .or)
        #expect(either.first?.key == "a.md")
        #expect(Set(keys(either)) == ["a.md", "b.md", "c.md"])
        #expect(index.search(query: "alpha unknownword", mode: .and).isEmpty)
        #expect(keys(index.search(query: "alpha unknownword", mode: .or)).sorted() == ["a.md", "b.md"])
    }

    @Test func readdingAnItemReplacesItsWords() {
        var index = KeywordIndex()
        index.add(itemID: "x", key: "notes.txt", text: "the walrus sleeps", metadata: nil, timestamp: 1,
                  chunkSize: nil, chunkOverlap: nil)
        #expect(keys(index.search(query: "walrus")) == ["notes.txt"])
        index.add(itemID: "x", key: "notes.txt", text: "the narwhal swims", metadata: ["v": .int(2)], timestamp: 2,
                  chunkSize: nil, chunkOverlap: nil)
        #expect(index.search(query: "walrus", mode: .or).isEmpty)
        let hits = index.search(query: "narwhal")
        #expect(hits.map(\.text) == ["the narwhal swims"])
        #expect(hits.first?.metadata == ["v": .int(2)] && hits.first?.timestamp == 2)
        #expect(index.chunks(forItem: "x").map(\.text) == ["the narwhal swims"])
        #expect(index.itemCount == 1 && index.chunkCount == 1)
    }

    @Test func removedItemsNeverAppear() {
        var index = index([
            (id: "keep", key: "keep.txt", text: "shared words and a keeper"),
            (id: "gone", key: "gone.txt", text: "shared words and a goner"),
        ])
        index.remove(itemID: "gone")
        index.remove(itemID: "never-added")
        for mode in KeywordMatchMode.allCases {
            #expect(index.search(query: "goner", mode: mode).isEmpty)
            #expect(keys(index.search(query: "shared words goner", mode: .or, maxResults: 50)) == ["keep.txt"])
            #expect(keys(index.search(query: "shared", mode: mode)) == ["keep.txt"])
        }
        #expect(index.chunks(forItem: "gone").isEmpty)
        #expect(!index.contains(itemID: "gone") && index.contains(itemID: "keep"))
        #expect(index.chunkCount(forItem: "gone") == 0)
    }

    /// Many removals force compactions; answers must equal those of an index built from the
    /// survivors alone, scores included.
    @Test func answersDependOnlyOnTheLiveItemsNotOnHistory() {
        var churned = KeywordIndex()
        var survivors: [(id: String, key: String, text: String)] = []
        for number in 0..<3000 {
            let document = (id: "id\(number)", key: "k\(number % 97)/\(number).txt",
                            text: "common term\(number) tag\(number % 7) and some filler text \(number % 13)")
            churned.add(itemID: document.id, key: document.key, text: document.text, metadata: nil, timestamp: nil,
                        chunkSize: nil, chunkOverlap: nil)
            if number % 3 == 0 { survivors.append(document) }
        }
        for number in 0..<3000 where number % 3 != 0 { churned.remove(itemID: "id\(number)") }
        #expect(churned.slots.count < 3000, "a compaction ran")
        let fresh = index(survivors.reversed())
        #expect(churned.chunkCount == 1000 && fresh.chunkCount == 1000)
        for query in ["common", "term4", "term5", "tag3 filler", "tag2 12", "nothing"] {
            for mode in KeywordMatchMode.allCases {
                #expect(churned.search(query: query, mode: mode, maxResults: 50) ==
                        fresh.search(query: query, mode: mode, maxResults: 50))
            }
        }
        #expect(churned.search(query: "term5").isEmpty)
        #expect(keys(churned.search(query: "term6")) == ["k6/6.txt"])
    }

    @Test func caseFoldingMatchesAcrossCaseAndAccents() {
        let index = index([(id: "u", key: "umlaut.txt", text: "Übung macht den Meister"),
                           (id: "s", key: "street.txt", text: "Die Straße ist lang")])
        for query in ["übung", "ÜBUNG", "Übung", "ubung"] { #expect(keys(index.search(query: query)) == ["umlaut.txt"]) }
        #expect(keys(index.search(query: "STRASSE")) == ["street.txt"])
    }

    @Test func cjkTextMatchesByIdeograph() {
        let index = index([(id: "t", key: "tokyo.txt", text: "東京タワーへ行く"),
                           (id: "k", key: "kyoto.txt", text: "京都の寺")])
        #expect(keys(index.search(query: "東京")) == ["tokyo.txt"])
        #expect(Set(keys(index.search(query: "東京", mode: .or))) == ["tokyo.txt", "kyoto.txt"])
    }

    /// Three one-chunk documents; expected values worked out by hand from the BM25 formula.
    /// N = 3, lengths 3, 2, 4, so avgdl = 3.
    @Test func bm25ScoresMatchAHandComputedExample() throws {
        let index = index([(id: "1", key: "d1", text: "apple banana apple"),
                           (id: "2", key: "d2", text: "banana cherry"),
                           (id: "3", key: "d3", text: "cherry date elder fig")])
        // "apple": n = 1, idf = ln(1 + 2.5/1.5) = ln(8/3); d1: tf = 2, dl/avgdl = 1,
        // so tf(k1+1)/(tf + k1) = 4.4/3.2.
        let apple = index.search(query: "apple")
        try #require(apple.count == 1)
        #expect(abs(apple[0].keywordScore - log(8.0 / 3.0) * 4.4 / 3.2) < 1e-12)
        #expect(apple[0].score == 1 && apple[0].keywordRank == 1)

        // "banana cherry": n = 2 for both, idf = ln(1 + 1.5/2.5) = ln(1.6).
        // d1: banana tf 1, dl 3: K = 1.2 · (0.25 + 0.75 · 3/3) = 1.2, term = 2.2/2.2 = 1.
        // d2: both tf 1, dl 2: K = 1.2 · (0.25 + 0.75 · 2/3) = 0.9, each term 2.2/1.9.
        // d3: cherry tf 1, dl 4: K = 1.2 · (0.25 + 0.75 · 4/3) = 1.5, term = 2.2/2.5.
        let idf = log(1.6)
        let expected = [("d2", 2 * idf * 2.2 / 1.9), ("d1", idf * 1.0), ("d3", idf * 2.2 / 2.5)]
        let hits = index.search(query: "banana cherry", mode: .or)
        try #require(hits.count == 3)
        for (hit, (key, score)) in zip(hits, expected) {
            #expect(hit.key == key)
            #expect(abs(hit.keywordScore - score) < 1e-12)
            #expect(abs(hit.score - score / expected[0].1) < 1e-12)
        }
        #expect(hits.map(\.keywordRank) == [1, 2, 3])
        #expect(keys(index.search(query: "banana cherry", mode: .and)) == ["d2"])
    }

    /// Normalised scores for "banana cherry" above: d2 1, d1 1.9/4.4 ≈ 0.432, d3 0.88 · 1.9/4.4 ≈ 0.38.
    @Test(arguments: [(0.0, ["d2", "d1", "d3"]), (0.4, ["d2", "d1"]), (0.45, ["d2"]), (1.0, ["d2"]),
                      (-3.0, ["d2", "d1", "d3"]), (7.0, ["d2"]), (.nan, ["d2", "d1", "d3"])])
    func matchThresholdDropsHitsWithALowerNormalisedScore(threshold: Double, expected: [String]) {
        let index = index([(id: "1", key: "d1", text: "apple banana apple"),
                           (id: "2", key: "d2", text: "banana cherry"),
                           (id: "3", key: "d3", text: "cherry date elder fig")])
        #expect(keys(index.search(query: "banana cherry", mode: .or, matchThreshold: threshold)) == expected)
    }

    @Test func maxResultsIsClampedToOneThroughFifty() {
        let index = index((0..<80).map { (id: "\($0)", key: "f\($0)", text: "same words here") })
        #expect(index.search(query: "same").count == 10)
        #expect(index.search(query: "same", maxResults: 0).count == 1)
        #expect(index.search(query: "same", maxResults: -5).count == 1)
        #expect(index.search(query: "same", maxResults: 1000).count == 50)
    }

    @Test func searchIsDeterministicAndBreaksTiesByKeyThenChunkStart() {
        let documents = (0..<30).map { number in
            (id: "id\(number)", key: "key\(number % 10)-\(number)", text: "tie tie words \(number % 4)")
        }
        let first = index(documents), second = index(documents.shuffled())
        for query in ["tie", "words 2", "tie 3"] {
            for mode in KeywordMatchMode.allCases {
                let hits = first.search(query: query, mode: mode, maxResults: 50)
                #expect(hits == first.search(query: query, mode: mode, maxResults: 50))
                #expect(hits == second.search(query: query, mode: mode, maxResults: 50))
            }
        }
        let ties = first.search(query: "tie", maxResults: 50)
        #expect(keys(ties) == keys(ties).sorted())

        var long = KeywordIndex()
        long.add(itemID: "l", key: "long.txt", text: Array(repeating: "echo", count: 100).joined(separator: " "),
                 metadata: nil, timestamp: nil, chunkSize: 10, chunkOverlap: 0)
        let starts = long.search(query: "echo", maxResults: 50).map(\.startByte)
        #expect(starts == starts.sorted() && starts.count == 10)
    }

    @Test(arguments: ["", "   ", "?!", "\n"])
    func blankQueryFindsNothing(_ query: String) {
        let index = index([(id: "1", key: "a", text: "anything at all ? !")])
        #expect(index.search(query: query, mode: .or).isEmpty)
    }

    @Test func itemFilterDropsItemsWithoutChangingScores() {
        let index = index([(id: "1", key: "a", text: "red green"), (id: "2", key: "b", text: "red blue"),
                           (id: "3", key: "c", text: "blue yellow")])
        let all = index.search(query: "red")
        let filtered = index.search(query: "red", itemFilter: { $0 != "1" })
        #expect(keys(filtered) == ["b"])
        #expect(filtered.first?.keywordScore == all.first { $0.key == "b" }?.keywordScore)
        #expect(filtered.first?.keywordRank == 1 && filtered.first?.score == 1)
    }

    @Test func hitsCarryTheItemAndChunk() throws {
        var index = KeywordIndex()
        let text = "Préface\n\nThe needle is here.\n\nUnrelated closing paragraph with more words in it."
        index.add(itemID: "item-1", key: "dir/book.md", text: text, metadata: ["lang": .string("en")],
                  timestamp: 1_700_000_000, chunkSize: 6, chunkOverlap: 0)
        let hit = try #require(index.search(query: "needle").first)
        let bytes = Array(text.utf8)
        #expect(hit.itemID == "item-1" && hit.key == "dir/book.md")
        #expect(hit.text == String(decoding: bytes[hit.startByte..<hit.endByte], as: UTF8.self))
        #expect(hit.text.contains("needle") && !hit.text.contains("Unrelated"))
        #expect(hit.metadata == ["lang": .string("en")] && hit.timestamp == 1_700_000_000)
        let chunk = try #require(index.chunks(forItem: "item-1").first { $0.id == hit.chunkID })
        #expect(chunk.text == hit.text && chunk.startByte == hit.startByte && chunk.endByte == hit.endByte)
        #expect(chunk.item == ItemChunk.ItemReference(key: "dir/book.md", metadata: ["lang": .string("en")],
                                                      timestamp: 1_700_000_000))
    }

    @Test func emptyItemHasNoChunksButIsKnown() {
        var index = KeywordIndex()
        index.add(itemID: "e", key: "empty.txt", text: "", metadata: nil, timestamp: nil, chunkSize: nil, chunkOverlap: nil)
        #expect(index.contains(itemID: "e") && index.chunks(forItem: "e").isEmpty && index.chunkCount == 0)
        #expect(index.search(query: "anything", mode: .or).isEmpty)
    }
}

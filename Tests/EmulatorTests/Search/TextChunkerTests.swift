import Hashing
import AISearchAPI
import Testing
@testable import Emulator

@Suite struct TextChunkerTests {
    @Test func defaultsAreCloudflares() {
        let chunker = TextChunker()
        #expect(chunker.chunkSize == 256)
        #expect(chunker.overlapPercent == 10)
        #expect(TextChunker(chunkSize: 0, overlapPercent: 90) == TextChunker(chunkSize: 1, overlapPercent: 30))
    }

    @Test func emptyTextHasNoChunksAndBlankTextHasOne() {
        #expect(TextChunker().chunkRanges(of: "").isEmpty)
        #expect(TextChunker().chunkRanges(of: " \n\n ") == [0..<4])
    }

    @Test func shortTextIsOneChunkCoveringEveryByte() {
        let text = "  Hello, wörld.\n"
        #expect(TextChunker().chunkRanges(of: text) == [0..<text.utf8.count])
    }

    @Test func chunksEndAtParagraphsWhenTheyCan() {
        let paragraph = (1...30).map { "word\($0)" }.joined(separator: " ")
        let text = Array(repeating: paragraph, count: 6).joined(separator: "\n\n")
        let chunks = chunkTexts(text, size: 50, overlap: 0)
        #expect(chunks.count == 6)
        for chunk in chunks.dropLast() { #expect(chunk.hasSuffix("word30\n\n")) }
    }

    @Test func chunksPreferSentenceEndsOverOtherSpaces() {
        let sentence = (1...9).map { "w\($0)" }.joined(separator: " ") + "."
        let text = Array(repeating: sentence, count: 20).joined(separator: " ")
        for chunk in chunkTexts(text, size: 16, overlap: 0).dropLast() {
            #expect(chunk.hasSuffix(". "))
        }
    }

    @Test func overlapRepeatsTheTailOfThePreviousChunkFromAWordStart() throws {
        let text = (0..<1000).map { "w\($0)" }.joined(separator: " ")
        let ranges = TextChunker(chunkSize: 100, overlapPercent: 10).chunkRanges(of: text)
        let bytes = Array(text.utf8)
        #expect(ranges.count == 11) // 100 tokens, then steps of 90: 0, 90, …, 900
        for (previous, next) in zip(ranges, ranges.dropFirst()) {
            #expect(next.lowerBound < previous.upperBound)
            let overlapText = String(decoding: bytes[next.lowerBound..<previous.upperBound], as: UTF8.self)
            #expect(KeywordTokenizer.terms(in: overlapText).count == 10)
            #expect(bytes[next.lowerBound] == UInt8(ascii: "w") && bytes[next.lowerBound - 1] == UInt8(ascii: " "))
        }
    }

    @Test func aWordLongerThanAChunkIsSplitAndStillCovered() {
        let word = String(repeating: "abcdefgh", count: 40) // 40 tokens
        let text = "short " + word + " tail"
        let ranges = TextChunker(chunkSize: 8, overlapPercent: 0).chunkRanges(of: text)
        #expect(ranges.count > 5)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == text.utf8.count)
        for (previous, next) in zip(ranges, ranges.dropFirst()) { #expect(previous.upperBound == next.lowerBound) }
    }

    /// Coverage, order, exact text, token budget and no mid-word splits, over generated texts.
    @Test(arguments: 0..<4)
    func chunkOffsetsCoverTheTextAndMatchItsBytes(batch: Int) throws {
        var random = SeededGenerator(seed: 0x5EED_0000 + UInt64(batch))
        for _ in 0..<100 {
            let longWords = random.next() % 3 == 0
            let text = generatedText(using: &random, longWords: longWords)
            let size = Int(random.next() % 40) + 1
            let overlap = Int(random.next() % 31)
            let bytes = Array(text.utf8)
            var index = KeywordIndex()
            index.add(itemID: "i", key: "k.txt", text: text, metadata: nil, timestamp: nil,
                      chunkSize: size, chunkOverlap: overlap)
            let chunks = index.chunks(forItem: "i")
            try #require(!chunks.isEmpty || bytes.isEmpty)
            guard let first = chunks.first, let last = chunks.last else { continue }
            #expect(first.startByte == 0)
            #expect(last.endByte == bytes.count)
            for (previous, next) in zip(chunks, chunks.dropFirst()) {
                let (p0, p1, n0, n1) = (previous.startByte!, previous.endByte!, next.startByte!, next.endByte!)
                #expect(n0 > p0 && n1 > p1, "chunks in order")
                #expect(n0 <= p1, "no gap between \(p1) and \(n0) in \(text.debugDescription)")
                if size >= 2 && !longWords {
                    #expect(!(endsInWord(bytes[..<p1]) && startsInWord(bytes[p1...])),
                            "split inside a word at \(p1) in \(text.debugDescription)")
                }
            }
            for (position, chunk) in chunks.enumerated() {
                let range = chunk.startByte!..<chunk.endByte!
                #expect(!range.isEmpty)
                #expect(Array(chunk.text.utf8) == Array(bytes[range]), "cut inside a UTF-8 character")
                #expect(chunk.text == String(decoding: bytes[range], as: UTF8.self))
                #expect(chunk.id == "i:\(position)")
                #expect(TextChunker.tokens(of: chunk.text).tokens.count <= size)
            }
        }
    }

    private func chunkTexts(_ text: String, size: Int, overlap: Int) -> [String] {
        let bytes = Array(text.utf8)
        return TextChunker(chunkSize: size, overlapPercent: overlap).chunkRanges(of: text)
            .map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    private func endsInWord(_ bytes: ArraySlice<UInt8>) -> Bool {
        String(decoding: bytes, as: UTF8.self).last.map { CharacterKind($0) == .word } ?? false
    }

    private func startsInWord(_ bytes: ArraySlice<UInt8>) -> Bool {
        String(decoding: bytes, as: UTF8.self).first.map { CharacterKind($0) == .word } ?? false
    }
}

/// Text of words (ASCII, accented, composed and decomposed, Cyrillic, CJK, emoji), punctuation,
/// spaces, line breaks and blank lines; with `longWords`, also words far longer than a chunk.
private func generatedText(using random: inout SeededGenerator, longWords: Bool) -> String {
    let words = ["the", "Übung", "naïve", "cafe\u{301}", "Straße", "東京", "タワー", "мир", "x", "42",
                 "👩‍👩‍👧", "🇩🇪", "well-known", "don't", "e\u{301}\u{302}", "日本語", "ok"]
    let separators = [" ", " ", " ", ", ", ". ", "\n", "\n\n", "\r\n", "\t", "—", "。"]
    var text = random.next() % 4 == 0 ? " " : ""
    for _ in 0..<Int(random.next() % 120) {
        if longWords && random.next() % 10 == 0 {
            text += String(repeating: words[Int(random.next() % UInt64(words.count))], count: Int(random.next() % 30) + 5)
        } else {
            text += words[Int(random.next() % UInt64(words.count))]
        }
        text += separators[Int(random.next() % UInt64(separators.count))]
    }
    return text
}

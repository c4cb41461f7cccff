import Testing
@testable import Emulator

@Suite struct KeywordTokenizerTests {
    @Test func wordsAreLowercasedAndSplitAtNonWordCharacters() {
        #expect(KeywordTokenizer.terms(in: "Hello, World! It's 2024: snake_case.") ==
                ["hello", "world", "it", "s", "2024", "snake", "case"])
    }

    @Test func caseAndDiacriticsAreFolded() {
        #expect(KeywordTokenizer.terms(in: "Übung ÜBUNG übung") == ["ubung", "ubung", "ubung"])
        #expect(KeywordTokenizer.terms(in: "Straße") == ["strasse"])
        #expect(KeywordTokenizer.terms(in: "ΣΊΣΥΦΟΣ") == KeywordTokenizer.terms(in: "σίσυφος"))
        #expect(KeywordTokenizer.terms(in: "Ａｂｃ") == ["abc"])
    }

    @Test func decomposedAndPrecomposedLettersGiveTheSameTerm() {
        #expect(KeywordTokenizer.terms(in: "cafe\u{301}") == KeywordTokenizer.terms(in: "caf\u{E9}"))
        #expect(KeywordTokenizer.terms(in: "cafe\u{301}") == ["cafe"])
    }

    @Test func lettersAndDigitsOfAnyScriptAreWordCharacters() {
        #expect(KeywordTokenizer.terms(in: "Привет мир ١٢٣ γειά") == ["привет", "мир", "١٢٣", "γεια"])
    }

    @Test func eachIdeographAndKanaIsATerm() {
        #expect(KeywordTokenizer.terms(in: "東京タワーへ行く") == ["東", "京", "タ", "ワ", "ー", "へ", "行", "く"])
        #expect(KeywordTokenizer.terms(in: "Tokyo東京") == ["tokyo", "東", "京"])
    }

    @Test func queryTermsAreDistinctInFirstAppearanceOrder() {
        #expect(KeywordTokenizer.queryTerms(in: "b a B c a") == ["b", "a", "c"])
    }

    @Test(arguments: ["", "   ", "\n\t", "!!! ... ---", "👍🏽 🎉"])
    func textWithoutWordCharactersHasNoTerms(_ text: String) {
        #expect(KeywordTokenizer.terms(in: text).isEmpty)
    }
}

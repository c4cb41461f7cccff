import Foundation

/// Cuts text into the search terms the keyword index matches on.
///
/// The rules, modelled on SQLite FTS5's `unicode61` tokenizer (the usual home of BM25 keyword
/// search) with one addition for scripts written without spaces:
/// - A term is a maximal run of word characters: a `Character` that is a letter or a number in
///   any script (`Character.isLetter`/`isNumber`, so a letter with combining accents is one word
///   character). Everything else (spaces, punctuation, symbols, `_`) separates terms.
/// - Each Han ideograph and each kana is a term of its own (Chinese and Japanese put no spaces
///   between words, so a run would be one useless giant term).
/// - Terms are folded: full Unicode case folding (`ß` → `ss`), diacritics removed (`Übung` →
///   `ubung`) and width folded (`Ａ` → `a`), through Foundation's `folding(options:locale:)` with
///   no locale, so the result does not depend on the machine's language settings.
///
/// Pure and deterministic: the same text always gives the same terms in text order.
public enum KeywordTokenizer {
    /// The folded terms of `text`, in text order, repeats included.
    public static func terms(in text: some StringProtocol) -> [String] {
        var terms: [String] = []
        var word = ""
        for character in text {
            switch CharacterKind(character) {
            case .word:
                word.append(character)
            case .ideograph:
                if !word.isEmpty { terms.append(fold(word)); word = "" }
                terms.append(fold(String(character)))
            case .space, .newline, .symbol:
                if !word.isEmpty { terms.append(fold(word)); word = "" }
            }
        }
        if !word.isEmpty { terms.append(fold(word)) }
        return terms
    }

    /// The distinct terms of `text` in order of first appearance: what a query searches for.
    /// Empty when `text` has no word characters at all (blank or punctuation only).
    public static func queryTerms(in text: some StringProtocol) -> [String] {
        var seen: Set<String> = []
        return terms(in: text).filter { seen.insert($0).inserted }
    }

    /// Case-, diacritic- and width-folds one term. ASCII takes a fast path with the same result.
    static func fold(_ term: String) -> String {
        if term.utf8.allSatisfy({ $0 < 0x80 }) { return term.lowercased() }
        return term.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}

/// How the tokenizer and the chunker see one `Character`.
enum CharacterKind: Equatable {
    /// A letter or number outside the ideographic scripts: part of a word.
    case word
    /// A Han ideograph or a kana: a word by itself.
    case ideograph
    /// Horizontal white space.
    case space
    /// A line break (`\n`, `\r\n`, `\r`, U+2028, …).
    case newline
    /// Punctuation, symbols and anything else.
    case symbol

    init(_ character: Character) {
        if let ascii = character.asciiValue {
            switch ascii {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                self = .word
            case 0x0A, 0x0D: // `"\r\n".asciiValue` is 0x0A too
                self = .newline
            case 0x09, 0x0B, 0x0C, 0x20:
                self = .space
            default:
                self = .symbol
            }
            return
        }
        let first = character.unicodeScalars.first!
        if first.properties.isIdeographic || (Self.isKana(first) && character.isLetter) {
            self = .ideograph
        } else if character.isLetter || character.isNumber {
            self = .word
        } else if character.isNewline {
            self = .newline
        } else if character.isWhitespace {
            self = .space
        } else {
            self = .symbol
        }
    }

    private static func isKana(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F, 0x1B000...0x1B16F: true
        default: false
        }
    }
}

/// Measuring, truncating and wrapping text for fixed-width output.
///
/// Widths are in terminal columns: one per character, two for East Asian wide characters and
/// emoji (an approximation of Unicode's East Asian Width without a table), so tables of Chinese
/// or Japanese file names still line up.
public enum TextLayout {
    /// The number of columns `text` takes.
    public static func width(of text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return scalar.properties.generalCategory == .control ? 0 : 1
        }
    }

    /// `text` cut to at most `columns` columns, ending in `…` when anything was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard width(of: text) > columns else { return text }
        guard columns > 0 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let characterWidth = width(of: character)
            if used + characterWidth > columns - 1 { break }
            result.append(character)
            used += characterWidth
        }
        return result + "…"
    }

    /// `text` cut to at most `columns` columns from the front, starting with `…` when anything
    /// was cut, keeping a path's tail from a `/` when one is in what fits (`…/guide/intro.md`).
    public static func truncateHead(_ text: String, to columns: Int) -> String {
        guard width(of: text) > columns else { return text }
        guard columns > 0 else { return "" }
        var kept: [Character] = []
        var used = 0
        for character in text.reversed() {
            let characterWidth = width(of: character)
            if used + characterWidth > columns - 1 { break }
            kept.append(character)
            used += characterWidth
        }
        var tail = String(kept.reversed())
        if tail.first != "/", let slash = tail.firstIndex(of: "/"), tail[tail.index(after: slash)...].count > 0 {
            tail = String(tail[slash...])
        }
        return "…" + tail
    }

    /// `text` followed by spaces up to `columns` (or `text` unchanged if it is wider).
    public static func pad(_ text: String, to columns: Int, alignRight: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, columns - width(of: text)))
        return alignRight ? padding + text : text + padding
    }

    /// Splits `text` into lines of at most `columns` columns at spaces; a word longer than a line
    /// gets a line of its own.
    public static func wrap(_ text: String, to columns: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            if line.isEmpty {
                line = String(word)
            } else if width(of: line) + 1 + width(of: word) <= columns {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Wraps prose paragraph by paragraph (paragraphs are separated by blank lines); a paragraph
    /// whose lines start with a space (an example, a list) is kept exactly as written.
    public static func wrapParagraphs(_ text: String, to columns: Int) -> [String] {
        var lines: [String] = []
        let paragraphs = text.split(separator: "\n", omittingEmptySubsequences: false)
            .split { $0.allSatisfy(\.isWhitespace) }
        for (number, paragraph) in paragraphs.enumerated() {
            if number > 0 { lines.append("") }
            if paragraph.contains(where: { $0.first?.isWhitespace == true }) {
                lines += paragraph.map { String($0.reversed().drop(while: \.isWhitespace).reversed()) }
            } else {
                lines += wrap(paragraph.joined(separator: " "), to: columns)
            }
        }
        return lines
    }
}

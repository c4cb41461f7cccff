import AISearchAPI
import Foundation

/// How the API commands show results: a table or a detail list for people, the API's `result`
/// as JSON with `--json`. Dates are shown as the API sends them, shortened to
/// `2025-06-01 10:00:00` when they are UTC ISO 8601 timestamps; sizes in binary units.
enum Presentation {
    /// `--json`: `value` as JSON; otherwise whatever `human` prints.
    static func show(_ value: some Encodable, _ context: CommandContext, human: () throws -> Void) throws {
        if try context.arguments.flag(GlobalOptions.json.name) {
            try context.printJSON(value)
        } else {
            try human()
        }
    }

    /// Field names and values in two aligned columns, no header: the human form of one object.
    /// Fields whose value is `nil` are left out.
    static func details(_ fields: [(String, String?)], _ context: CommandContext) {
        let present = fields.compactMap { name, value in value.map { (name, $0) } }
        let width = present.map { TextLayout.width(of: $0.0) }.max() ?? 0
        for (name, value) in present {
            let line = TextLayout.pad(name, to: width) + "  " + value.replacing("\n", with: " ")
            context.print(String(line.reversed().drop { $0 == " " }.reversed()))
        }
    }

    /// `2025-06-01T10:00:00.123Z` as `2025-06-01 10:00` (tables) or `2025-06-01 10:00:00`
    /// (`seconds`, detail lists); anything but a UTC timestamp unchanged; `-` for none.
    static func date(_ text: String?, seconds: Bool = false) -> String {
        guard let text, !text.isEmpty else { return "-" }
        let isUTC = text.hasSuffix("Z") || text.hasSuffix("+00:00")
        let characters = Array(text)
        guard isUTC, characters.count >= 19, characters[10] == "T" else { return text }
        return String(characters[0..<10]) + " " + String(characters[11..<(seconds ? 19 : 16)])
    }

    /// Seconds since the epoch as `2025-06-01 10:00:00`.
    static func date(epochSeconds: Double, seconds: Bool = true) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return date(formatter.string(from: Date(timeIntervalSince1970: epochSeconds)), seconds: seconds)
    }

    /// `512 B`, `1.5 KiB`, `3.0 MiB`; `-` when unknown.
    static func size(_ bytes: Int64?) -> String {
        guard let bytes else { return "-" }
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" { return String(format: "%.1f", value) + " " + unit }
            value /= 1024
        }
        return "\(bytes) B"
    }

    /// The first 8 characters of a checksum, enough to compare by eye.
    static func shortChecksum(_ checksum: String) -> String {
        checksum.isEmpty ? "-" : String(checksum.prefix(8))
    }

    static func text(_ value: (some CustomStringConvertible)?) -> String? {
        value.map(\.description)
    }

    static func yesNo(_ value: Bool?) -> String? {
        value.map { $0 ? "yes" : "no" }
    }

    /// A JSON value on one line with sorted keys, for nested settings and metadata.
    static func json(_ value: [String: JSONValue]?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return JSONValue.object(value).jsonText
    }
}

import Foundation

/// JSON for `--json` output: pretty-printed, keys sorted, slashes unescaped, dates as ISO 8601.
/// The same value always renders to the same text, so output can be diffed and tested.
public enum JSONOutput {
    /// `value` as JSON text (no trailing newline).
    public static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

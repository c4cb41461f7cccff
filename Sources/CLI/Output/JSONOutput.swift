import Foundation

/// JSON for `--json` output: pretty-printed, keys sorted, slashes unescaped, dates as ISO 8601,
/// property names in snake_case (`estimated_seconds`; names already in snake_case stay). Every
/// `--json` answer goes through here, so none leaks a Swift name. The keys of dictionaries
/// (item metadata, for one) are data and stay as they are. The same value always renders to
/// the same text, so output can be diffed and tested.
public enum JSONOutput {
    /// `value` as JSON text (no trailing newline).
    public static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

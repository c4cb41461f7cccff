@testable import CLI
import Foundation
import Testing

/// One JSON printer for every `--json`: snake_case keys, data keys left as they are.
@Suite struct SnakeCaseJSONTests {
    struct Sample: Encodable {
        var estimatedSeconds = 1.5
        var itemID = "a"
        var metadata = ["myField": "kept", "aisearch_sha256": "x"]
    }

    @Test func propertyNamesBecomeSnakeCaseButDictionaryKeysStay() throws {
        let text = try JSONOutput.string(Sample())
        #expect(text.contains("\"estimated_seconds\" : 1.5"), "\(text)")
        #expect(text.contains("\"item_id\" : \"a\""), "\(text)")
        #expect(text.contains("\"myField\" : \"kept\""), "\(text)")
        #expect(text.contains("\"aisearch_sha256\" : \"x\""), "\(text)")
    }
}

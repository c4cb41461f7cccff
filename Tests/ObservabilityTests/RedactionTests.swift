import Foundation
import Observability
import Testing

/// The token and API key never reach the log, wherever they turn up.
@Suite struct RedactionTests {
    static let token = "Zx9_cf-TOKEN-0123456789abcdefghijklmnopqrs"
    static let apiKey = "c2547eb745079dac9320b638f5e225cf483cc"

    @Test(arguments: LogFormat.allCases)
    func secretsNeverAppearInAnyField(format: LogFormat) throws {
        let sink = CapturingLogSink()
        let logger = Logger(level: .trace, format: format, secrets: [Self.token, Self.apiKey], sink: sink)
        let bearer = "Authorization: Bearer \(Self.token)"
        logger.error(.authFailed, "request failed: \(bearer)", key: "k/\(Self.token)", itemID: Self.apiKey,
                     errorCode: Self.token, status: 401,
                     fields: ["header": .string(bearer), Self.token: "as a name", "key_header": .string("X-Auth-Key: \(Self.apiKey)")])
        logger.with(["leak": .string(Self.token)]).debug(.apiRequest, Self.token + Self.token)
        let text = sink.text
        #expect(!text.contains(Self.token))
        #expect(!text.contains(Self.apiKey))
        #expect(text.contains("[REDACTED]"))
        #expect(text.contains("Bearer [REDACTED]"))
    }

    @Test func secretsAddedLaterAreRedactedToo() {
        let sink = CapturingLogSink()
        let logger = Logger(format: .json, sink: sink)
        let child = logger.with(["instance": "docs"])
        logger.addSecrets([Self.token])
        child.info(.configurationLoaded, "token is \(Self.token)")
        #expect(!sink.text.contains(Self.token))
    }

    @Test func overlappingSecretsAreRedactedWhole() {
        let redactor = SecretRedactor(secrets: ["abcd", "abcdefgh"])
        #expect(redactor.redact("x abcdefgh y abcd") == "x [REDACTED] y [REDACTED]")
    }

    @Test func tooShortSecretsAreIgnored() {
        let redactor = SecretRedactor(secrets: ["", "a", "ab3"])
        #expect(redactor.secrets.isEmpty)
        #expect(redactor.redact("a b ab3") == "a b ab3")
    }
}

/// Replaces every occurrence of a known secret (the API token, the API key) with `[REDACTED]`.
///
/// The logger runs every message, field name and field value through this before formatting,
/// as defence in depth: code should never log a secret, and if some path does (an error that
/// echoes a header, a URL with a key in it), the secret still does not reach the log.
///
/// Secrets shorter than `minimumLength` are ignored: redacting a one- or two-character string
/// would shred every line without protecting anything real.
public struct SecretRedactor: Sendable, Equatable {
    public static let replacement = "[REDACTED]"
    public static let minimumLength = 4

    /// Longest first, so a secret that contains another is redacted whole.
    public private(set) var secrets: [String] = []

    public init(secrets: [String] = []) {
        add(secrets)
    }

    /// Adds secrets learned later (e.g. a token read after the logger was created).
    public mutating func add(_ newSecrets: [String]) {
        for secret in newSecrets where secret.count >= Self.minimumLength && !secrets.contains(secret) {
            secrets.append(secret)
        }
        secrets.sort { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.replacement)
        }
        return result
    }

    public func redact(_ value: LogValue) -> LogValue {
        if case .string(let text) = value { return .string(redact(text)) }
        return value
    }
}

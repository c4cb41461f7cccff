/// An R2 (S3) access key pair: the Access Key ID and Secret Access Key made from an R2 API token.
///
/// The secret never leaves this value in text: `description`, `debugDescription` and the mirror
/// (`dump`, `print` of a containing value) show the access key id and `<redacted>`. Only the
/// signer in this package reads it.
public struct R2Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let accessKeyID: String
    package let secretAccessKey: String
    /// Where the pair came from, for messages: `R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY`, a file path…
    public let origin: String

    public init(accessKeyID: String, secretAccessKey: String, origin: String = "given") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.origin = origin
    }

    public var description: String { "access key id \(accessKeyID), secret <redacted> (from \(origin))" }
    public var debugDescription: String { "R2Credentials(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "secretAccessKey": "<redacted>", "origin": origin])
    }
}

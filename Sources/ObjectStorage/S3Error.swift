/// An error answer from the S3 API (R2, moto, the emulator), from its `<Error>` body or, for
/// answers without one (HEAD), from the status alone. `description` is one line that names the
/// operation, bucket and key, what went wrong, and what to do; it never holds the secret.
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// PutObject, HeadObject…
    public var operation: String
    public var bucket: String
    public var key: ObjectKey?
    public var status: Int
    /// S3's error code (`NoSuchBucket`, `SignatureDoesNotMatch`…); for a body-less answer one
    /// derived from the status (`NotFound`, `Forbidden`, `HTTP 503`).
    public var code: String
    public var message: String
    public var requestID: String?
    /// Where the requests went, for messages.
    public var endpoint: String
    public var attempts: Int

    public init(operation: String, bucket: String, key: ObjectKey?, status: Int, code: String, message: String,
                requestID: String? = nil, endpoint: String, attempts: Int = 1) {
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.endpoint = endpoint
        self.attempts = attempts
    }

    /// Codes worth asking again for, whatever the status.
    public static let retryableCodes: Set<String> = [
        "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling",
        "ThrottlingException", "TooManyRequests",
    ]

    public var isRetryable: Bool { Self.retryableCodes.contains(code) || status >= 500 || status == 429 || status == 408 }

    /// The credentials were refused (wrong pair, or not allowed on this bucket).
    public var isAuthenticationFailure: Bool {
        ["SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "Forbidden", "Unauthorized",
         "InvalidToken", "ExpiredToken"].contains(code) || status == 401 || status == 403
    }

    public var isNotFound: Bool { ["NoSuchKey", "NotFound", "NoSuchBucket"].contains(code) || status == 404 }

    private var target: String {
        guard let key else { return "bucket \(bucket)" }
        return "\(bucket)/\(key)"
    }

    private static let credentialHint = "check R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY (or the credentials file) "
        + "and that the R2 API token may read and write this bucket"

    /// Status 0: refused by the client before sending (a bad key or bucket name).
    public var wasRefusedBeforeSending: Bool { status == 0 }

    public var description: String {
        if wasRefusedBeforeSending { return "\(operation) \(target): not sent: \(message)" }
        let what = "\(operation) \(target) at \(endpoint)"
        let said = message.isEmpty ? "" : ": \(message)"
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        switch code {
        case "NoSuchBucket":
            return "\(what) failed (NoSuchBucket\(said)): no bucket \(bucket) there; check the bucket name, "
                + "the account id and the endpoint (R2_ENDPOINT, jurisdiction)"
        case "NoSuchKey", "NotFound":
            return "\(what) failed (\(code), HTTP \(status)): no such object"
        case "SignatureDoesNotMatch":
            return "\(what) was refused (SignatureDoesNotMatch): the secret access key does not match the access key id; "
                + Self.credentialHint
        case "InvalidAccessKeyId":
            return "\(what) was refused (InvalidAccessKeyId\(said)): the access key id is unknown; " + Self.credentialHint
        case "AccessDenied", "Forbidden":
            return "\(what) was refused (\(code), HTTP \(status)\(said)); " + Self.credentialHint
        case "RequestTimeTooSkewed":
            return "\(what) was refused (RequestTimeTooSkewed): this machine's clock is off by more than 15 minutes; fix the clock (NTP)"
        case "SlowDown":
            return "\(what) failed\(tries) (SlowDown): R2 asks for fewer requests; lower the concurrency or try again later"
        default:
            let hint = isRetryable ? "; a temporary failure of the service, try again later"
                : isAuthenticationFailure ? "; " + Self.credentialHint : ""
            return "\(what) failed\(tries) (\(code), HTTP \(status)\(said))\(hint)"
        }
    }

    /// The error of an answer: from its `<Error>` document if it has one, else from the status.
    static func from(status: Int, body: [UInt8], operation: String, bucket: String, key: ObjectKey?,
                     endpoint: String, attempts: Int) -> S3Error {
        let document = S3XMLElement.parse(body)
        let code: String
        let message: String
        if let document, document.name == "Error", let given = document.value("Code"), !given.isEmpty {
            code = given
            message = Self.oneLine(document.value("Message") ?? "")
        } else {
            code = switch status {
            case 400: "BadRequest"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "NotFound"
            case 503: "ServiceUnavailable"
            default: "HTTP \(status)"
            }
            message = ""
        }
        return S3Error(operation: operation, bucket: bucket, key: key, status: status, code: code, message: message,
                       requestID: document?.value("RequestId"), endpoint: endpoint, attempts: attempts)
    }

    private static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}

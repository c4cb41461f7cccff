import Foundation
import Hashing

/// What AWS Signature Version 4 signs of one request. The path is given already encoded, exactly
/// as it goes on the wire (S3 encodes each key byte once, see `AWSPercentEncoding`; it is neither
/// normalised nor encoded twice); query parameters are given decoded and encoded here.
public struct SigV4Request: Sendable {
    public var method: String
    /// The absolute path as sent, e.g. `/bucket/a%20b.md`.
    public var encodedPath: String
    /// Query parameters, not encoded; a name alone has value "".
    public var query: [(name: String, value: String)]
    /// The header fields to sign, `host` among them; `x-amz-date` is added when absent.
    public var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public var payloadHash: String

    public init(method: String, encodedPath: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)], payloadHash: String) {
        self.method = method
        self.encodedPath = encodedPath
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// The query as SigV4 wants it and as the client sends it: each name and value encoded,
    /// sorted by name then value, joined with `&`.
    public var canonicalQuery: String {
        query.map { (AWSPercentEncoding.encode($0.name), AWSPercentEncoding.encode($0.value)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }
}

/// The parts of one signature, the intermediate strings included for tests and diagnostics.
public struct SigV4Signature: Sendable, Hashable {
    /// The `Authorization` header value.
    public var authorization: String
    /// The `X-Amz-Date` header value that was signed.
    public var amzDate: String
    /// `host;x-amz-content-sha256;x-amz-date`…
    public var signedHeaders: String
    public var canonicalRequest: String
    public var stringToSign: String
    /// 64 hex digits.
    public var signature: String
}

/// Signs requests with AWS Signature Version 4 (header form, `AWS4-HMAC-SHA256`), on our own
/// SHA-256 and HMAC. R2 takes region `auto` and service `s3`. Pure and `Sendable`: the same
/// request, credentials and date always give the same signature. `description` never holds the
/// secret.
public struct SigV4Signer: Sendable, CustomStringConvertible {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// Hex SHA-256 of no bytes.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var credentials: R2Credentials
    public var region: String
    public var service: String

    public init(credentials: R2Credentials, region: String = "auto", service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    public var description: String { "SigV4 signer (\(region)/\(service), \(credentials))" }

    /// Signs `request` as made at `date`.
    public func sign(_ request: SigV4Request, at date: Date) -> SigV4Signature {
        sign(request, amzDate: AMZDate.basic(date))
    }

    /// Signs `request` with the given `X-Amz-Date` (basic ISO 8601, `20150830T123600Z`); what a
    /// verifier calls with the date the request carried.
    public func sign(_ request: SigV4Request, amzDate: String) -> SigV4Signature {
        var headers = request.headers
        if !headers.contains(where: { $0.name.lowercased() == "x-amz-date" }) {
            headers.append((name: "x-amz-date", value: amzDate))
        }
        // Lowercased names, values trimmed with inner runs of spaces made one; repeated names
        // joined with commas in their order; sorted by name.
        var grouped: [String: [String]] = [:]
        for field in headers { grouped[field.name.lowercased(), default: []].append(Self.canonicalValue(field.value)) }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [request.method, request.encodedPath.isEmpty ? "/" : request.encodedPath,
                                request.canonicalQuery, canonicalHeaders, signedHeaders, request.payloadHash]
            .joined(separator: "\n")
        let dateStamp = String(amzDate.prefix(8))
        let scope = "\(dateStamp)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, amzDate, scope, SHA256.hash(Array(canonicalRequest.utf8)).hex].joined(separator: "\n")
        let signature = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), key: signingKey(dateStamp: dateStamp)).hex
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return SigV4Signature(authorization: authorization, amzDate: amzDate, signedHeaders: signedHeaders,
                              canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature)
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    func signingKey(dateStamp: String) -> [UInt8] {
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in [dateStamp, region, service, "aws4_request"] {
            key = HMAC<SHA256>.authenticationCode(for: Array(part.utf8), key: key).bytes
        }
        return key
    }

    private static func canonicalValue(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value.trimmingCharacters(in: .whitespaces) {
            if character == " " || character == "\t" {
                pendingSpace = true
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
/// header, for a server that verifies signatures (the emulator's R2 bucket).
public struct SigV4Authorization: Sendable, Hashable {
    public var accessKeyID: String
    public var dateStamp: String
    public var region: String
    public var service: String
    /// Lowercase names in the order given.
    public var signedHeaders: [String]
    public var signature: String

    /// Nil when `header` is not a SigV4 header-form authorization.
    public init?(header: String) {
        let prefix = SigV4Signer.algorithm + " "
        guard header.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"]
        else { return nil }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else { return nil }
        accessKeyID = scope[0]
        dateStamp = scope[1]
        region = scope[2]
        service = scope[3]
        signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
        self.signature = signature
    }
}

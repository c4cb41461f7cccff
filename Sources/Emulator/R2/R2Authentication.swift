import Foundation
import Hashing
import HTTPServer
import ObjectStorage

/// Checks an S3 request's AWS Signature Version 4 (header form) against the emulator's one R2
/// key pair, recomputing the canonical request from what arrived: the path re-encoded from its
/// bytes, the query re-encoded and sorted, the signed headers' values. Any region is accepted
/// (R2 says `auto`, many clients `us-east-1`); the service must be `s3`. The body must match a
/// hex `x-amz-content-sha256`, or that header says `UNSIGNED-PAYLOAD`. The request time is not
/// compared with the emulator's clock (tests run it on a manual clock). Presigned URLs and
/// `aws-chunked` streaming uploads are refused as not implemented.
struct R2Authentication: Sendable {
    let credentials: R2Credentials

    /// Nil when the request is authentic, else the S3 error to answer.
    func check(_ request: HTTPRequest, rawPath: String, rawQuery: String) -> R2ErrorAnswer? {
        guard let header = request.headers["Authorization"] else {
            if rawQuery.contains("X-Amz-Signature=") {
                return R2ErrorAnswer(status: 501, code: "NotImplemented", message: "Presigned URLs are not supported by the emulator")
            }
            return R2ErrorAnswer(status: 403, code: "AccessDenied", message: "Missing Authorization header: sign the request with AWS Signature Version 4")
        }
        guard let authorization = SigV4Authorization(header: header) else {
            return R2ErrorAnswer(status: 400, code: "AuthorizationHeaderMalformed",
                                 message: "The authorization header is not AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature")
        }
        guard authorization.accessKeyID == credentials.accessKeyID else {
            return R2ErrorAnswer(status: 403, code: "InvalidAccessKeyId",
                                 message: "The AWS Access Key Id you provided does not exist in our records.")
        }
        guard authorization.service == "s3" else {
            return R2ErrorAnswer(status: 400, code: "AuthorizationHeaderMalformed", message: "The credential scope's service must be s3")
        }
        guard let amzDate = request.headers["x-amz-date"], amzDate.hasPrefix(authorization.dateStamp) else {
            return R2ErrorAnswer(status: 400, code: "AuthorizationHeaderMalformed",
                                 message: "X-Amz-Date is missing or does not fall on the credential scope's date")
        }
        guard let payloadHash = request.headers["x-amz-content-sha256"] else {
            return R2ErrorAnswer(status: 400, code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256")
        }
        if payloadHash.hasPrefix("STREAMING-") {
            return R2ErrorAnswer(status: 501, code: "NotImplemented",
                                 message: "aws-chunked uploads (\(payloadHash)) are not supported by the emulator; send the whole body")
        }
        if payloadHash != SigV4Signer.unsignedPayload, payloadHash.lowercased() != SHA256.hash(request.body).hex {
            return R2ErrorAnswer(status: 400, code: "XAmzContentSHA256Mismatch",
                                 message: "The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        guard authorization.signedHeaders.contains("host") else {
            return R2ErrorAnswer(status: 403, code: "AccessDenied", message: "The host header must be signed")
        }
        guard let pathBytes = AWSPercentEncoding.decode(rawPath) else {
            return R2ErrorAnswer(status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI.")
        }
        var query: [(name: String, value: String)] = []
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = AWSPercentEncoding.decode(parts[0]), let value = AWSPercentEncoding.decode(parts.count > 1 ? parts[1] : "")
            else { return R2ErrorAnswer(status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI.") }
            query.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        var headers: [(name: String, value: String)] = []
        for name in authorization.signedHeaders {
            let values = request.headers.values(for: name)
            guard !values.isEmpty else {
                return R2ErrorAnswer(status: 403, code: "SignatureDoesNotMatch", message: "Signed header \(name) is not in the request")
            }
            for value in values { headers.append((name, value)) }
        }
        let signable = SigV4Request(method: request.method, encodedPath: AWSPercentEncoding.encode(pathBytes, keepingSlash: true),
                                    query: query, headers: headers, payloadHash: payloadHash)
        let signer = SigV4Signer(credentials: credentials, region: authorization.region, service: authorization.service)
        let expected = signer.sign(signable, amzDate: amzDate)
        guard constantTimeEqual(expected.signature, authorization.signature.lowercased()) else {
            return R2ErrorAnswer(status: 403, code: "SignatureDoesNotMatch",
                                 message: "The request signature we calculated does not match the signature you provided. "
                                    + "Check your key and signing method.")
        }
        return nil
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// An S3 error answer: `<Error><Code>…</Code><Message>…</Message>…</Error>`.
struct R2ErrorAnswer: Error, Sendable {
    var status: Int
    var code: String
    var message: String

    func response(resource: String) -> HTTPResponse {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(S3XMLElement.escape(code))</Code>"
            + "<Message>\(S3XMLElement.escape(message))</Message><Resource>\(S3XMLElement.escape(resource))</Resource>"
            + "<RequestId>\(UUID().uuidString.prefix(16))</RequestId></Error>"
        return HTTPResponse(status: status, headers: ["Content-Type": "application/xml"], body: Array(xml.utf8))
    }
}

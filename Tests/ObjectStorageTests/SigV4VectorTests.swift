import Foundation
import Hashing
import ObjectStorage
import Testing

/// The signer against AWS's published vectors, expected values copied verbatim:
/// - the Signature Version 4 test suite (`aws-sig-v4-test-suite`, as kept in
///   awslabs/aws-c-auth `tests/aws-signing-test-suite/v4/<case>/header-signed-request.txt`):
///   credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service `service`;
/// - the Amazon S3 API Reference, "Signature Calculations for the Authorization Header:
///   Transferring Payload in a Single Chunk", examples GET Object, PUT Object, GET Bucket
///   Lifecycle and Get Bucket (List Objects): AKIAIOSFODNN7EXAMPLE, 2013-05-24, us-east-1, s3.
@Suite struct SigV4VectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        /// The path as in the suite's request line, not encoded.
        var rawPath: String
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var payloadHash = SigV4Signer.emptyPayloadHash
        var signedHeaders: String
        var signature: String
        var testDescription: String { name }
    }

    static let suite = SigV4Signer(credentials: R2Credentials(accessKeyID: "AKIDEXAMPLE",
                                                              secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                   region: "us-east-1", service: "service")
    static let suiteHost = ("host", "example.amazonaws.com")

    static let suiteVectors: [Vector] = [
        Vector(name: "get-vanilla", method: "GET", rawPath: "/", headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(name: "get-vanilla-query-order-key-case", method: "GET", rawPath: "/",
               query: [("Param2", "value2"), ("Param1", "value1")], headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(name: "get-vanilla-empty-query-key", method: "GET", rawPath: "/", query: [("Param1", "value1")],
               headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        Vector(name: "get-vanilla-query-unreserved", method: "GET", rawPath: "/",
               query: [("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")],
               headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        Vector(name: "get-vanilla-query-order-encoded", method: "GET", rawPath: "/",
               query: [("Param-3", "Value3"), ("Param", "Value2"), ("\u{1234}", "Value1")],
               headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"),
        Vector(name: "get-vanilla-utf8-query", method: "GET", rawPath: "/", query: [("\u{1234}", "bar")],
               headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        Vector(name: "get-utf8", method: "GET", rawPath: "/\u{1234}", headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        Vector(name: "get-unreserved", method: "GET", rawPath: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
               headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        Vector(name: "get-space-normalized", method: "GET", rawPath: "/example space/", headers: [suiteHost],
               signedHeaders: "host;x-amz-date",
               signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        Vector(name: "get-header-value-trim", method: "GET", rawPath: "/",
               headers: [suiteHost, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
               signedHeaders: "host;my-header1;my-header2;x-amz-date",
               signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Vector(name: "get-header-key-duplicate", method: "GET", rawPath: "/",
               headers: [suiteHost, ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
               signedHeaders: "host;my-header1;x-amz-date",
               signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        Vector(name: "post-vanilla", method: "POST", rawPath: "/", headers: [suiteHost], signedHeaders: "host;x-amz-date",
               signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(name: "post-vanilla-query", method: "POST", rawPath: "/", query: [("Param1", "value1")], headers: [suiteHost],
               signedHeaders: "host;x-amz-date",
               signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Vector(name: "post-header-key-sort", method: "POST", rawPath: "/", headers: [suiteHost, ("My-Header1", "value1")],
               signedHeaders: "host;my-header1;x-amz-date",
               signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        // Body "Param1=value1"; the suite signs its length and hash.
        Vector(name: "post-x-www-form-urlencoded", method: "POST", rawPath: "/",
               headers: [("Content-Type", "application/x-www-form-urlencoded"), suiteHost, ("Content-Length", "13"),
                         ("x-amz-content-sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")],
               payloadHash: "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
               signedHeaders: "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
               signature: "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
    ]

    /// Signs `vector` (its path encoded once, as S3 and the suite's cases need) and compares the
    /// whole `Authorization` value with the published one.
    static func check(_ vector: Vector, signer: SigV4Signer, amzDate: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let request = SigV4Request(method: vector.method, encodedPath: AWSPercentEncoding.encode(vector.rawPath, keepingSlash: true),
                                   query: vector.query, headers: vector.headers, payloadHash: vector.payloadHash)
        let scope = "\(amzDate.prefix(8))/\(signer.region)/\(signer.service)/aws4_request"
        #expect(signer.sign(request, amzDate: amzDate).authorization
            == "AWS4-HMAC-SHA256 Credential=\(signer.credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)", sourceLocation: sourceLocation)
    }

    @Test(arguments: suiteVectors)
    func testSuiteVector(_ vector: Vector) {
        Self.check(vector, signer: Self.suite, amzDate: "20150830T123600Z")
    }

    @Test func getVanillaCanonicalRequestAndStringToSignAreThePublishedOnes() {
        let request = SigV4Request(method: "GET", encodedPath: "/", headers: [Self.suiteHost], payloadHash: SigV4Signer.emptyPayloadHash)
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let signed = Self.suite.sign(request, at: date)
        #expect(signed.amzDate == "20150830T123600Z")
        #expect(signed.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signed.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
            """)
    }

    // MARK: The S3 API Reference examples

    static let s3 = SigV4Signer(credentials: R2Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                           secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                region: "us-east-1", service: "s3")
    static let s3Host = ("host", "examplebucket.s3.amazonaws.com")
    static let s3Date = "20130524T000000Z"

    static let s3Vectors: [Vector] = [
        Vector(name: "GET Object (Range)", method: "GET", rawPath: "/test.txt",
               headers: [s3Host, ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
               signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
               signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        Vector(name: "PUT Object", method: "PUT", rawPath: "/test$file.text",
               headers: [s3Host, ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                         ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")],
               payloadHash: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
               signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
               signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        Vector(name: "GET Bucket Lifecycle", method: "GET", rawPath: "/", query: [("lifecycle", "")],
               headers: [s3Host, ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
               signedHeaders: "host;x-amz-content-sha256;x-amz-date",
               signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        Vector(name: "Get Bucket (List Objects)", method: "GET", rawPath: "/", query: [("max-keys", "2"), ("prefix", "J")],
               headers: [s3Host, ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
               signedHeaders: "host;x-amz-content-sha256;x-amz-date",
               signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ]

    @Test(arguments: s3Vectors)
    func s3DocumentationExample(_ vector: Vector) {
        Self.check(vector, signer: Self.s3, amzDate: Self.s3Date)
    }

    @Test func putObjectPayloadHashIsTheSHA256OfTheDocumentedBody() {
        #expect(Hashing.SHA256.hash(Array("Welcome to Amazon S3.".utf8)).hex
            == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
    }

    @Test func authorizationHeaderParsesBackIntoItsParts() throws {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        let parsed = try #require(SigV4Authorization(header: header))
        #expect(parsed.accessKeyID == "AKIDEXAMPLE" && parsed.dateStamp == "20150830" && parsed.region == "us-east-1")
        #expect(parsed.service == "service" && parsed.signedHeaders == ["host", "x-amz-date"])
        #expect(parsed.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(SigV4Authorization(header: "Bearer abc") == nil)
    }
}

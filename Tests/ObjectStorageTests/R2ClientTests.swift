import AISearchAPI
import Foundation
import Hashing
import ObjectStorage
import Synchronization
import Testing

/// A transport that answers from a script and records what was sent.
final class ScriptedTransport: HTTPTransport, Sendable {
    let answers: Mutex<[TransportResponse]>
    let sent = Mutex<[TransportRequest]>([])

    init(_ answers: [TransportResponse]) { self.answers = Mutex(answers) }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        sent.withLock { $0.append(request) }
        return answers.withLock { $0.isEmpty ? TransportResponse(status: 500) : $0.removeFirst() }
    }

    var requests: [TransportRequest] { sent.withLock { $0 } }
}

@Suite struct R2ClientTests {
    static let credentials = R2Credentials(accessKeyID: "AKIDTEST", secretAccessKey: "very-secret-value-42")

    static func client(_ transport: ScriptedTransport, endpoint: String = "https://acct.r2.cloudflarestorage.com",
                       attempts: Int = 3) throws -> R2Client {
        let configuration = try R2Configuration(endpoint: endpoint, credentials: credentials,
                                                retryPolicy: RetryPolicy(maxAttempts: attempts, baseDelay: .zero, maxDelay: .zero))
        return R2Client(configuration: configuration, transport: transport,
                        currentDate: { Date(timeIntervalSince1970: 1_440_938_160) })
    }

    @Test func putObjectSendsPathStyleSignedRequestAndAnswersTheETag() async throws {
        let transport = ScriptedTransport([TransportResponse(status: 200, headers: ["ETag": "\"5d41402abc4b2a76b9719d911017c592\""])])
        let body = Array("hello".utf8)
        let result = try await Self.client(transport).putObject(bucket: "docs", key: "a b/é+%.md", body: body)
        #expect(result.etag.matches(md5Hex: MD5.hash(body).hex))
        let request = try #require(transport.requests.first)
        #expect(request.method == .put)
        #expect(request.url == "https://acct.r2.cloudflarestorage.com/docs/a%20b/%C3%A9%2B%25.md")
        #expect(request.headers["x-amz-content-sha256"] == SHA256.hash(body).hex)
        #expect(request.headers["x-amz-date"] == "20150830T123600Z")
        let authorization = try #require(request.headers["Authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/20150830/auto/s3/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="))
        #expect(request.body == body)
    }

    @Test func givenDigestAndUnsignedPayloadFillTheContentHeader() async throws {
        let transport = ScriptedTransport(Array(repeating: TransportResponse(status: 200, headers: ["ETag": "\"x\""]), count: 2))
        let client = try Self.client(transport)
        let digest = SHA256.hash(Array("other".utf8))
        _ = try await client.putObject(bucket: "docs", key: "k.md", body: [1], payload: .digest(digest))
        _ = try await client.putObject(bucket: "docs", key: "k.md", body: [1], payload: .unsigned)
        #expect(transport.requests.map { $0.headers["x-amz-content-sha256"] } == [digest.hex, "UNSIGNED-PAYLOAD"])
    }

    @Test func nfcAndNfdTwinsAreDifferentPaths() async throws {
        let transport = ScriptedTransport(Array(repeating: TransportResponse(status: 204), count: 2))
        let client = try Self.client(transport)
        try await client.deleteObject(bucket: "docs", key: ObjectKey("caf\u{E9}.md"))
        try await client.deleteObject(bucket: "docs", key: ObjectKey("cafe\u{301}.md"))
        #expect(transport.requests.map(\.url) == ["https://acct.r2.cloudflarestorage.com/docs/caf%C3%A9.md",
                                                  "https://acct.r2.cloudflarestorage.com/docs/cafe%CC%81.md"])
    }

    @Test func endpointPathPrefixIsKeptAndSigned() async throws {
        let transport = ScriptedTransport([TransportResponse(status: 200)])
        try await Self.client(transport, endpoint: "http://127.0.0.1:8080/r2/").createBucket("docs")
        #expect(transport.requests.first?.url == "http://127.0.0.1:8080/r2/docs")
    }

    @Test func listingDecodesURLEncodedKeysAndFollowsTokens() async throws {
        let first = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>docs</Name><Prefix></Prefix>
            <KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
            <Contents><Key>a+b%2Bc.md</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
            <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
            <Contents><Key>caf%C3%A9.md</Key><LastModified>2009-10-12T17:50:31Z</LastModified><ETag>"abc-2"</ETag><Size>1</Size></Contents>
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>
            """
        let second = """
            <ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>
            <Contents><Key>z.md</Key><ETag>"00"</ETag><Size>0</Size></Contents></ListBucketResult>
            """
        let transport = ScriptedTransport([TransportResponse(status: 200, body: Array(first.utf8)),
                                           TransportResponse(status: 200, body: Array(second.utf8))])
        var pages: [ObjectListingPage] = []
        for try await page in try Self.client(transport).objectPages(bucket: "docs", prefix: "", pageSize: 2) { pages.append(page) }
        #expect(pages.count == 2)
        #expect(pages[0].objects.map(\.key) == [ObjectKey("a b+c.md"), ObjectKey("caf\u{E9}.md")])
        #expect(pages[0].objects[0].etag.md5Hex == "fba9dede5f27731c9771645a39863328")
        #expect(pages[0].objects[0].size == 434_234)
        #expect(pages[0].objects[0].lastModified == Date(timeIntervalSince1970: 1_255_369_830))
        #expect(pages[0].objects[1].etag.md5Hex == nil)
        #expect(pages[1].objects.map(\.key) == ["z.md"])
        let urls = transport.requests.map(\.url)
        #expect(urls[0] == "https://acct.r2.cloudflarestorage.com/docs?encoding-type=url&list-type=2&max-keys=2")
        #expect(urls[1].contains("continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D"))
    }

    @Test func headAnswersNilForAMissingObjectAndReadsTheHead() async throws {
        let transport = ScriptedTransport([
            TransportResponse(status: 404),
            TransportResponse(status: 200, headers: ["ETag": "\"d41d8cd98f00b204e9800998ecf8427e\"", "Content-Length": "0",
                                                     "Last-Modified": "Wed, 12 Oct 2009 17:50:00 GMT"]),
        ])
        let client = try Self.client(transport)
        #expect(try await client.headObject(bucket: "docs", key: "gone.md") == nil)
        let info = try #require(try await client.headObject(bucket: "docs", key: "empty.md"))
        #expect(info.size == 0 && info.etag.matches(md5Hex: "d41d8cd98f00b204e9800998ecf8427e"))
        #expect(info.lastModified == Date(timeIntervalSince1970: 1_255_369_800))
        #expect(transport.requests.map(\.method) == [.head, .head])
    }

    @Test func slowDownIsRetriedThenSucceeds() async throws {
        let slowDown = "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
        let transport = ScriptedTransport([TransportResponse(status: 503, body: Array(slowDown.utf8)),
                                           TransportResponse(status: 200, headers: ["ETag": "\"aa\""])])
        let client = try Self.client(transport)
        _ = try await client.putObject(bucket: "docs", key: "k.md", body: [])
        #expect(transport.requests.count == 2)
        let metrics = await client.metrics()
        #expect(metrics.requestsSent == 2 && metrics.retries == 1 && metrics.requestsByOperation == ["PutObject": 2])
        #expect(metrics.failuresByStatus == [503: 1] && metrics.transportFailures == 0)
    }

    @Test func signatureMismatchIsOneClearLineWithoutTheSecret() async throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match
            the signature you provided.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let transport = ScriptedTransport([TransportResponse(status: 403, body: Array(body.utf8))])
        let error = await #expect(throws: S3Error.self) {
            _ = try await Self.client(transport).putObject(bucket: "docs", key: "k.md", body: [])
        }
        let text = try #require(error).description
        #expect(text.contains("SignatureDoesNotMatch") && text.contains("R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY"))
        #expect(text.contains("PutObject docs/k.md"))
        #expect(!text.contains("\n") && !text.contains("very-secret-value-42"))
        #expect(transport.requests.count == 1, "a refused signature is not retried")
    }

    @Test(arguments: [
        ("NoSuchBucket", 404, "no bucket docs there"),
        ("InvalidAccessKeyId", 403, "check R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY"),
        ("AccessDenied", 403, "check R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY"),
    ])
    func errorCodesMapToClearMessages(code: String, status: Int, expected: String) async throws {
        let body = "<Error><Code>\(code)</Code><Message>m</Message></Error>"
        let transport = ScriptedTransport([TransportResponse(status: status, body: Array(body.utf8))])
        let error = await #expect(throws: S3Error.self) { try await Self.client(transport).deleteObject(bucket: "docs", key: "k") }
        #expect(error?.code == code)
        #expect(error?.description.contains(expected) == true)
    }

    @Test func invalidKeysAndBucketsAreRefusedBeforeSending() async throws {
        let transport = ScriptedTransport([])
        let client = try Self.client(transport)
        for key: ObjectKey in ["", "a/../b", "./a", ObjectKey(String(repeating: "x", count: 1025))] {
            await #expect(throws: S3Error.self) { try await client.deleteObject(bucket: "docs", key: key) }
        }
        let refused = await #expect(throws: S3Error.self) { try await client.deleteObject(bucket: "Bad_Bucket", key: "k") }
        #expect(refused?.description == "DeleteObject bucket Bad_Bucket: not sent: bucket name \"Bad_Bucket\" is not valid: "
            + "3 to 63 lowercase letters, digits and '-', not starting or ending with '-'")
        #expect(transport.requests.isEmpty)
    }
}

@Suite struct R2ConfigurationTests {
    @Test func secretNeverAppearsInDescriptions() throws {
        let credentials = R2Credentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t-Value", origin: "R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY")
        let configuration = try R2Configuration(endpoint: "https://acct.r2.cloudflarestorage.com", credentials: credentials)
        let signer = SigV4Signer(credentials: credentials)
        var dumped = ""
        dump(configuration, to: &dumped)
        var dumpedCredentials = ""
        dump(credentials, to: &dumpedCredentials)
        for text in ["\(credentials)", String(reflecting: credentials), "\(configuration)", String(reflecting: configuration),
                     "\(signer)", dumped, dumpedCredentials] {
            #expect(!text.contains("s3cr3t-Value"), "\(text)")
        }
        #expect("\(credentials)".contains("AKID"))
    }

    @Test func endpointComesFromFlagThenEnvironmentThenAccount() throws {
        let environment = ["R2_ACCESS_KEY_ID": "id", "R2_SECRET_ACCESS_KEY": "secret"]
        #expect(try R2Configuration.resolve(accountID: "abc", environment: environment).endpoint == "https://abc.r2.cloudflarestorage.com")
        var withEndpoint = environment
        withEndpoint["R2_ENDPOINT"] = "https://abc.eu.r2.cloudflarestorage.com/"
        #expect(try R2Configuration.resolve(accountID: "abc", environment: withEndpoint).endpoint == "https://abc.eu.r2.cloudflarestorage.com")
        #expect(try R2Configuration.resolve(accountID: "abc", endpoint: "HTTP://Localhost:80/r2", environment: withEndpoint).endpoint
            == "http://localhost/r2")
        #expect(throws: R2ConfigurationError.self) { try R2Configuration.resolve(accountID: nil, environment: environment) }
        #expect(throws: R2ConfigurationError.self) { try R2Configuration(endpoint: "ftp://x", credentials: R2ClientTests.credentials) }
    }

    @Test func credentialsPreferR2NamesThenAWSNamesAndRefuseHalfPairs() throws {
        let both = ["R2_ACCESS_KEY_ID": "r2id", "R2_SECRET_ACCESS_KEY": "r2secret", "AWS_ACCESS_KEY_ID": "awsid", "AWS_SECRET_ACCESS_KEY": "aws"]
        #expect(try R2CredentialsLoader.resolve(credentialsFile: nil, environment: both).accessKeyID == "r2id")
        let aws = ["AWS_ACCESS_KEY_ID": "awsid", "AWS_SECRET_ACCESS_KEY": "aws"]
        #expect(try R2CredentialsLoader.resolve(credentialsFile: nil, environment: aws).accessKeyID == "awsid")
        let error = #expect(throws: R2ConfigurationError.self) {
            try R2CredentialsLoader.resolve(credentialsFile: nil, environment: ["R2_ACCESS_KEY_ID": "id"])
        }
        #expect(error?.description.contains("R2_SECRET_ACCESS_KEY") == true)
        #expect(throws: R2ConfigurationError.self) { try R2CredentialsLoader.resolve(credentialsFile: nil, environment: [:]) }
    }

    @Test func credentialsFileIsReadAndItsErrorsDoNotEchoValues() throws {
        let text = "# token docs\n[default]\naccess_key_id = AKFILE\n\nsecret_access_key=file-secret\n"
        let parsed = try R2CredentialsLoader.parse(text, origin: "/etc/r2")
        #expect(parsed.accessKeyID == "AKFILE" && parsed.origin == "/etc/r2")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("r2-cred-\(UUID().uuidString)").path
        try Data("aws_access_key_id=A\naws_secret_access_key=B\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try R2CredentialsLoader.resolve(credentialsFile: path, environment: [:]).accessKeyID == "A")
        let error = #expect(throws: R2ConfigurationError.self) {
            try R2CredentialsLoader.parse("access_key_id=A\nsecret_acess_key=hunter2\n", origin: "f")
        }
        #expect(error?.description.contains("line 2") == true && error?.description.contains("hunter2") == false)
        #expect(throws: R2ConfigurationError.self) { try R2CredentialsLoader.read(file: path + ".missing") }
    }
}

@Suite struct EncodingAndXMLTests {
    @Test func percentEncodingFollowsAWSRules() {
        #expect(AWSPercentEncoding.encode("a b/c~d+e$é*", keepingSlash: true) == "a%20b/c~d%2Be%24%C3%A9%2A")
        #expect(AWSPercentEncoding.encode("a/b") == "a%2Fb")
        #expect(AWSPercentEncoding.decode("a%20b+c%2B") == Array("a b+c+".utf8))
        #expect(AWSPercentEncoding.decode("a+b", plusIsSpace: true) == Array("a b".utf8))
        #expect(AWSPercentEncoding.decode("bad%2") == nil)
        #expect(AWSPercentEncoding.decode("%ff%FE") == [0xFF, 0xFE])
    }

    @Test func xmlReaderHandlesEntitiesCDATAAndSelfClosingElements() throws {
        let text = """
            <?xml version="1.0"?><!-- c --><a:Root xmlns:a="x"><Empty/><Name attr="1>2">x &amp; y &#233;&#x41;</Name>
            <Data><![CDATA[<raw & stuff>]]></Data></a:Root>
            """
        let root = try #require(S3XMLElement.parse(Array(text.utf8)))
        #expect(root.name == "Root")
        #expect(root.value("Empty") == "")
        #expect(root.value("Name") == "x & y éA")
        #expect(root.value("Data") == "<raw & stuff>")
        #expect(S3XMLElement.parse(Array("not xml".utf8)) == nil)
        #expect(S3XMLElement.escape("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;")
    }

    @Test func amzDatesFormatAndParse() {
        let date = Date(timeIntervalSince1970: 1_440_938_160.25)
        #expect(AMZDate.basic(date) == "20150830T123600Z")
        #expect(AMZDate.iso8601(date) == "2015-08-30T12:36:00.250Z")
        #expect(AMZDate.parseISO8601("2015-08-30T12:36:00.250Z") == date)
        #expect(AMZDate.basic(Date(timeIntervalSince1970: 951_782_400)) == "20000229T000000Z")
        #expect(AMZDate.parseISO8601("2015-08-30 12:36:00Z") == nil)
    }
}

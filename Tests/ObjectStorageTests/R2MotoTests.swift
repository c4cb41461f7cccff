import AISearchAPI
import Foundation
import Hashing
import ObjectStorage
import Testing

/// Our client against moto's S3 server with signature checking on (see `MotoServer`). Skipped
/// with a reason when `AISEARCH_MOTO_PYTHON` is not set; `scripts/test` sets it and
/// `AISEARCH_REQUIRE_MOTO=1`, which makes a missing moto a failure.
@Suite(.serialized) struct R2MotoTests {
    static let enabled = MotoServer.python != nil || MotoServer.required

    static func client(_ moto: MotoServer, credentials: R2Credentials? = nil) throws -> R2Client {
        let configuration = try R2Configuration(endpoint: moto.endpoint, credentials: credentials ?? moto.credentials,
                                                region: "us-east-1",
                                                retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)),
                                                timeout: .seconds(60))
        return R2Client(configuration: configuration)
    }

    static func withMoto(_ body: (MotoServer) async throws -> Void) async throws {
        guard let python = MotoServer.python else {
            Issue.record("AISEARCH_REQUIRE_MOTO=1 but AISEARCH_MOTO_PYTHON is not set; run the tests through scripts/test")
            return
        }
        let moto = try await MotoServer(python: python)
        do {
            try await body(moto)
        } catch {
            moto.stop()
            throw error
        }
        moto.stop()
    }

    @Test(.enabled(if: enabled, "set AISEARCH_MOTO_PYTHON (scripts/test does) to run the moto checks"))
    func roundTripAgainstMotoWithSignatureChecking() async throws {
        try await Self.withMoto { moto in
            let client = try Self.client(moto)
            try await client.createBucket("sync-test")
            let contents: [(ObjectKey, [UInt8])] = [
                ("docs/plain.md", Array("# plain\n".utf8)),
                ("docs/with space.md", Array("space".utf8)),
                ("docs/plus+and%percent.txt", Array("plus".utf8)),
                ("docs/ünïcödé 日本.md", Array("unicode".utf8)),
                (ObjectKey("docs/caf\u{E9}.md"), Array("nfc".utf8)),
                (ObjectKey("docs/cafe\u{301}.md"), Array("nfd".utf8)),
                ("docs/empty.txt", []),
                ("other/x.md", Array("x".utf8)),
            ]
            for (key, body) in contents {
                let result = try await client.putObject(bucket: "sync-test", key: key, body: body, payload: .digest(SHA256.hash(body)))
                #expect(result.etag.matches(md5Hex: MD5.hash(body).hex), "ETag of \(key) is the MD5 of its bytes")
            }
            // Listing in pages of 2: every key once, NFC and NFD twins apart, in byte order.
            var listed: [ObjectSummary] = []
            var pageCount = 0
            for try await page in client.objectPages(bucket: "sync-test", prefix: "docs/", pageSize: 2) {
                pageCount += 1
                listed += page.objects
            }
            let expectedKeys = contents.map(\.0).filter { $0.description.hasPrefix("docs/") }.sorted()
            #expect(listed.map(\.key) == expectedKeys)
            #expect(pageCount == 4)
            for summary in listed {
                let body = try #require(contents.first { $0.0 == summary.key }?.1)
                #expect(summary.size == Int64(body.count) && summary.etag.matches(md5Hex: MD5.hash(body).hex))
                #expect(summary.lastModified != nil)
            }
            // Head and Get by each twin give that twin's bytes.
            let nfd = try #require(try await client.headObject(bucket: "sync-test", key: ObjectKey("docs/cafe\u{301}.md")))
            #expect(nfd.size == 3 && nfd.etag.matches(md5Hex: MD5.hash(Array("nfd".utf8)).hex))
            #expect(try await client.getObject(bucket: "sync-test", key: ObjectKey("docs/caf\u{E9}.md")).body == Array("nfc".utf8))
            #expect(try await client.getObject(bucket: "sync-test", key: "docs/plus+and%percent.txt").body == Array("plus".utf8))
            #expect(try await client.headObject(bucket: "sync-test", key: "docs/none.md") == nil)
            // Replace, then delete.
            let replaced = try await client.putObject(bucket: "sync-test", key: "docs/plain.md", body: Array("v2".utf8), payload: .unsigned)
            #expect(replaced.etag.matches(md5Hex: MD5.hash(Array("v2".utf8)).hex))
            try await client.deleteObject(bucket: "sync-test", key: ObjectKey("docs/caf\u{E9}.md"))
            try await client.deleteObject(bucket: "sync-test", key: "docs/never-there.md")
            let after = try await client.listObjects(bucket: "sync-test", prefix: "docs/caf")
            #expect(after.objects.map(\.key) == [ObjectKey("docs/cafe\u{301}.md")])
            let missing = await #expect(throws: S3Error.self) { _ = try await client.getObject(bucket: "sync-test", key: "docs/none.md") }
            #expect(missing?.code == "NoSuchKey")
            let noBucket = await #expect(throws: S3Error.self) { _ = try await client.listObjects(bucket: "no-such-bucket") }
            #expect(noBucket?.code == "NoSuchBucket")
        }
    }

    @Test(.enabled(if: enabled, "set AISEARCH_MOTO_PYTHON (scripts/test does) to run the moto checks"))
    func wrongSecretIsRejectedWithOurMessage() async throws {
        try await Self.withMoto { moto in
            try await Self.client(moto).createBucket("auth-test")
            let wrong = R2Credentials(accessKeyID: moto.credentials.accessKeyID, secretAccessKey: "not-the-secret")
            let error = await #expect(throws: S3Error.self) {
                _ = try await Self.client(moto, credentials: wrong).putObject(bucket: "auth-test", key: "a.md", body: [1])
            }
            #expect(error?.code == "SignatureDoesNotMatch", "\(moto.log.suffix(1500))")
            #expect(error?.description.contains("check R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY") == true)
            let unknown = R2Credentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "x")
            let refused = await #expect(throws: S3Error.self) {
                _ = try await Self.client(moto, credentials: unknown).listObjects(bucket: "auth-test")
            }
            #expect(refused?.isAuthenticationFailure == true)
        }
    }
}

import AISearchAPI
import Foundation
import Hashing
import HTTPServer
import ObjectStorage
import Testing
@testable import Emulator

/// The emulator's R2 endpoint (`/r2`) through our own S3 client over real HTTP, and R2-backed
/// instances indexing from its buckets.
struct R2BucketTests {
    static func client(_ h: Harness, secret: String = EmulatorConfiguration.defaultR2SecretAccessKey,
                       accessKeyID: String = EmulatorConfiguration.defaultR2AccessKeyID) throws -> R2Client {
        let credentials = R2Credentials(accessKeyID: accessKeyID, secretAccessKey: secret)
        let configuration = try R2Configuration(endpoint: "http://127.0.0.1:\(h.port)/r2", credentials: credentials,
                                                retryPolicy: RetryPolicy(maxAttempts: 1))
        return R2Client(configuration: configuration)
    }

    @Test func objectRoundTripWithETagsTwinsAndPagedListing() async throws {
        let h = try Harness()
        let client = try Self.client(h)
        try await client.createBucket("docs")
        let keys: [ObjectKey] = ["a.md", "dir/with space.md", "dir/plus+%25.md", ObjectKey("caf\u{E9}.md"), ObjectKey("cafe\u{301}.md"),
                                 "日本/語.txt", "z~tilde_(x).md"]
        // Keys that are not UTF-8 cannot reach the endpoint: HTTPServer refuses a target whose
        // percent-decoded path is not UTF-8 (400) before any handler sees it.
        for (index, key) in keys.enumerated() {
            let body = Array("body \(index)".utf8)
            let put = try await client.putObject(bucket: "docs", key: key, body: body)
            #expect(put.etag.matches(md5Hex: MD5.hash(body).hex))
        }
        var listed: [ObjectSummary] = []
        var pages = 0
        for try await page in client.objectPages(bucket: "docs", pageSize: 3) {
            pages += 1
            listed += page.objects
        }
        #expect(pages == 3)
        #expect(listed.map(\.key) == keys.sorted())
        #expect(Set(listed.map(\.etag.value)).count == keys.count)
        let prefixed = try await client.listObjects(bucket: "docs", prefix: "dir/")
        #expect(prefixed.objects.map(\.key) == ["dir/plus+%25.md", "dir/with space.md"])
        #expect(try await client.getObject(bucket: "docs", key: ObjectKey("cafe\u{301}.md")).body == Array("body 4".utf8))
        let head = try #require(try await client.headObject(bucket: "docs", key: "a.md"))
        #expect(head.size == 6 && head.etag.matches(md5Hex: MD5.hash(Array("body 0".utf8)).hex) && head.lastModified != nil)
        try await client.deleteObject(bucket: "docs", key: "a.md")
        #expect(try await client.headObject(bucket: "docs", key: "a.md") == nil)
        let missing = await #expect(throws: S3Error.self) { _ = try await client.getObject(bucket: "docs", key: "a.md") }
        #expect(missing?.code == "NoSuchKey")
        let noBucket = await #expect(throws: S3Error.self) { _ = try await client.putObject(bucket: "nope", key: "a.md", body: []) }
        #expect(noBucket?.code == "NoSuchBucket")
        #expect(h.emulator.r2Buckets.object(bucket: "docs", key: "dir/with space.md")?.bytes == Array("body 1".utf8))
        #expect(await h.emulator.totalRequestCount() == 0, "S3 requests are not REST API requests")
        let counts = h.emulator.r2Buckets.requestCounts()
        #expect(counts["PutObject"] == keys.count + 1 && counts["ListObjectsV2"] == 4 && counts["CreateBucket"] == 1)
        #expect(counts["GetObject"] == 2 && counts["HeadObject"] == 2 && counts["DeleteObject"] == 1)
    }

    @Test func wrongSecretAndUnknownKeyAreRefused() async throws {
        let h = try Harness()
        try await Self.client(h).createBucket("docs")
        let wrong = await #expect(throws: S3Error.self) {
            _ = try await Self.client(h, secret: "not-it").putObject(bucket: "docs", key: "a.md", body: [1])
        }
        #expect(wrong?.code == "SignatureDoesNotMatch")
        #expect(wrong?.description.contains("check R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY") == true)
        let unknown = await #expect(throws: S3Error.self) {
            _ = try await Self.client(h, accessKeyID: "someone-else").listObjects(bucket: "docs")
        }
        #expect(unknown?.code == "InvalidAccessKeyId")
        let unsigned = await h.send("GET", "/r2/docs", headers: [:])
        #expect(unsigned.status == 403 && String(decoding: unsigned.body, as: UTF8.self).contains("<Code>AccessDenied</Code>"))
        #expect(h.emulator.r2Buckets.requestCounts()["Refused"] == 3)
        #expect(h.emulator.r2Buckets.object(bucket: "docs", key: "a.md") == nil)
    }

    @Test func configuredCredentialsReplaceTheDefaults() async throws {
        let h = try Harness { $0.r2AccessKeyID = "my-id"; $0.r2SecretAccessKey = "my-secret" }
        await #expect(throws: S3Error.self) { try await Self.client(h).createBucket("docs") }
        try await Self.client(h, secret: "my-secret", accessKeyID: "my-id").createBucket("docs")
        #expect(h.emulator.r2Buckets.bucketExists("docs"))
    }

    // MARK: R2-backed instances

    func r2Instance(_ h: Harness, bucket: String = "docs", extra: String = "") async throws {
        try await h.createInstance("kb", extra: ",\"type\":\"r2\",\"source\":\"\(bucket)\"\(extra)")
    }

    @Test func creatingAnR2InstanceCreatesItsBucketAndPutItemsIndexesTheObject() async throws {
        let h = try Harness()
        try await r2Instance(h)
        let client = try Self.client(h)
        _ = try await client.putObject(bucket: "docs", key: "guide/intro.md", body: Array("# Intro\nhello bucket".utf8))
        let path = h.base(.namespaced) + "/instances/kb/items"
        let item = try h.result(Item.self, await h.send("PUT", path, json: #"{"key":"guide/intro.md","next_action":"INDEX"}"#))
        #expect(item.key == "guide/intro.md" && item.sourceID == "r2:docs" && item.fileSize == 20)
        await h.emulator.settleAll()
        #expect(await h.emulator.content(ofItem: item.id) == Array("# Intro\nhello bucket".utf8))
        let settled = try #require(await h.emulator.items(instance: "kb").first)
        #expect(settled.status == .completed && (settled.chunksCount ?? 0) > 0)
        let missing = try h.error(await h.send("PUT", path, json: #"{"key":"guide/absent.md","next_action":"INDEX"}"#), status: 404)
        #expect(missing.message.contains("not in R2 bucket docs"))

        // PATCH reads the object again.
        _ = try await client.putObject(bucket: "docs", key: "guide/intro.md", body: Array("# Intro\nchanged".utf8))
        let patched = try h.result(Item.self, await h.send("PATCH", path + "/\(item.id)", json: #"{"next_action":"INDEX"}"#))
        #expect(patched.id == item.id && patched.fileSize == 15)
        await h.emulator.settleAll()
        #expect(await h.emulator.content(ofItem: item.id) == Array("# Intro\nchanged".utf8))
        try await client.deleteObject(bucket: "docs", key: "guide/intro.md")
        _ = try h.error(await h.send("PATCH", path + "/\(item.id)", json: #"{"next_action":"INDEX"}"#), status: 404)
    }

    @Test func aJobPicksUpNewChangedAndDeletedObjects() async throws {
        let h = try Harness()
        try await r2Instance(h)
        let client = try Self.client(h)
        for name in ["keep.md", "change.md", "remove.md"] {
            _ = try await client.putObject(bucket: "docs", key: ObjectKey(name), body: Array("v1 \(name)".utf8))
        }
        let jobs = h.base(.namespaced) + "/instances/kb/jobs"
        _ = try h.result(Job.self, await h.send("POST", jobs, json: "{}"))
        await h.emulator.settleAll()
        let first = await h.emulator.items(instance: "kb")
        #expect(first.map(\.key) == ["change.md", "keep.md", "remove.md"])
        #expect(first.allSatisfy { $0.status == .completed })
        let keptBefore = try #require(first.first { $0.key == "keep.md" })

        _ = try await client.putObject(bucket: "docs", key: "change.md", body: Array("v2, different".utf8))
        try await client.deleteObject(bucket: "docs", key: "remove.md")
        _ = try await client.putObject(bucket: "docs", key: "new.md", body: Array("brand new".utf8))
        h.clock.advance(by: .seconds(30))
        let job = try h.result(Job.self, await h.send("POST", jobs, json: #"{"description":"second"}"#))
        let logs = try h.result([JobLog].self, await h.send("GET", jobs + "/\(job.id)/logs"))
        #expect(logs.contains { $0.message.contains("1 new, 1 changed, 1 deleted, 1 unchanged") }, "\(logs.map(\.message))")
        await h.emulator.settleAll()
        let second = await h.emulator.items(instance: "kb")
        #expect(second.map(\.key) == ["change.md", "keep.md", "new.md"])
        let changed = try #require(second.first { $0.key == "change.md" })
        #expect(await h.emulator.content(ofItem: changed.id) == Array("v2, different".utf8))
        let kept = try #require(second.first { $0.key == "keep.md" })
        #expect(kept.lastSeenAt == keptBefore.lastSeenAt, "an unchanged object is not re-indexed")
        let ended = try h.result(Job.self, await h.send("GET", jobs + "/\(job.id)"))
        #expect(ended.endReason == "completed")
        let stats = try h.result(InstanceStats.self, await h.send("GET", h.base(.namespaced) + "/instances/kb/stats"))
        #expect(stats.engine?["r2"]?.objectValue?["objectCount"] == .int(3))
    }

    @Test func aJobHonoursTheInstancesIncludeAndExcludePatterns() async throws {
        let h = try Harness()
        try await r2Instance(h, extra: #","source_params":{"include_items":["/docs/**"],"exclude_items":["/docs/drafts/**","**/*.tmp.md"]}"#)
        let client = try Self.client(h)
        for name in ["docs/guide.md", "docs/api/ref.md", "docs/drafts/wip.md", "docs/cache.tmp.md", "blog/post.md"] {
            _ = try await client.putObject(bucket: "docs", key: ObjectKey(name), body: Array("text of \(name)".utf8))
        }
        let jobs = h.base(.namespaced) + "/instances/kb/jobs"
        let job = try h.result(Job.self, await h.send("POST", jobs, json: "{}"))
        await h.emulator.settleAll()
        #expect(await h.emulator.items(instance: "kb").map(\.key) == ["docs/api/ref.md", "docs/guide.md"])
        let logs = try h.result([JobLog].self, await h.send("GET", jobs + "/\(job.id)/logs")).map(\.message)
        #expect(logs.contains("Skipped by rule: /docs/drafts/**: 1 object(s), e.g. docs/drafts/wip.md"), "\(logs)")
        #expect(logs.contains("Skipped by rule: **/*.tmp.md: 1 object(s), e.g. docs/cache.tmp.md"), "\(logs)")
        #expect(logs.contains("Skipped by Include Rules: 1 object(s), e.g. blog/post.md"), "\(logs)")

        // A pattern added later: the next job removes the item it now skips.
        let instance = h.base(.namespaced) + "/instances/kb"
        _ = try h.result(JSONValue.self, await h.send("PUT", instance,
                                                      json: #"{"source_params":{"include_items":["/docs/**"],"exclude_items":["docs/api/**"]}}"#))
        h.clock.advance(by: .seconds(30))
        _ = try h.result(Job.self, await h.send("POST", jobs, json: "{}"))
        await h.emulator.settleAll()
        #expect(await h.emulator.items(instance: "kb").map(\.key) == ["docs/cache.tmp.md", "docs/drafts/wip.md", "docs/guide.md"])

        let refused = try h.error(await h.send("POST", h.base(.namespaced) + "/instances",
                                               json: #"{"id":"bad","type":"r2","source":"docs","source_params":{"exclude_items":"*.tmp"}}"#),
                                  status: 400)
        #expect(refused.message.contains("source_params.exclude_items must be a list of glob strings"))
    }

    @Test func builtInInstancesAreUntouchedByBuckets() async throws {
        let h = try Harness()
        try await h.createInstance("plain")
        let path = h.base(.namespaced) + "/instances/plain/items"
        _ = try h.error(await h.send("PUT", path, json: #"{"key":"a.md","next_action":"INDEX"}"#), status: 404)
        #expect(h.emulator.r2Buckets.bucketNames().isEmpty)
    }

    @Test func bucketsPersistInTheDataDirectoryAndResetEmptiesThem() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("r2-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try Emulator(configuration: EmulatorConfiguration(dataDirectory: directory.path))
        first.r2Buckets.createBucket("docs")
        first.r2Buckets.putObject(bucket: "docs", key: ObjectKey("caf\u{E9}.md"), bytes: Array("nfc".utf8))
        first.r2Buckets.putObject(bucket: "docs", key: ObjectKey("cafe\u{301}.md"), bytes: Array("nfd".utf8))
        first.r2Buckets.putObject(bucket: "docs", key: "gone.md", bytes: [1])
        first.r2Buckets.deleteObject(bucket: "docs", key: "gone.md")
        await first.shutdown()
        let second = try Emulator(configuration: EmulatorConfiguration(dataDirectory: directory.path))
        let objects = try #require(second.r2Buckets.objects(bucket: "docs"))
        #expect(Set(objects.keys) == [ObjectKey("caf\u{E9}.md"), ObjectKey("cafe\u{301}.md")])
        #expect(objects[ObjectKey("cafe\u{301}.md")]?.etag == MD5.hash(Array("nfd".utf8)).hex)
        await second.reset()
        #expect(second.r2Buckets.bucketNames().isEmpty)
        #expect(try Emulator(configuration: EmulatorConfiguration(dataDirectory: directory.path)).r2Buckets.bucketNames().isEmpty)
    }
}

import AISearchAPI
import Foundation
import ObjectStorage
import Testing
@testable import Emulator

/// An emulator whose R2-backed instances read an external S3 endpoint (`R2Upstream`). The
/// upstream here is a second emulator's `/r2` bucket endpoint, a real S3 server over HTTP that
/// checks signatures; EndToEndTests run the same against moto.
struct R2UpstreamTests {
    static let upstreamEnvironment = ["R2_ACCESS_KEY_ID": EmulatorConfiguration.defaultR2AccessKeyID,
                                      "R2_SECRET_ACCESS_KEY": EmulatorConfiguration.defaultR2SecretAccessKey]

    /// The upstream (with bucket `docs`), a client writing to it, and the emulator reading it.
    func pair(secret: String = EmulatorConfiguration.defaultR2SecretAccessKey) async throws -> (upstream: Harness, writer: R2Client, h: Harness) {
        let upstream = try Harness()
        let writer = try R2BucketTests.client(upstream)
        try await writer.createBucket("docs")
        var environment = Self.upstreamEnvironment
        environment["R2_SECRET_ACCESS_KEY"] = secret
        let h = try Harness { configuration in
            try? configuration.readR2Buckets(from: "http://127.0.0.1:\(upstream.port)/r2", environment: environment)
            configuration.r2Upstream?.retryPolicy = RetryPolicy(maxAttempts: 1)
        }
        #expect(h.emulator.configuration.r2Upstream != nil)
        _ = try await h.createInstance("kb", extra: #","type":"r2","source":"docs""#)
        return (upstream, writer, h)
    }

    @Test func itemsAndJobsIndexTheUpstreamsObjectsAndWriteNothingThere() async throws {
        let (upstream, writer, h) = try await pair()
        _ = try await writer.putObject(bucket: "docs", key: "guide/a.md", body: Array("alpha".utf8))
        let items = h.base(.namespaced) + "/instances/kb/items"
        let item = try h.result(Item.self, await h.send("PUT", items, json: #"{"key":"guide/a.md","next_action":"INDEX"}"#))
        await h.emulator.settleAll()
        #expect(await h.emulator.content(ofItem: item.id) == Array("alpha".utf8))
        #expect(h.emulator.r2Buckets.objects(bucket: "docs") == nil, "the emulator's own /r2 buckets are not used")
        _ = try h.error(await h.send("PUT", items, json: #"{"key":"guide/none.md","next_action":"INDEX"}"#), status: 404)

        // PATCH reads the key again.
        _ = try await writer.putObject(bucket: "docs", key: "guide/a.md", body: Array("alpha, edited".utf8))
        _ = try h.result(Item.self, await h.send("PATCH", items + "/\(item.id)", json: #"{"next_action":"INDEX"}"#))
        await h.emulator.settleAll()
        #expect(await h.emulator.content(ofItem: item.id) == Array("alpha, edited".utf8))

        // A job lists the upstream and reads only what changed.
        _ = try await writer.putObject(bucket: "docs", key: "guide/b.md", body: Array("beta".utf8))
        try await writer.deleteObject(bucket: "docs", key: "guide/a.md")
        upstream.emulator.r2Buckets.clearRequestCounts()
        let jobs = h.base(.namespaced) + "/instances/kb/jobs"
        let job = try h.result(Job.self, await h.send("POST", jobs, json: "{}"))
        await h.emulator.settleAll()
        #expect(await h.emulator.items(instance: "kb").map(\.key) == ["guide/b.md"])
        let logs = try h.result([JobLog].self, await h.send("GET", jobs + "/\(job.id)/logs")).map(\.message)
        #expect(logs.contains { $0.contains("1 new, 0 changed, 1 deleted, 0 unchanged") }, "\(logs)")
        #expect(upstream.emulator.r2Buckets.requestCounts() == ["ListObjectsV2": 1, "GetObject": 1])
        let writes = upstream.emulator.r2Buckets.requestCounts().keys.filter { ["PutObject", "DeleteObject", "CreateBucket"].contains($0) }
        #expect(writes.isEmpty)
    }

    @Test func anUpstreamThatRefusesTheKeyPairIsA502NamingTheSetting() async throws {
        let (upstream, writer, h) = try await pair(secret: "not-the-secret")
        _ = try await writer.putObject(bucket: "docs", key: "a.md", body: Array("a".utf8))
        let refused = try h.error(await h.send("PUT", h.base(.namespaced) + "/instances/kb/items",
                                               json: #"{"key":"a.md","next_action":"INDEX"}"#), status: 502)
        #expect(refused.message.contains("SignatureDoesNotMatch") && refused.message.contains("--r2-upstream"), "\(refused.message)")
        #expect(!refused.message.contains("not-the-secret"))
        #expect(upstream.emulator.r2Buckets.requestCounts()["Refused"] == 1)
    }
}

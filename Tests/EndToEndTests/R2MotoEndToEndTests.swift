import AISearchAPI
import Emulator
import Foundation
import ObjectStorage
import Testing

/// Issue 16's acceptance against an S3 implementation we did not write: the real binary writes
/// moto's bucket (signatures checked), and the emulator's R2-backed instance reads that bucket
/// from moto (`EmulatorConfiguration.r2Upstream`). S3 requests are counted from moto's own request
/// log, per client by User-Agent (`MotoBucket`); API requests from the emulator's request log.
/// Skipped with a reason unless the venv has moto (`AISEARCH_MOTO_PYTHON`); `scripts/test` sets
/// `AISEARCH_REQUIRE_MOTO=1`, which makes its absence a failure.
@Suite(.serialized) struct R2MotoEndToEndTests {
    static let bucket = "docs-bucket"

    struct Rig {
        let moto: MotoBucket
        let harness: EmulatorHarness
        let credentials: URL

        func agent(_ command: String, state: URL? = nil, extra: [String] = []) throws -> AgentProcess {
            var arguments = [command, harness.root.path, "--instance", "docs", "--r2-endpoint", moto.endpoint,
                             "--r2-credentials-file", credentials.path] + extra
            if let state { arguments += ["--state-dir", state.path] }
            return try AgentProcess(arguments, harness: harness, stateDirectoryFlag: state == nil)
        }

        /// Key bytes → bytes, read back from moto.
        func bucket() async throws -> [[UInt8]: [UInt8]] {
            let client = try moto.client()
            var result: [[UInt8]: [UInt8]] = [:]
            for try await page in client.objectPages(bucket: R2MotoEndToEndTests.bucket) {
                for object in page.objects { result[object.key.bytes] = try await client.getObject(bucket: R2MotoEndToEndTests.bucket, key: object.key).body }
            }
            return result
        }

        /// Key bytes → indexed bytes, once processing has settled.
        func index() async -> [[UInt8]: [UInt8]] {
            await harness.server.emulator.settleAll()
            var result: [[UInt8]: [UInt8]] = [:]
            for item in await harness.server.emulator.items(instance: "docs") where item.nextAction != .delete {
                result[Array(item.key.utf8)] = await harness.server.emulator.content(ofItem: item.id) ?? []
            }
            return result
        }

        /// API requests of `method` on routes ending in `suffix`, from the emulator's request log.
        func api(_ method: String, _ suffix: String) async -> Int {
            await harness.server.emulator.requestCounts().filter { $0.method == method && $0.route.hasSuffix(suffix) }.reduce(0) { $0 + $1.count }
        }

        func agentS3(since mark: Int) -> [String: Int] { moto.s3Requests(from: MotoBucket.agent, since: mark) }
    }

    static func withRig(faults: FaultSettings = FaultSettings(), _ body: (Rig) async throws -> Void) async throws {
        guard let moto = try await MotoBucket.start() else { return }
        defer { moto.stop() }
        var reading = EmulatorConfiguration()
        try reading.readR2Buckets(from: moto.endpoint, environment: ["R2_ACCESS_KEY_ID": moto.credentials.accessKeyID,
                                                                    "R2_SECRET_ACCESS_KEY": moto.credentials.secretAccessKey])
        let harness = try EmulatorHarness(faults: faults, r2Upstream: reading.r2Upstream)
        defer { Task { await harness.stop() } }
        try await moto.client().createBucket(bucket)
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: bucket))
        try await body(Rig(moto: moto, harness: harness, credentials: try moto.credentialsFile(in: harness.root.deletingLastPathComponent())))
    }

    @Test(.enabled(if: MotoBucket.enabled, "set AISEARCH_MOTO_PYTHON (scripts/test does) to run the moto end-to-end checks"))
    func syncWritesMotoAndTheEmulatorIndexesFromIt() async throws {
        try await Self.withRig { rig in
            for index in 0..<5 { try rig.harness.write("guide/page\(index).md", "page \(index)") }
            try rig.harness.write("café.md", "precomposed")
            try rig.harness.write("cafe\u{301}.md", "decomposed")

            // First sync: every file is one PutObject to moto and one indexing call, and the
            // emulator read each object back from moto.
            var mark = rig.moto.mark()
            let first = try rig.agent("sync")
            #expect(await first.exitStatus(within: .seconds(180)) == 0, "\(first.errors)")
            let local = try rig.harness.localContentsByBytes()
            #expect(try await rig.bucket() == local)
            #expect(await rig.index() == local, "the index holds what moto holds, NFC and NFD twins apart")
            #expect(rig.agentS3(since: mark)["PutObject"] == 7, "\(rig.agentS3(since: mark))")
            #expect(await rig.api("PUT", "/items") == 7)
            #expect(rig.moto.s3Requests(from: MotoBucket.emulator, since: mark)["GetObject"] == 7)

            // A resync writes nothing and indexes nothing.
            mark = rig.moto.mark()
            await rig.harness.server.emulator.clearRequestCounts()
            let again = try rig.agent("sync")
            #expect(await again.exitStatus(within: .seconds(180)) == 0, "\(again.errors)")
            #expect(rig.agentS3(since: mark)["PutObject"] == nil && rig.agentS3(since: mark)["DeleteObject"] == nil, "\(rig.agentS3(since: mark))")
            #expect(await rig.api("PUT", "/items") == 0)
            #expect(await rig.api("DELETE", "/items/{item_id}") == 0)

            // An edit, an addition and a deletion: the bucket (read back from moto) and the index follow.
            try rig.harness.write("guide/page0.md", "page 0, edited")
            try rig.harness.write("guide/new.md", "a new page")
            try rig.harness.remove("guide/page1.md")
            mark = rig.moto.mark()
            await rig.harness.server.emulator.clearRequestCounts()
            let changed = try rig.agent("sync")
            #expect(await changed.exitStatus(within: .seconds(180)) == 0, "\(changed.errors)")
            let edited = try rig.harness.localContentsByBytes()
            #expect(try await rig.bucket() == edited)
            #expect(await rig.index() == edited)
            #expect(rig.agentS3(since: mark)["PutObject"] == 2 && rig.agentS3(since: mark)["DeleteObject"] == 1, "\(rig.agentS3(since: mark))")
            #expect(await rig.api("PUT", "/items") == 2)
            #expect(await rig.api("DELETE", "/items/{item_id}") == 1, "the deleted file's item is removed now, not at the next crawl")

            // A fresh state: the ETags are the files' MD5s, so nothing is downloaded or rewritten.
            mark = rig.moto.mark()
            await rig.harness.server.emulator.clearRequestCounts()
            let fresh = try rig.agent("sync", state: rig.harness.stateDirectory.appendingPathComponent("fresh"))
            #expect(await fresh.exitStatus(within: .seconds(180)) == 0, "\(fresh.errors)")
            let reads = rig.agentS3(since: mark)
            #expect(reads["PutObject"] == nil && reads["GetObject"] == nil && reads["DeleteObject"] == nil, "\(reads)")
            #expect(await rig.api("PUT", "/items") == 0)
        }
    }

    @Test(.enabled(if: MotoBucket.enabled, "set AISEARCH_MOTO_PYTHON (scripts/test does) to run the moto end-to-end checks"))
    func aBulkLoadIsOneJobThatReadsMoto() async throws {
        try await Self.withRig { rig in
            for index in 0..<510 { try rig.harness.write("bulk/file\(index).md", "file \(index)") }
            let mark = rig.moto.mark()
            let load = try rig.agent("sync", extra: ["--json"])
            #expect(await load.exitStatus(within: .seconds(300)) == 0, "\(load.errors)")
            let report = (try? JSONSerialization.jsonObject(with: Data(load.output.utf8)) as? [String: Any])?["report"] as? [String: Any]
            #expect(report?["job_id"] as? String != nil, "\(load.output.prefix(300))")
            #expect(rig.agentS3(since: mark)["PutObject"] == 510)
            #expect(await rig.api("POST", "/jobs") == 1)
            #expect(await rig.api("PUT", "/items") == 0, "no per-key indexing in a bulk round")
            let crawler = rig.moto.s3Requests(from: MotoBucket.emulator, since: mark)
            #expect(crawler["GetObject"] == 510 && crawler["ListObjectsV2"] == 1, "the job read moto: \(crawler)")
            let local = try rig.harness.localContentsByBytes()
            #expect(try await rig.bucket() == local)
            #expect(await rig.index() == local)
        }
    }

    @Test(.enabled(if: MotoBucket.enabled, "set AISEARCH_MOTO_PYTHON (scripts/test does) to run the moto end-to-end checks"))
    func aKilledSyncConvergesAndWatchWritesOneObjectAndOneIndexCallPerEdit() async throws {
        // Slow API answers, so the kill lands while requests are in flight.
        try await Self.withRig(faults: FaultSettings(slowRate: 1, slowDelayMilliseconds: 50)) { rig in
            for index in 0..<120 { try rig.harness.write("f\(index).md", "file \(index)") }
            let mark = rig.moto.mark()
            let killed = try rig.agent("sync", extra: ["--concurrency", "2"])
            #expect(await eventually { rig.agentS3(since: mark)["PutObject", default: 0] >= 30 }, "\(killed.errors)")
            killed.signal(SIGKILL)
            #expect(await killed.exitStatus(within: .seconds(120)) == 128 + SIGKILL)
            #expect(rig.agentS3(since: mark)["PutObject", default: 0] < 120, "killed mid-sync")

            let restarted = try rig.agent("sync")
            #expect(await restarted.exitStatus(within: .seconds(180)) == 0, "\(restarted.errors)")
            let local = try rig.harness.localContentsByBytes()
            #expect(try await rig.bucket() == local)
            #expect(await rig.index() == local)

            // watch: one edit is one PutObject to moto and one indexing call.
            let watch = try rig.agent("watch", extra: ["--log-format", "json"])
            #expect(await eventually { watch.errors.contains(#""round":"initial sync""#) }, "\(watch.errors)")
            let before = rig.moto.mark()
            await rig.harness.server.emulator.clearRequestCounts()
            try rig.harness.write("f7.md", "file 7, edited")
            #expect(await eventually { await rig.index()[Array("f7.md".utf8)] == Array("file 7, edited".utf8) }, "\(watch.errors)")
            #expect(rig.agentS3(since: before)["PutObject"] == 1, "\(rig.agentS3(since: before))")
            #expect(await rig.api("PUT", "/items") == 1)
            #expect(try await rig.bucket()[Array("f7.md".utf8)] == Array("file 7, edited".utf8))
            watch.signal(SIGTERM)
            #expect(await watch.exitStatus(within: .seconds(120)) == 0, "\(watch.errors)")
        }
    }
}

import AISearchAPI
import Emulator
import Foundation
import ObjectStorage
import Testing

/// Issue 16 with the real binary: an R2-backed instance is served by writing its bucket over
/// the S3 API (signed, verified by the emulator) and indexing each key at once.
@Suite(.serialized) struct R2ModeTests {
    static let bucket = "docs-bucket"

    /// The emulator's key pair in a credentials file, as a user would keep an R2 API token's.
    private func credentialsFile(_ harness: EmulatorHarness) throws -> URL {
        let file = harness.root.deletingLastPathComponent().appendingPathComponent("r2-credentials")
        try Data("""
            # the emulator's R2 key pair
            access_key_id = \(EmulatorConfiguration.defaultR2AccessKeyID)
            secret_access_key = \(EmulatorConfiguration.defaultR2SecretAccessKey)

            """.utf8).write(to: file)
        return file
    }

    private func sync(_ harness: EmulatorHarness, state: URL? = nil, extra: [String] = []) async throws -> (status: Int32?, agent: AgentProcess) {
        var arguments = ["sync", harness.root.path, "--instance", "docs", "--json", "--r2-endpoint", harness.server.r2Endpoint,
                         "--r2-credentials-file", try credentialsFile(harness).path] + extra
        if let state { arguments += ["--state-dir", state.path] }
        let agent = try AgentProcess(arguments, harness: harness, stateDirectoryFlag: state == nil)
        return (await agent.exitStatus(within: .seconds(180)), agent)
    }

    /// Object key bytes → content: keyed by bytes, so NFC/NFD twins stay two entries.
    private func bucketContents(_ harness: EmulatorHarness) -> [[UInt8]: [UInt8]] {
        var result: [[UInt8]: [UInt8]] = [:]
        for (key, object) in harness.server.emulator.r2Buckets.objects(bucket: Self.bucket) ?? [:] { result[key.bytes] = object.bytes }
        return result
    }

    private func localContents(_ harness: EmulatorHarness) throws -> [[UInt8]: [UInt8]] { try harness.localContentsByBytes() }

    private func puts(_ harness: EmulatorHarness) -> Int { harness.server.emulator.r2Buckets.requestCounts()["PutObject"] ?? 0 }

    private func report(_ agent: AgentProcess) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(agent.output.utf8)) as? [String: Any])?["report"] as? [String: Any]
    }

    @Test func writesTheBucketIndexesAtOnceAndAdoptsOnAFreshHost() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: Self.bucket))
        for index in 0..<5 { try harness.write("guide/page\(index).md", "page \(index)") }
        try harness.write("café.md", "precomposed")
        try harness.write("cafe\u{301}.md", "decomposed")

        // plan shows both budgets: the bucket's writes and the REST API's indexing requests.
        let plan = try AgentProcess(["plan", harness.root.path, "--instance", "docs", "--r2-endpoint", harness.server.r2Endpoint,
                                     "--r2-credentials-file", try credentialsFile(harness).path], harness: harness)
        #expect(await plan.exitStatus(within: .seconds(120)) == 0, "\(plan.errors)")
        #expect(plan.output.contains("R2 bucket: 7 object write(s)") && plan.output.contains("7 request(s)"), "\(plan.output)")

        let first = try await sync(harness)
        #expect(first.status == 0, "\(first.agent.errors)")
        #expect(first.agent.errors.contains("reads the R2 bucket"), "\(first.agent.errors)")
        #expect(bucketContents(harness) == (try localContents(harness)))
        #expect(bucketContents(harness).count == 7, "NFC and NFD twins are two objects")
        // Indexed now, not at the next crawl: every key is an item of the instance.
        await harness.server.emulator.settleAll()
        let items = Set(await harness.server.emulator.items(instance: "docs").map { Array($0.key.utf8) })
        #expect(items == Set(try localContents(harness).keys), "\(items.count) items")

        // Nothing changed: no write, no indexing request.
        harness.server.emulator.r2Buckets.clearRequestCounts()
        await harness.server.emulator.clearRequestCounts()
        let again = try await sync(harness)
        #expect(again.status == 0, "\(again.agent.errors)")
        #expect(puts(harness) == 0)
        #expect((report(again.agent)?["uploaded"] as? [Any])?.isEmpty == true)

        // An edit and a delete: one PutObject, one DeleteObject, the item follows.
        try harness.write("guide/page0.md", "page 0, edited")
        try harness.remove("guide/page1.md")
        let changed = try await sync(harness)
        #expect(changed.status == 0, "\(changed.agent.errors)")
        #expect(bucketContents(harness) == (try localContents(harness)))
        await harness.server.emulator.settleAll()
        #expect(!(await harness.server.emulator.items(instance: "docs").contains { $0.key == "guide/page1.md" }))

        // A fresh host (no state): the ETags are the MD5s of the files, so it adopts every object
        // from the listing, with no download and no write.
        harness.server.emulator.r2Buckets.clearRequestCounts()
        let fresh = try await sync(harness, state: harness.stateDirectory.appendingPathComponent("fresh"))
        #expect(fresh.status == 0, "\(fresh.agent.errors)")
        #expect(puts(harness) == 0)
        #expect(harness.server.emulator.r2Buckets.requestCounts()["GetObject"] == nil)
    }

    @Test func aBulkLoadWritesTheBucketThenRunsOneSyncJob() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: Self.bucket))
        for index in 0..<510 { try harness.write("bulk/file\(index).md", "file \(index)") }
        let load = try await sync(harness)
        #expect(load.status == 0, "\(load.agent.errors)")
        #expect(report(load.agent)?["job_id"] as? String != nil, "\(load.agent.output.prefix(300))")
        #expect(bucketContents(harness).count == 510)
        // One job, no per-key indexing request.
        let counts = await harness.server.emulator.requestCounts()
        #expect(counts.filter { $0.method == "PUT" && $0.route.hasSuffix("/items") }.isEmpty, "\(counts)")
        #expect(counts.filter { $0.method == "POST" && $0.route.hasSuffix("/jobs") }.reduce(0) { $0 + $1.count } == 1, "\(counts)")
        await harness.server.emulator.settleAll()
        #expect(await harness.server.emulator.items(instance: "docs").count == 510)
    }

    @Test func watchWritesOneObjectAndOneIndexCallPerEditAndSurvivesAKill() async throws {
        // Slow answers, so the kill lands while requests are in flight.
        let harness = try EmulatorHarness(faults: FaultSettings(slowRate: 1, slowDelayMilliseconds: 20))
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: Self.bucket))
        for index in 0..<120 { try harness.write("f\(index).md", "file \(index)") }
        let arguments = ["watch", harness.root.path, "--instance", "docs", "--concurrency", "2", "--timeout", "2s", "--log-format", "json",
                         "--r2-endpoint", harness.server.r2Endpoint, "--r2-credentials-file", try credentialsFile(harness).path]
        let first = try AgentProcess(arguments, harness: harness)
        #expect(await eventually(within: .seconds(120)) { bucketContents(harness).count >= 30 }, "\(first.errors)")
        first.signal(SIGKILL)
        _ = await first.exitStatus(within: .seconds(120))

        let second = try AgentProcess(arguments, harness: harness)
        #expect(await eventually(within: .seconds(120)) { (try? localContents(harness)) == bucketContents(harness) }, "\(second.errors)")
        #expect(await eventually(within: .seconds(120)) { second.errors.contains(#""round":"initial sync""#) }, "\(second.errors)")
        await harness.server.emulator.settleAll()
        #expect(await eventually(within: .seconds(120)) { await harness.server.emulator.items(instance: "docs").count == 120 })

        // One edit while watching: one PutObject and one indexing request.
        harness.server.emulator.r2Buckets.clearRequestCounts()
        await harness.server.emulator.clearRequestCounts()
        try harness.write("f7.md", "file 7, edited")
        #expect(await eventually(within: .seconds(120)) { bucketContents(harness)[Array("f7.md".utf8)] == Array("file 7, edited".utf8) },
                "\(second.errors)")
        #expect(await eventually(within: .seconds(120)) {
            await harness.server.emulator.requestCounts().contains { $0.method == "PUT" && $0.route.hasSuffix("/items") }
        })
        #expect(puts(harness) == 1)
        let indexCalls = await harness.server.emulator.requestCounts().filter { $0.method == "PUT" && $0.route.hasSuffix("/items") }
        #expect(indexCalls.reduce(0) { $0 + $1.count } == 1, "\(indexCalls)")
        second.signal(SIGTERM)
        #expect(await second.exitStatus(within: .seconds(120)) == 0, "\(second.errors)")
    }

    /// A run killed between a PutObject and its index call leaves the bucket right and the index
    /// stale; the ETag then equals the file's MD5, so only the run's record of what it owed
    /// (`R2IndexDebt`) tells the next run to index the key. Found by `scripts/torture --r2`.
    @Test func aKeyWrittenButNotIndexedByAKilledRunIsIndexedByTheNext() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: Self.bucket))
        try harness.write("a.md", "version 1")
        #expect(try await sync(harness).status == 0)
        // What the killed run got done: the new bytes in the bucket and its record of the debt, no index call.
        try harness.write("a.md", "version 2")
        harness.server.emulator.r2Buckets.putObject(bucket: Self.bucket, key: "a.md", bytes: Array("version 2".utf8))
        try Data(#"["owe","a.md"]"#.utf8 + [10]).write(to: harness.stateDirectory.appendingPathComponent("r2-index-owed.jsonl"))
        harness.server.emulator.r2Buckets.clearRequestCounts()
        await harness.server.emulator.clearRequestCounts()
        let next = try await sync(harness)
        #expect(next.status == 0, "\(next.agent.errors)")
        #expect(puts(harness) == 0, "the bucket was right already")
        await harness.server.emulator.settleAll()
        #expect(await harness.remoteContents() == ["a.md": Array("version 2".utf8)])
        #expect(!FileManager.default.fileExists(atPath: harness.stateDirectory.appendingPathComponent("r2-index-owed.jsonl").path))
    }

    @Test func keysGoUnderTheInstancesSourcePrefix() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(
            type: "r2", source: Self.bucket, other: ["source_params": .object(["prefix": .string("site")])]))
        // An object outside the prefix is not the instance's: never touched.
        _ = harness.server.emulator.r2Buckets.putObject(bucket: Self.bucket, key: ObjectKey("elsewhere.md"), bytes: Array("other".utf8))
        try harness.write("a.md", "alpha")
        let first = try await sync(harness, extra: ["--prefix", "guide/"])
        #expect(first.status == 0, "\(first.agent.errors)")
        #expect(bucketContents(harness) == [Array("site/guide/a.md".utf8): Array("alpha".utf8), Array("elsewhere.md".utf8): Array("other".utf8)])
        try harness.remove("a.md")
        let second = try await sync(harness, extra: ["--prefix", "guide/", "--allow-empty-root", "--max-delete", "100%"])
        #expect(second.status == 0, "\(second.agent.errors)")
        #expect(bucketContents(harness) == [Array("elsewhere.md".utf8): Array("other".utf8)])
    }

    @Test func filesTheInstancesPathFilterSkipsAreLeftOutAndNotWritten() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        let filter: JSONValue = .object(["include_items": .array([.string("/guide/**")]), "exclude_items": .array([.string("**/drafts/**")])])
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: Self.bucket,
                                                                                             other: ["source_params": filter]))
        try harness.write("guide/a.md", "alpha")
        try harness.write("guide/drafts/wip.md", "not yet")
        try harness.write("notes.md", "elsewhere")
        let first = try await sync(harness)
        #expect(first.status == 0, "\(first.agent.errors)")
        #expect(bucketContents(harness) == [Array("guide/a.md".utf8): Array("alpha".utf8)])
        #expect(first.agent.errors.components(separatedBy: "indexes only the keys its path filter admits").count == 2,
                "said once: \(first.agent.errors)")
        let plan = (try? JSONSerialization.jsonObject(with: Data(first.agent.output.utf8)) as? [String: Any])?["plan"] as? [String: Any]
        let leftOut = (plan?["left_out"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
            $0[$1["key"] as? String ?? ""] = ($1["reason"] as? String ?? "") + " " + ($1["detail"] as? String ?? "")
        }
        #expect(leftOut["guide/drafts/wip.md"]?.contains(#"ignored by rule source_params.exclude_items "**/drafts/**""#) == true, "\(leftOut)")
        #expect(leftOut["notes.md"]?.contains("source_params.include_items (no pattern matches)") == true, "\(leftOut)")
        // The instance's own crawl agrees: a job indexes exactly what the agent wrote.
        _ = try await harness.client.createJob(in: "docs")
        await harness.server.emulator.settleAll()
        #expect(await harness.server.emulator.items(instance: "docs").map(\.key) == ["guide/a.md"])
    }

    @Test func missingR2CredentialsAreAConfigurationErrorNamingWhatToSet() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs", settings: InstanceSettings(type: "r2", source: Self.bucket))
        try harness.write("a.md", "a")
        let agent = try AgentProcess(["sync", harness.root.path, "--instance", "docs", "--r2-endpoint", harness.server.r2Endpoint], harness: harness)
        #expect(await agent.exitStatus(within: .seconds(120)) == 3)
        #expect(agent.errors.contains("R2_ACCESS_KEY_ID"), "\(agent.errors)")
        #expect(!agent.errors.contains(EmulatorConfiguration.defaultR2SecretAccessKey))
    }
}

import CLI
import Testing

/// Several roots in one process, selection by instance, and per-root overrides.
@Suite struct SyncsTests {
    static let file = """
        {"max_delete": "10%", "concurrency": 4,
         "syncs": [
           {"root": "/srv/docs", "instance": "docs", "prefix": "docs/"},
           {"root": "handbook", "instance": "docs", "prefix": "handbook", "max_delete": 50, "safety_rescan": "off"},
           {"root": "/srv/blog", "instance": "blog", "concurrency": 1, "namespace": "posts"}
         ]}
        """

    @Test func everySyncWithItsOverrides() throws {
        let config = try Config.resolve(file: Self.file, path: "/etc/aisearch/config.json")
        #expect(config.syncs.map(\.label) == ["syncs[0]", "syncs[1]", "syncs[2]"])
        #expect(config.syncs.map(\.root.value) == ["/srv/docs", "/etc/aisearch/handbook", "/srv/blog"])
        #expect(config.syncs.map(\.instance.value) == ["docs", "docs", "blog"])
        #expect(config.syncs.map(\.prefix.value) == ["docs/", "handbook/", ""])
        #expect(config.syncs.map(\.maxDelete.value) == [.percentage(10), .count(50), .percentage(10)])
        #expect(config.syncs.map(\.concurrency.value) == [4, 4, 1])
        #expect(config.syncs.map { $0.namespace?.value } == [nil, nil, "posts"])
        #expect(config.syncs.map(\.safetyRescan.value) == [.seconds(3600), nil, .seconds(3600)])
        #expect(config.syncs[1].maxDelete.source == .file(path: "/etc/aisearch/config.json", key: "syncs[1].max_delete"))
        #expect(config.syncs[0].maxDelete.source == .file(path: "/etc/aisearch/config.json", key: "max_delete"))
    }

    @Test func instanceSelectsTheSyncsOfThatInstance() throws {
        let blog = try Config.resolve(flags: ["--instance": "blog"], file: Self.file)
        #expect(blog.syncs.map(\.root.value) == ["/srv/blog"])
        let docs = try Config.resolve(env: ["AISEARCH_INSTANCE": "docs"], file: Self.file)
        #expect(docs.syncs.map(\.label) == ["syncs[0]", "syncs[1]"])
        #expect(Config.error { try Config.resolve(flags: ["--instance": "wiki"], file: Self.file) }
                == #"--instance: "wiki" is not allowed; use an instance named in config.json's syncs: docs, docs, blog"#)
    }

    @Test func instanceFillsSyncsThatNameNone() throws {
        let config = try Config.resolve(env: ["AISEARCH_INSTANCE": "docs"], file: #"{"syncs": [{"root": "/data"}]}"#)
        #expect(config.syncs.first?.instance == Setting("docs", source: .environment("AISEARCH_INSTANCE")))
    }

    @Test func aFolderOnTheCommandLineReplacesTheFileSyncsButKeepsItsOverrides() throws {
        let config = try Config.resolve(root: "/srv/blog/", file: Self.file)
        let sync = try #require(config.syncs.first)
        #expect(config.syncs.count == 1)
        #expect(sync.root == Setting("/srv/blog/", source: .flag("<root>")))
        #expect(sync.instance == Setting("blog", source: .file(path: "config.json", key: "syncs[2].instance")))
        #expect(sync.concurrency.value == 1)
        let other = try Config.resolve(flags: ["--instance": "scratch", "--prefix": "x"], root: "/tmp/x", file: Self.file)
        #expect(other.syncs.first?.instance == Setting("scratch", source: .flag("--instance")))
        #expect(other.syncs.first?.prefix == Setting("x/", source: .flag("--prefix")))
        #expect(other.syncs.first?.concurrency == Setting(4, source: .file(path: "config.json", key: "concurrency")))
    }

    @Test func aFolderWithoutAnInstanceIsAnError() {
        #expect(Config.error { try Config.resolve(root: "/srv/x") }
                == #"no instance for "/srv/x": pass --instance NAME, set AISEARCH_INSTANCE, or add a sync for this folder to the config file"#)
    }

    @Test func overlappingPrefixesInOneInstanceAreRefused() {
        let json = #"{"syncs": [{"root": "/a", "instance": "docs", "prefix": "a/"}, {"root": "/b", "instance": "docs"}]}"#
        #expect(Config.error { try Config.resolve(file: json) }
                == #"config.json: syncs[1] and syncs[0] both sync into instance "docs" with overlapping prefixes ("" and "a/"); give each its own prefix, like "handbook/""#)
        let nested = #"{"syncs": [{"root": "/a", "instance": "docs", "prefix": "a/"}, {"root": "/b", "instance": "docs", "prefix": "a/b"}]}"#
        #expect(Config.error { try Config.resolve(file: nested) } != nil)
        let apart = #"{"syncs": [{"root": "/a", "instance": "docs", "prefix": "a/"}, {"root": "/b", "instance": "docs", "prefix": "ab/"}]}"#
        #expect(Config.error { try Config.resolve(file: apart) } == nil)
        let otherNamespace = #"{"syncs": [{"root": "/a", "instance": "docs"}, {"root": "/b", "instance": "docs", "namespace": "b"}]}"#
        #expect(Config.error { try Config.resolve(file: otherNamespace) } == nil)
    }

    @Test func theSameFolderMayFeedTwoInstances() throws {
        let json = #"{"syncs": [{"root": "/a", "instance": "one"}, {"root": "/a", "instance": "two"}]}"#
        #expect(try Config.resolve(file: json).syncs.count == 2)
    }
}

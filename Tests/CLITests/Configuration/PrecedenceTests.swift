import Agent
import CLI
import Observability
import Testing

/// flags > environment > file > defaults, for every kind of setting, with sources remembered.
@Suite struct PrecedenceTests {
    static let file = """
        {"account_id": "fromfile", "base_url": "https://file.example/v4", "log_format": "json",
         "log_level": "debug", "listen": "127.0.0.1:9000", "state_dir": "/file/state", "wait": true,
         "namespace": "filens", "max_delete": 7, "concurrency": 3, "settle_ms": 100, "max_settle_ms": 900,
         "safety_rescan": "2h", "legacy_paths": true, "rate_limit": {"requests": 600},
         "syncs": [{"root": "/srv/docs", "instance": "docs", "concurrency": 2}]}
        """

    @Test func defaultsWhenNothingIsSet() throws {
        let config = try Config.resolve(env: ["HOME": "/home/ana"])
        #expect(config.accountID == nil)
        #expect(config.credentials == nil)
        #expect(config.baseURL == Setting("https://api.cloudflare.com/client/v4", source: .defaultValue))
        #expect(config.logFormat == Setting(.human, source: .defaultValue))
        #expect(config.logLevel == Setting(.info, source: .defaultValue))
        #expect(config.listen == Setting(nil, source: .defaultValue))
        #expect(config.stateDirectory == Setting("/home/ana/.local/state/aisearch-sync", source: .defaultValue))
        #expect(config.wait == Setting(false, source: .defaultValue))
        #expect(config.rateLimit == Setting(RateLimit(requests: 1200, perSeconds: 300), source: .defaultValue))
        #expect(config.syncs.isEmpty)
        #expect(try Config.resolve(env: ["XDG_STATE_HOME": "/xdg", "HOME": "/h"]).stateDirectory.value == "/xdg/aisearch-sync")
    }

    @Test func fileBeatsDefaults() throws {
        let config = try Config.resolve(file: Self.file)
        let at = { (key: String) in SettingSource.file(path: "config.json", key: key) }
        #expect(config.accountID == Setting("fromfile", source: at("account_id")))
        #expect(config.baseURL == Setting("https://file.example/v4", source: at("base_url")))
        #expect(config.logFormat == Setting(.json, source: at("log_format")))
        #expect(config.logLevel == Setting(.debug, source: at("log_level")))
        #expect(config.listen == Setting(ListenAddress(host: "127.0.0.1", port: 9000), source: at("listen")))
        #expect(config.stateDirectory == Setting("/file/state", source: at("state_dir")))
        #expect(config.wait == Setting(true, source: at("wait")))
        #expect(config.rateLimit == Setting(RateLimit(requests: 600, perSeconds: 300), source: at("rate_limit.requests")))
        let sync = try #require(config.syncs.first)
        #expect(sync.root == Setting("/srv/docs", source: at("syncs[0].root")))
        #expect(sync.instance == Setting("docs", source: at("syncs[0].instance")))
        #expect(sync.concurrency == Setting(2, source: at("syncs[0].concurrency")))
        #expect(sync.namespace == Setting("filens", source: at("namespace")))
        #expect(sync.maxDelete == Setting(.count(7), source: at("max_delete")))
        #expect(sync.settle == Setting(.milliseconds(100), source: at("settle_ms")))
        #expect(sync.maxSettle == Setting(.milliseconds(900), source: at("max_settle_ms")))
        #expect(sync.safetyRescan == Setting(.seconds(7200), source: at("safety_rescan")))
        #expect(sync.legacyPaths == Setting(true, source: at("legacy_paths")))
    }

    @Test func environmentBeatsFile() throws {
        let config = try Config.resolve(env: [
            "CLOUDFLARE_ACCOUNT_ID": "fromenv", "CLOUDFLARE_BASE_URL": "http://localhost:8787/v4",
            "AISEARCH_LOG_FORMAT": "human", "AISEARCH_LOG_LEVEL": "warning", "AISEARCH_LISTEN": "[::]:9465",
            "AISEARCH_STATE_DIR": "/env/state", "AISEARCH_NAMESPACE": "envns", "AISEARCH_INSTANCE": "docs",
        ], file: Self.file)
        #expect(config.accountID == Setting("fromenv", source: .environment("CLOUDFLARE_ACCOUNT_ID")))
        #expect(config.baseURL == Setting("http://localhost:8787/v4", source: .environment("CLOUDFLARE_BASE_URL")))
        #expect(config.logFormat == Setting(.human, source: .environment("AISEARCH_LOG_FORMAT")))
        #expect(config.logLevel == Setting(.warning, source: .environment("AISEARCH_LOG_LEVEL")))
        #expect(config.listen.value == ListenAddress(host: "::", port: 9465))
        #expect(config.stateDirectory == Setting("/env/state", source: .environment("AISEARCH_STATE_DIR")))
        #expect(config.syncs.first?.namespace == Setting("envns", source: .environment("AISEARCH_NAMESPACE")))
    }

    @Test func emptyEnvironmentVariablesCountAsUnset() throws {
        let config = try Config.resolve(env: ["AISEARCH_LOG_LEVEL": "", "CLOUDFLARE_API_TOKEN": ""], file: Self.file)
        #expect(config.logLevel.value == .debug)
        #expect(config.credentials == nil)
    }

    @Test func flagsBeatEnvironmentAndFile() throws {
        let config = try Config.resolve(flags: [
            "--account-id": "fromflag", "--base-url": "https://flag.example/v4/", "--log-format": "json",
            "--log-level": "error", "--listen": "0.0.0.0:9465", "--state-dir": "/flag/state", "--wait": "true",
            "--namespace": "flagns", "--max-delete": "50%", "--concurrency": "8", "--settle": "0ms",
            "--max-settle": "0", "--safety-rescan": "off", "--legacy-paths": "true", "--rate-limit": "100/60",
        ], env: ["CLOUDFLARE_ACCOUNT_ID": "fromenv", "AISEARCH_LOG_LEVEL": "trace", "AISEARCH_NAMESPACE": "envns"],
           file: Self.file)
        #expect(config.accountID == Setting("fromflag", source: .flag("--account-id")))
        #expect(config.baseURL.value == "https://flag.example/v4")
        #expect(config.logLevel == Setting(.error, source: .flag("--log-level")))
        #expect(config.listen.value == ListenAddress(host: "0.0.0.0", port: 9465))
        #expect(config.stateDirectory.value == "/flag/state")
        #expect(config.wait == Setting(true, source: .flag("--wait")))
        #expect(config.rateLimit == Setting(RateLimit(requests: 100, perSeconds: 60), source: .flag("--rate-limit")))
        let sync = try #require(config.syncs.first)
        #expect(sync.namespace == Setting("flagns", source: .flag("--namespace")))
        #expect(sync.maxDelete == Setting(.percentage(50), source: .flag("--max-delete")))
        #expect(sync.concurrency == Setting(8, source: .flag("--concurrency")), "a flag beats a per-sync key")
        #expect(sync.settle.value == .zero)
        #expect(sync.safetyRescan == Setting(nil, source: .flag("--safety-rescan")))
    }

    @Test func theCommandLineReadsOnlyTypedValues() throws {
        let command = CommandSpec("watch", abstract: "", arguments: [.required("root", help: "")],
                                  options: CommandLineSettings.options.map { option in
            option.name == "--instance" ? OptionSpec.value("--instance", help: "", environment: "AISEARCH_INSTANCE") : option
        }) { _ in }
        guard case .run(_, let parsed) = try command.parse(["/srv/docs", "--max-delete", "5", "--wait"],
                                                           environment: ["AISEARCH_INSTANCE": "docs"]) else {
            Issue.record("did not parse")
            return
        }
        let flags = try CommandLineSettings(parsed)
        #expect(flags == CommandLineSettings(options: ["--max-delete": "5", "--wait": "true"], root: "/srv/docs"))
        let config = try EffectiveConfiguration.resolve(flags: flags, environment: ["AISEARCH_INSTANCE": "docs"], file: nil)
        #expect(config.syncs.first?.instance == Setting("docs", source: .environment("AISEARCH_INSTANCE")))
        #expect(config.syncs.first?.root == Setting("/srv/docs", source: .flag("<root>")))
    }
}

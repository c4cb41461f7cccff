import CLI
import Testing

/// Every bad value is one line naming where it came from, the value, and what is allowed.
@Suite struct ValidationTests {
    static let sync = #"{"syncs": [{"root": "/a", "instance": "a"}, {"root": "/b", "instance": "b", "prefix": "b/", "#

    @Test(arguments: [
        (#"{"log_level": "loud"}"#, #"config.json: log_level: "loud" is not allowed; use one of: trace, debug, info, notice, warning, error"#),
        (#"{"log_format": "xml"}"#, #"config.json: log_format: "xml" is not allowed; use one of: human, json"#),
        (#"{"account_id": "has space"}"#, #"config.json: account_id: "has space" is not allowed; use the account ID from the dashboard (letters, digits, - and _)"#),
        (#"{"base_url": "ftp://x"}"#, #"config.json: base_url: "ftp://x" is not allowed; use an http:// or https:// URL like https://api.cloudflare.com/client/v4"#),
        (#"{"listen": "9465"}"#, #"config.json: listen: "9465" is not allowed; use a host and port like 127.0.0.1:9465, 0.0.0.0:9465 or [::]:9465, or off"#),
        (#"{"listen": "::1:9465"}"#, #"config.json: listen: "::1:9465" is not allowed; use a host and port like 127.0.0.1:9465, 0.0.0.0:9465 or [::]:9465, or off"#),
        (#"{"listen": "localhost:70000"}"#, #"config.json: listen: "localhost:70000" is not allowed; use a host and port like 127.0.0.1:9465, 0.0.0.0:9465 or [::]:9465, or off"#),
        (#"{"state_dir": ""}"#, #"config.json: state_dir: "" is not allowed; use a folder path"#),
        (#"{"wait": "maybe"}"#, #"config.json: wait: "maybe" is not allowed; use true or false"#),
        (#"{"legacy_paths": 2}"#, #"config.json: legacy_paths: 2 is not allowed; use true or false"#),
        (#"{"max_delete": -1}"#, #"config.json: max_delete: -1 is not allowed; use a count like 100 or a percentage from 0% to 100%"#),
        (#"{"concurrency": 0}"#, #"config.json: concurrency: 0 is not allowed; use a whole number from 1 to 64"#),
        (#"{"concurrency": 2.5}"#, #"config.json: concurrency: 2.5 is not allowed; use a whole number from 1 to 64"#),
        (#"{"concurrency": {"n": 1}}"#, #"config.json: concurrency: {…} is not allowed; use a whole number from 1 to 64"#),
        (#"{"settle_ms": 600001}"#, #"config.json: settle_ms: 600001 is not allowed; use milliseconds from 0 to 600000, like 200 or 200ms or 1s"#),
        (#"{"max_settle_ms": "soon"}"#, #"config.json: max_settle_ms: "soon" is not allowed; use milliseconds from 0 to 600000 (like 10000 or 10s), at least settle_ms"#),
        (#"{"safety_rescan": "30s"}"#, #"config.json: safety_rescan: "30s" is not allowed; use a duration of at least 1m like 30m or 1h, or off"#),
        (#"{"rate_limit": {"requests": 0}}"#, #"config.json: rate_limit.requests: 0 is not allowed; use a whole number from 1 to 1000000"#),
        (#"{"rate_limit": {"per_seconds": 0}}"#, #"config.json: rate_limit.per_seconds: 0 is not allowed; use a number of seconds above 0 and at most 86400"#),
        (#"{"rate_limit": "1200/300"}"#, #"config.json: rate_limit: "1200/300" is not allowed; use an object like {"requests": 1200, "per_seconds": 300}"#),
        (#"{"syncs": {"root": "/a"}}"#, #"config.json: syncs: {…} is not allowed; use a list of objects like [{"root": "/srv/docs", "instance": "docs"}]"#),
        (#"{"syncs": ["/a"]}"#, #"config.json: syncs[0]: "/a" is not allowed; use a list of objects like [{"root": "/srv/docs", "instance": "docs"}]"#),
        (Self.sync + #""max_delete": "150%"}]}"#, #"config.json: syncs[1].max_delete: "150%" is not allowed; use a count like 100 or a percentage from 0% to 100%"#),
        (#"{"syncs": [{"root": "/a", "instance": "a"}, {"root": "/b", "instance": "b c"}]}"#, #"config.json: syncs[1].instance: "b c" is not allowed; use an instance id (lowercase letters, digits, - and _, 1 to 64 characters)"#),
        (#"{"syncs": [{"root": "/a", "instance": "a", "prefix": "/abs"}]}"#, #"config.json: syncs[0].prefix: "/abs" is not allowed; use a key prefix like handbook/ (no leading /, no empty, . or .. segments)"#),
        (#"{"syncs": [{"root": "/a", "instance": "a", "prefix": "a/../b"}]}"#, #"config.json: syncs[0].prefix: "a/../b" is not allowed; use a key prefix like handbook/ (no leading /, no empty, . or .. segments)"#),
        (#"{"syncs": [{"root": "", "instance": "a"}]}"#, #"config.json: syncs[0].root: "" is not allowed; use a folder path"#),
        (#"{"syncs": [{"instance": "a"}]}"#, "config.json: syncs[0].root is missing; give the folder to sync"),
        (#"{"syncs": [{"root": "/a"}]}"#, "config.json: syncs[0].instance is missing; give the AI Search instance to sync into"),
        (#"{"settle_ms": 2000, "max_settle_ms": 1000, "syncs": [{"root": "/a", "instance": "a"}]}"#, "config.json: max_settle_ms: max_settle_ms (1000) is less than settle_ms (2000); max_settle_ms must be at least settle_ms"),
        (#"{"settle_ms": 19000, "syncs": [{"root": "/a", "instance": "a"}]}"#, "config.json: settle_ms: max_settle_ms (the default 10000) is less than settle_ms (19000); max_settle_ms must be at least settle_ms"),
        ("[1, 2]", "config.json: the top level must be a JSON object ({ ... }), not […]"),
    ])
    func badFileValues(json: String, expected: String) {
        #expect(Config.error { try Config.resolve(file: json) } == expected)
    }

    @Test(arguments: [
        (["--max-delete": "150%"], [:], #"--max-delete: "150%" is not allowed; use a count like 100 or a percentage from 0% to 100%"#),
        (["--concurrency": "many"], [:], #"--concurrency: "many" is not allowed; use a whole number from 1 to 64"#),
        (["--rate-limit": "1200"], [:], #"--rate-limit: "1200" is not allowed; use requests/seconds like 1200/300 (1 to 1000000 requests per 1 to 86400 seconds)"#),
        (["--safety-rescan": "soon"], [:], #"--safety-rescan: "soon" is not allowed; use a duration of at least 1m like 30m or 1h, or off"#),
        ([:], ["AISEARCH_LOG_LEVEL": "loud"], #"AISEARCH_LOG_LEVEL: "loud" is not allowed; use one of: trace, debug, info, notice, warning, error"#),
        ([:], ["AISEARCH_LOG_FORMAT": "xml"], #"AISEARCH_LOG_FORMAT: "xml" is not allowed; use one of: human, json"#),
        ([:], ["CLOUDFLARE_BASE_URL": "not a url"], #"CLOUDFLARE_BASE_URL: "not a url" is not allowed; use an http:// or https:// URL like https://api.cloudflare.com/client/v4"#),
        ([:], ["AISEARCH_LISTEN": "0.0.0.0"], #"AISEARCH_LISTEN: "0.0.0.0" is not allowed; use a host and port like 127.0.0.1:9465, 0.0.0.0:9465 or [::]:9465, or off"#),
        (["--prefix": "a//b"], ["AISEARCH_INSTANCE": "docs"], #"--prefix: "a//b" is not allowed; use a key prefix like handbook/ (no leading /, no empty, . or .. segments)"#),
    ] as [([String: String], [String: String], String)])
    func badFlagAndEnvironmentValues(flags: [String: String], env: [String: String], expected: String) {
        #expect(Config.error { try Config.resolve(flags: flags, root: "/srv/docs", env: env.merging(["AISEARCH_INSTANCE": "docs"]) { a, _ in a }) } == expected)
    }

    @Test func errorsAreConfigurationErrorsWithExitCodeThree() {
        #expect(throws: ConfigurationError.self) { try Config.resolve(file: #"{"wait": 3}"#) }
        #expect(ConfigurationError("x").exitCode == .configuration)
        #expect(ExitCode.configuration.rawValue == 3)
    }

    @Test(arguments: [
        (#"{"log_levle": "info"}"#, #"config.json: log_levle: unknown key; did you mean "log_level"?"#),
        (#"{"acount_id": "x"}"#, #"config.json: acount_id: unknown key; did you mean "account_id"?"#),
        (#"{"syncs": [{"root": "/a", "instnce": "a"}]}"#, #"config.json: syncs[0].instnce: unknown key; did you mean "instance"?"#),
        (#"{"rate_limit": {"request": 5}}"#, #"config.json: rate_limit.request: unknown key; did you mean "requests"?"#),
        (#"{"colour": true}"#, "config.json: colour: unknown key"),
        (#"{"syncs": [{"root": "/a", "instance": "a", "log_level": "debug"}]}"#, "config.json: syncs[0].log_level: unknown key (log_level is a top-level setting, it cannot be set per sync)"),
    ])
    func unknownKeysSuggestTheClosestKnownKey(json: String, expected: String) {
        #expect(Config.error { try Config.resolve(file: json) } == expected)
    }

    @Test func unknownKeyWithoutSuggestionListsTheKnownKeys() throws {
        do {
            _ = try ConfigFile.parse(#"{"colour": true}"#, path: "c.json")
            Issue.record("no error")
        } catch let error as ConfigurationError {
            #expect(error.hint?.hasPrefix("Known keys here: account_id, api_token, ") == true)
        }
    }

    @Test func invalidJSONNamesTheFile() {
        let message = Config.error { try Config.resolve(file: #"{"wait": tru}"#, path: "/etc/aisearch/config.json") }
        #expect(message?.hasPrefix("/etc/aisearch/config.json: not valid JSON") == true)
    }

    @Test func missingConfigFileNamesThePath() {
        let message = Config.error { try ConfigFile.load(path: "/nonexistent/aisearch.json") }
        #expect(message == "/nonexistent/aisearch.json: cannot read the config file: No such file or directory (ENOENT)")
    }

    @Test func nullMeansNotSet() throws {
        let config = try Config.resolve(file: #"{"log_level": null, "rate_limit": null, "syncs": null}"#)
        #expect(config.logLevel.source == .defaultValue)
        #expect(config.syncs.isEmpty)
    }

    @Test(arguments: [("100", DeleteLimit.count(100)), ("0", .count(0)), ("10%", .percentage(10)),
                      ("0%", .percentage(0)), ("100%", .percentage(100)), ("2.5%", .percentage(2.5))])
    func deleteLimits(text: String, expected: DeleteLimit) {
        #expect(DeleteLimit(text) == expected)
        #expect(DeleteLimit(text)?.description == text)
    }

    @Test(arguments: ["150%", "-1", "-5%", "%", "ten", "1e3", "5 %", " 5", "nan%"])
    func rejectedDeleteLimits(text: String) {
        #expect(DeleteLimit(text) == nil)
    }

    @Test func percentageDeleteLimitRoundsDown() {
        #expect(DeleteLimit.percentage(10).allowedDeletions(of: 95) == 9)
        #expect(DeleteLimit.count(3).allowedDeletions(of: 1000) == 3)
    }
}

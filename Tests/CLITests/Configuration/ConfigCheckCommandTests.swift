import AISearchAPI
import CLI
import Testing

/// `config check` and `--config` as commands see them: through the parser, the environment and
/// a real file.
@Suite struct ConfigCheckCommandTests {
    func check(_ arguments: [String], environment: [String: String] = [:]) async -> (status: Int32, output: String, error: String) {
        let terminal = CapturingTerminal(width: 400)
        let status = await runCLI(arguments: ["config", "check"] + arguments, commands: .aisearchSync,
                                  terminal: terminal, environment: environment)
        return (status, terminal.standardOutput, terminal.standardError)
    }

    @Test func showsEachSettingWithItsSourceAndMasksTheToken() async throws {
        let folder = try TemporaryFolder()
        let tokenFile = try folder.write("token", Config.token + "\n")
        let file = try folder.write("agent.json", """
            {"account_id": "acct", "api_token_file": "token", "max_delete": 10,
             "syncs": [{"root": "docs", "instance": "docs"}]}
            """)
        let run = await check(["--config", file, "--log-level", "debug"], environment: ["AISEARCH_NAMESPACE": "research"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("config file: \(file)"))
        let rows = run.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains("account_id acct file \(file): account_id"))
        #expect(rows.contains("api_token cf-t… (38 chars) file \(file): api_token_file"))
        #expect(rows.contains("log_level debug flag --log-level"))
        #expect(rows.contains("namespace research env AISEARCH_NAMESPACE"))
        #expect(rows.contains("syncs[0].root \(folder.path)/docs file \(file): syncs[0].root"), "relative to the file's folder")
        #expect(rows.contains("syncs[0].max_delete 10 file \(file): max_delete"))
        #expect(!run.output.contains(Config.token) && !run.error.contains(Config.token))
        _ = tokenFile
    }

    @Test(arguments: [
        (#"{"syncs": [{"root": "a", "instance": "docs", "max_delete": "150%"}]}"#,
         #"syncs[0].max_delete: "150%" is not allowed; use a count like 100 or a percentage from 0% to 100%"#),
        (#"{"concurency": 4}"#, #"concurency: unknown key; did you mean "concurrency"?"#),
        (#"{"listen": "9465"}"#, #"listen: "9465" is not allowed; use a host and port like 127.0.0.1:9465, 0.0.0.0:9465 or [::]:9465, or off"#),
    ])
    func badValueIsOneLineNamingTheKeyAndExitsThree(json: String, message: String) async throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("agent.json", json)
        let run = await check(["--config", file])
        #expect(run.status == 3)
        #expect(run.error == "aisearch-sync: error: \(file): \(message)\n")
        #expect(run.output.isEmpty)
    }

    @Test func flagBeatsEnvironmentBeatsFile() async throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("agent.json", #"{"concurrency": 2, "log_format": "json", "syncs": [{"root": "/srv", "instance": "docs"}]}"#)
        let run = await check(["--config", file, "--concurrency", "6", "--json"], environment: ["AISEARCH_LOG_FORMAT": "human"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains(#""setting" : "syncs[0].concurrency""#) || run.output.contains(#""setting":"syncs[0].concurrency""#))
        #expect(run.output.contains(#""value" : "6""#) || run.output.contains(#""value":"6""#))
        #expect(run.output.contains("AISEARCH_LOG_FORMAT"))
    }

    @Test func apiCommandsReadCredentialsFromTheConfigFile() async throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("token", Secrets.token + "\n")
        let file = try folder.write("agent.json", #"{"account_id": "fromfile", "api_token_file": "token"}"#)
        let run = await runAPI(["instances", "list", "--config", file], responses: [.ok("[]")], environment: [:])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines == ["GET /accounts/fromfile/ai-search/namespaces/default/instances"])
        #expect(run.requests.first?.headers["Authorization"] == "Bearer " + Secrets.token)
    }
}

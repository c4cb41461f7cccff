import AISearchAPI
import CLI
import Testing

/// Account, credentials and paths from options and environment, and the exit-3 messages.
@Suite struct ClientSetupTests {
    @Test func missingAccountIDExitsThree() async {
        let run = await runAPI("instances list", environment: ["CLOUDFLARE_API_TOKEN": Secrets.token])
        #expect(run.status == 3)
        #expect(run.error == "aisearch-sync: error: no account ID: pass --account-id, set CLOUDFLARE_ACCOUNT_ID, or set account_id in the config file\n")
        #expect(run.requests.isEmpty)
    }

    @Test func missingCredentialsExitsThreeNamingEveryWay() async {
        let run = await runAPI("items list -i docs", environment: ["CLOUDFLARE_ACCOUNT_ID": "acc"])
        #expect(run.status == 3)
        #expect(run.error.hasPrefix("aisearch-sync: error: no API credentials: set CLOUDFLARE_API_TOKEN, or pass --token-file, "
            + "or set api_token_file in the config file\n"))
        #expect(run.output.isEmpty)
    }

    @Test func accountIDOptionBeatsTheEnvironment() async {
        let run = await runAPI("instances list --account-id other", responses: [.ok("[]")])
        #expect(run.lines == ["GET /accounts/other/ai-search/namespaces/default/instances"])
    }

    @Test func emailAndKeyAreSentAsHeaders() async {
        let environment = ["CLOUDFLARE_ACCOUNT_ID": "acc", "CLOUDFLARE_EMAIL": "me@example.com", "CLOUDFLARE_API_KEY": Secrets.apiKey]
        let run = await runAPI("instances list", responses: [.ok("[]")], environment: environment)
        #expect(run.status == 0)
        let headers = run.requests.first?.headers
        #expect(headers?["X-Auth-Email"] == "me@example.com")
        #expect(headers?["X-Auth-Key"] == Secrets.apiKey)
        #expect(headers?["Authorization"] == nil)
    }

    @Test func tokenInTheEnvironmentBeatsEmailAndKeyInTheEnvironment() async {
        let environment = Secrets.environment.merging(["CLOUDFLARE_EMAIL": "me@example.com", "CLOUDFLARE_API_KEY": Secrets.apiKey]) { $1 }
        let run = await runAPI("instances list", responses: [.ok("[]")], environment: environment)
        #expect(run.requests.first?.headers["Authorization"] == "Bearer " + Secrets.token)
        #expect(run.requests.first?.headers["X-Auth-Key"] == nil)
    }

    @Test func typedEmailAndKeyBeatATokenInTheEnvironment() async {
        let run = await runAPI(["instances", "list", "--email", "me@example.com", "--api-key", Secrets.apiKey],
                               responses: [.ok("[]")])
        #expect(run.requests.first?.headers["X-Auth-Key"] == Secrets.apiKey)
        #expect(run.requests.first?.headers["Authorization"] == nil)
    }

    @Test func emailWithoutKeyExitsThree() async {
        let run = await runAPI("instances list", environment: ["CLOUDFLARE_ACCOUNT_ID": "acc", "CLOUDFLARE_EMAIL": "me@example.com"])
        #expect(run.status == 3)
        #expect(run.error == "aisearch-sync: error: CLOUDFLARE_EMAIL is set without its API key (CLOUDFLARE_API_KEY); set both, or use an API token instead\n")
    }

    @Test func tokenFileIsReadAndTrimmed() async throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("token", "  \(Secrets.token)\n")
        let run = await runAPI(["instances", "list", "--token-file", file], responses: [.ok("[]")],
                               environment: ["CLOUDFLARE_ACCOUNT_ID": "acc"])
        #expect(run.status == 0)
        #expect(run.requests.first?.headers["Authorization"] == "Bearer " + Secrets.token)
    }

    @Test func typedTokenFileBeatsATokenInTheEnvironment() async throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("token", "tok-from-file")
        let run = await runAPI(["instances", "list", "--token-file", file], responses: [.ok("[]")])
        #expect(run.requests.first?.headers["Authorization"] == "Bearer tok-from-file")
    }

    @Test func unreadableTokenFileExitsThreeNamingThePath() async throws {
        let folder = try TemporaryFolder()
        let missing = folder.path + "/no-such-token"
        let run = await runAPI("instances list", environment: ["CLOUDFLARE_ACCOUNT_ID": "acc", "AISEARCH_TOKEN_FILE": missing])
        #expect(run.status == 3)
        #expect(run.error == "aisearch-sync: error: AISEARCH_TOKEN_FILE: cannot read the token file \"\(missing)\": "
            + "No such file or directory (ENOENT)\n")
    }

    @Test func emptyTokenFileExitsThree() async throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("token", "\n")
        let run = await runAPI(["instances", "list", "--token-file", file], environment: ["CLOUDFLARE_ACCOUNT_ID": "acc"])
        #expect(run.status == 3)
        #expect(run.error == "aisearch-sync: error: --token-file: the token file \"\(file)\" is empty; it must hold the API token\n")
    }

    @Test func tokenAndTokenFileTogetherAreAConfigurationError() async {
        let run = await runAPI(["instances", "list", "--api-token", Secrets.token, "--token-file", "/x"])
        #expect(run.status == 3)
        #expect(run.error == "aisearch-sync: error: --api-token and --token-file are both set; keep only one way of giving the API token\n")
    }

    @Test func legacyPathsRefuseAnotherNamespace() async {
        let run = await runAPI("instances list --legacy-paths -n research")
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("aisearch-sync: error: --legacy-paths reaches the default namespace only; "
            + "it cannot be used with namespace 'research'\n"))
        #expect(run.requests.isEmpty)
    }

    @Test func badBaseURLIsAConfigurationError() async {
        let run = await runAPI("instances list --base-url ftp://example.com")
        #expect(run.status == 3)
        #expect(run.error.hasPrefix("aisearch-sync: error: --base-url: \"ftp://example.com\" is not allowed; use an http:// or https:// URL"))
    }

    @Test func timeoutReachesTheRequest() async {
        let run = await runAPI("instances list --timeout 5s", responses: [.ok("[]")])
        #expect(run.requests.first?.timeout == .seconds(5))
    }

    @Test func theTreeHasNoDefinitionProblems() {
        #expect(RootCommand.spec(dependencies: CommandDependencies(transport: RecordingTransport())).definitionProblems() == [])
        #expect(CommandSpec.aisearchSync.definitionProblems() == [])
    }
}


import CLI
import Testing

/// Where the token comes from, token files, and the errors that never print the token.
@Suite struct CredentialTests {
    let token = Config.token

    @Test func tokenFromEnvironment() throws {
        let config = try Config.resolve(env: ["CLOUDFLARE_API_TOKEN": token])
        #expect(config.credentials == Setting(.apiToken(token), source: .environment("CLOUDFLARE_API_TOKEN")))
        #expect(config.secrets == [token])
        #expect(try config.requireCredentials() == .apiToken(token))
    }

    @Test func tokenFileFlagWithTrailingNewlineTrimmed() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("token", token + "\n")
        let config = try Config.resolve(flags: ["--token-file": path], env: ["CLOUDFLARE_API_TOKEN": "other-token-value"])
        #expect(config.credentials == Setting(.apiToken(token), source: .flag("--token-file")))
        let crlf = try folder.write("token2", token + "\r\n")
        #expect(try Config.resolve(env: ["AISEARCH_TOKEN_FILE": crlf]).credentials?.value == .apiToken(token))
    }

    @Test func tokenFileInConfigIsRelativeToTheConfigFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("token", token)
        let config = try Config.resolve(file: #"{"api_token_file": "token"}"#, path: folder.path + "/config.json")
        #expect(config.credentials == Setting(.apiToken(token), source: .file(path: folder.path + "/config.json", key: "api_token_file")))
    }

    @Test func unreadableTokenFileNamesThePath() {
        #expect(Config.error { try Config.resolve(flags: ["--token-file": "/run/secrets/missing"]) }
                == #"--token-file: cannot read the token file "/run/secrets/missing": No such file or directory (ENOENT)"#)
        #expect(Config.error { try Config.resolve(file: #"{"api_token_file": "/run/secrets/missing"}"#) }
                == #"config.json: api_token_file: cannot read the token file "/run/secrets/missing": No such file or directory (ENOENT)"#)
    }

    @Test func emptyOrMultiLineTokenFilesAreRefusedWithoutEchoingTheToken() throws {
        let folder = try TemporaryFolder()
        let empty = try folder.write("empty", "\n")
        #expect(Config.error { try Config.resolve(flags: ["--token-file": empty]) }
                == "--token-file: the token file \"\(empty)\" is empty; it must hold the API token")
        let twoLines = try folder.write("two", token + "\nsecond-line\n")
        let message = try #require(Config.error { try Config.resolve(flags: ["--token-file": twoLines]) })
        #expect(message.hasSuffix("contains spaces or line breaks; it must hold only the API token"))
        #expect(!message.contains(token))
        #expect(message.contains("cf-t… (50 chars)"))
    }

    @Test func oneLayerWithBothTokenAndTokenFileIsAnError() {
        #expect(Config.error { try Config.resolve(env: ["CLOUDFLARE_API_TOKEN": token, "AISEARCH_TOKEN_FILE": "/x"]) }
                == "CLOUDFLARE_API_TOKEN and AISEARCH_TOKEN_FILE are both set; keep only one way of giving the API token")
        #expect(Config.error { try Config.resolve(file: #"{"api_token": "abcdefgh", "api_token_file": "/x"}"#) }
                == "config.json: api_token and config.json: api_token_file are both set; keep only one way of giving the API token")
    }

    @Test func environmentTokenBeatsFileCredentials() throws {
        let config = try Config.resolve(env: ["CLOUDFLARE_API_TOKEN": token],
                                        file: #"{"email": "a@example.com", "api_key": "0123456789abcdef0123"}"#)
        #expect(config.credentials?.source == .environment("CLOUDFLARE_API_TOKEN"))
    }

    @Test func globalAPIKeyNeedsBothHalves() throws {
        let config = try Config.resolve(env: ["CLOUDFLARE_EMAIL": "a@example.com", "CLOUDFLARE_API_KEY": "0123456789abcdef0123"])
        #expect(config.credentials?.value == .globalAPIKey(email: "a@example.com", key: "0123456789abcdef0123"))
        #expect(config.secrets == ["0123456789abcdef0123"])
        #expect(Config.error { try Config.resolve(env: ["CLOUDFLARE_EMAIL": "a@example.com"]) }
                == "CLOUDFLARE_EMAIL is set without its API key (CLOUDFLARE_API_KEY); set both, or use an API token instead")
        #expect(Config.error { try Config.resolve(file: #"{"api_key": "0123456789abcdef0123"}"#) }
                == "config.json: api_key is set without its email (email); set both, or use an API token instead")
    }

    @Test func aTokenWinsOverAnEmailAndKeyInTheSameLayer() throws {
        let config = try Config.resolve(env: ["CLOUDFLARE_API_TOKEN": token, "CLOUDFLARE_EMAIL": "a@example.com"])
        #expect(config.credentials?.value == .apiToken(token))
    }

    @Test func missingCredentialsAndAccountAreReportedWhenRequired() throws {
        let config = try Config.resolve()
        #expect(Config.error { try config.requireCredentials() }
                == "no API credentials: set CLOUDFLARE_API_TOKEN, or pass --token-file, or set api_token_file in the config file")
        #expect(Config.error { try config.requireAccountID() }
                == "no account ID: pass --account-id, set CLOUDFLARE_ACCOUNT_ID, or set account_id in the config file")
        #expect(Config.error { try config.requireSyncs() }
                == "nothing to sync: give a folder and --instance, or list syncs in the config file (--config)")
    }

    @Test func readFileIsInjectable() throws {
        let config = try Config.resolve(flags: ["--token-file": "/fake"], readFile: { path in
            #expect(path == "/fake")
            return "injected-token-value\n"
        })
        #expect(config.credentials?.value == .apiToken("injected-token-value"))
    }
}

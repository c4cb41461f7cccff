import CLI
import Foundation
import Testing

/// `config check`: the table and JSON, with secrets masked.
@Suite struct ReportTests {
    @Test(arguments: [("cf-test-token-0123456789abcdefghijklmn", "cf-t… (38 chars)"), ("short-secret", "****"),
                      ("0123456789abcdef", "0123… (16 chars)"), ("", "****")])
    func masking(secret: String, expected: String) {
        #expect(SecretMask.mask(secret) == expected)
    }

    @Test func tableShowsValuesAndSourcesWithTheTokenMasked() throws {
        let config = try Config.resolve(
            flags: ["--log-level": "debug"],
            env: ["CLOUDFLARE_API_TOKEN": Config.token, "CLOUDFLARE_ACCOUNT_ID": "acct", "HOME": "/home/ana"],
            file: #"{"listen": "127.0.0.1:9465", "syncs": [{"root": "/srv/docs", "instance": "docs", "max_delete": 20}]}"#)
        let text = ConfigurationReport(config).table.render()
        #expect(text == """
            SETTING                  VALUE                                 SOURCE
            account_id               acct                                  env CLOUDFLARE_ACCOUNT_ID
            api_token                cf-t… (38 chars)                      env CLOUDFLARE_API_TOKEN
            base_url                 https://api.cloudflare.com/client/v4  default
            namespace                default                               default
            legacy_paths             false                                 default
            log_format               human                                 default
            log_level                debug                                 flag --log-level
            listen                   127.0.0.1:9465                        file config.json: listen
            state_dir                /home/ana/.local/state/aisearch-sync  default
            wait                     false                                 default
            rate_limit               1200 requests per 300 s               default
            syncs[0].root            /srv/docs                             file config.json: syncs[0].root
            syncs[0].instance        docs                                  file config.json: syncs[0].instance
            syncs[0].prefix          (none)                                default
            syncs[0].namespace       (not set)                             -
            syncs[0].legacy_paths    false                                 default
            syncs[0].max_delete      20                                    file config.json: syncs[0].max_delete
            syncs[0].owner           (not set)                             -
            syncs[0].delete_foreign  false                                 default
            syncs[0].gitignore       false                                 default
            syncs[0].concurrency     4                                     default
            syncs[0].settle_ms       200                                   default
            syncs[0].max_settle_ms   10000                                 default
            syncs[0].safety_rescan   1h                                    default

            """)
        #expect(!text.contains(Config.token))
    }

    @Test func jsonIsMaskedToo() throws {
        let config = try Config.resolve(env: ["CLOUDFLARE_EMAIL": "ana@example.com", "CLOUDFLARE_API_KEY": "c2547eb745079dac9320b638f5e225cf483cc"])
        let json = try ConfigurationReport(config).json(configFile: nil)
        #expect(!json.contains("c2547eb745079dac9320b638f5e225cf483cc"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let settings = try #require(object["settings"] as? [[String: String]])
        let key = try #require(settings.first { $0["setting"] == "api_key" })
        #expect(key == ["setting": "api_key", "value": "c254… (37 chars)", "source": "env", "origin": "CLOUDFLARE_API_KEY"])
        #expect(settings.first { $0["setting"] == "email" }?["value"] == "ana@example.com")
        #expect(settings.first { $0["setting"] == "account_id" } == ["setting": "account_id", "value": "(not set)", "source": "-", "origin": ""])
    }
}

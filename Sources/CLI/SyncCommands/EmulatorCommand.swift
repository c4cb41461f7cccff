import Emulator
import Foundation

/// `aisearch-sync emulator`: the local emulator of the AI Search API, served until stopped.
enum EmulatorCommand {
    static func spec() -> CommandSpec {
        CommandSpec("emulator", abstract: "Serve a local emulator of the AI Search API (for trying things offline and for tests).",
                    discussion: "Prints the base URL to give the CLI (--base-url or CLOUDFLARE_BASE_URL), the official SDKs (base_url) or curl. Admin endpoints under /__emulator/ show request counts and set faults at run time.",
                    options: [
                        .value("--host", valueName: "address", help: "Address to bind.", defaultValue: "127.0.0.1"),
                        .value("--port", short: "p", valueName: "n", help: "Port to bind (0: any free port).", defaultValue: "8787"),
                        .value("--accept-token", valueName: "token", help: "Accept only this Bearer token, on the API and the /__emulator/ admin routes (default: accept any credentials)."),
                        .value("--accept-email", valueName: "email", help: "Accept this X-Auth-Email (with --accept-key)."),
                        .value("--accept-key", valueName: "key", help: "Accept this X-Auth-Key (with --accept-email)."),
                        .value("--checksum", valueName: "mode", help: "How item checksums are computed.", defaultValue: "opaque",
                               allowedValues: EmulatorConfiguration.ChecksumMode.allCases.map(\.rawValue)),
                        .value("--processing-delay", valueName: "duration", help: "Time from upload to completed.", defaultValue: "500ms"),
                        .value("--rate-limit", valueName: "n/seconds",
                               help: "Requests per credential in any span of this many seconds, like the agent's --rate-limit (a bare N means N/300).",
                               defaultValue: "1200/300"),
                        .value("--data", valueName: "dir", help: "Keep the emulator's state in this folder across restarts."),
                        .value("--fault-rate-limit", valueName: "rate", help: "Share of requests answered 429 (0 to 1)."),
                        .value("--fault-server-error", valueName: "rate", help: "Share answered 500/502/503."),
                        .value("--fault-reset", valueName: "rate", help: "Share whose connection is reset."),
                        .value("--seed", valueName: "n", help: "Seed of the fault sequence.", defaultValue: "1"),
                        .value("--r2-upstream", valueName: "url",
                               help: "R2-backed instances read their buckets from this S3 endpoint (path-style, e.g. a moto or MinIO server) instead of the emulator's own /r2 buckets; the key pair comes from --r2-upstream-credentials-file, else R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY."),
                        .value("--r2-upstream-credentials-file", valueName: "file",
                               help: "The --r2-upstream key pair, as lines access_key_id = … and secret_access_key = …"),
                        .value("--r2-upstream-region", valueName: "name", help: "The region --r2-upstream requests are signed for.", defaultValue: "auto"),
                    ]) { context in
            let arguments = context.arguments
            var faults = FaultSettings(seed: UInt64(try arguments.int("--seed", atLeast: 0) ?? 1))
            faults.rateLimitRate = try rate(arguments, "--fault-rate-limit")
            faults.serverErrorRate = try rate(arguments, "--fault-server-error")
            faults.connectionResetRate = try rate(arguments, "--fault-reset")
            var configuration = EmulatorConfiguration(
                apiToken: try arguments.string("--accept-token"), email: try arguments.string("--accept-email"),
                apiKey: try arguments.string("--accept-key"),
                checksumMode: try arguments.value("--checksum", as: EmulatorConfiguration.ChecksumMode.self) ?? .opaque,
                processingDelay: try arguments.duration("--processing-delay") ?? .milliseconds(500),
                rateLimit: try arguments.value("--rate-limit", expecting: "N/SECONDS with whole seconds, e.g. 50/10", rateLimit)
                    ?? RateLimitPolicy(),
                faults: faults, dataDirectory: try arguments.string("--data"))
            let upstreamFile = try arguments.string("--r2-upstream-credentials-file")
            if let upstream = try arguments.string("--r2-upstream") {
                do {
                    try configuration.readR2Buckets(from: upstream, credentialsFile: upstreamFile,
                                                    region: try arguments.string("--r2-upstream-region") ?? "auto", environment: context.environment)
                } catch {
                    throw ClientSetupError("emulator: --r2-upstream: \(error)",
                                           hint: "Give the S3 endpoint's key pair with --r2-upstream-credentials-file, or set R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY.")
                }
            } else if upstreamFile != nil {
                throw ClientSetupError("emulator: --r2-upstream-credentials-file is for --r2-upstream, which is not given",
                                       hint: "Add --r2-upstream URL (the S3 endpoint R2-backed instances should read), or drop the file.")
            }
            let server: EmulatorServer
            do {
                server = try EmulatorServer(configuration: configuration, host: try arguments.string("--host") ?? "127.0.0.1",
                                            port: try arguments.int("--port", atLeast: 0, atMost: 65535) ?? 8787)
            } catch {
                throw ClientSetupError("emulator: cannot serve: \(error)", hint: "Pick another port with --port, or --port 0 for any free one.")
            }
            context.print(server.baseURL)
            context.printError("""
                aisearch-sync: emulator serving the AI Search API at \(server.baseURL)
                  CLI:  CLOUDFLARE_BASE_URL=\(server.baseURL) CLOUDFLARE_ACCOUNT_ID=local CLOUDFLARE_API_TOKEN=\(configuration.apiToken == nil ? "any" : "<your --accept-token>") aisearch-sync instances list
                  curl: curl -H 'Authorization: Bearer any' \(server.baseURL)/accounts/local/ai-search/namespaces/default/instances
                  R2:   R2_ENDPOINT=\(server.r2Endpoint) R2_ACCESS_KEY_ID=\(configuration.r2AccessKeyID) R2_SECRET_ACCESS_KEY=\(configuration.r2SecretAccessKey) (S3, path-style, SigV4)
                """)
            if let upstream = configuration.r2Upstream {
                context.printError("  R2-backed instances read their buckets from \(upstream.endpoint) (\(upstream.credentials)), not from the emulator's /r2")
            }
            do {
                while true { try await Task.sleep(for: .seconds(3600)) }
            } catch {
                await server.stop()
            }
        }
    }

    /// `50/10` (or `1200`, meaning per 300 s): the agent's `--rate-limit` form, in whole seconds.
    static func rateLimit(_ text: String) -> RateLimitPolicy? {
        if let requests = Int(text) { return requests >= 1 ? RateLimitPolicy(requests: requests, windowSeconds: 300) : nil }
        guard let limit = RateLimit(text), limit.perSeconds == limit.perSeconds.rounded(), limit.perSeconds >= 1 else { return nil }
        return RateLimitPolicy(requests: limit.requests, windowSeconds: Int(limit.perSeconds))
    }

    private static func rate(_ arguments: ParsedArguments, _ name: String) throws -> Double {
        try arguments.value(name, expecting: "a share from 0 to 1, like 0.05") { text in
            Double(text).flatMap { (0...1).contains($0) ? $0 : nil }
        } ?? 0
    }
}

import ObjectStorage

extension EmulatorConfiguration {
    /// The access key id the emulator's R2 endpoint accepts unless told otherwise (offline use:
    /// `R2_ACCESS_KEY_ID`); printed by `aisearch-sync emulator` at start.
    public static let defaultR2AccessKeyID = "emulator-r2-access-key-id"
    /// The matching secret (`R2_SECRET_ACCESS_KEY`). A published test value, not a secret.
    public static let defaultR2SecretAccessKey = "emulator-r2-secret-access-key"

    /// The one key pair the R2 endpoint verifies signatures against.
    var r2Credentials: R2Credentials {
        R2Credentials(accessKeyID: r2AccessKeyID, secretAccessKey: r2SecretAccessKey, origin: "emulator configuration")
    }
}

extension EmulatorService {
    var r2Endpoint: R2Endpoint {
        let clock = configuration.clock
        return R2Endpoint(buckets: store.buckets, authentication: R2Authentication(credentials: configuration.r2Credentials),
                          now: { clock.now })
    }
}

extension Emulator {
    /// The R2 buckets behind the `/r2` endpoint, to inspect or fill from tests.
    public var r2Buckets: R2Buckets { store.buckets }
}

extension EmulatorServer {
    /// The S3 endpoint to give an R2 client: `http://HOST:PORT/r2` (path-style requests).
    public var r2Endpoint: String {
        let base = baseURL
        return String(base.dropLast("/client/v4".count)) + R2Endpoint.pathPrefix
    }
}

import Hashing

/// MD5 and SHA-256 over whole byte arrays, for the emulator's item `checksum` modes: the
/// `Hashing` target's digests (the ones the agent computes), as raw bytes and lowercase hex.
public enum Digests {
    /// The 16-byte MD5 digest of `bytes`.
    public static func md5(_ bytes: [UInt8]) -> [UInt8] { MD5.hash(bytes).bytes }

    /// The 32-byte SHA-256 digest of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256.hash(bytes).bytes }

    /// Lowercase hexadecimal, two digits per byte.
    public static func hex(_ bytes: [UInt8]) -> String { hexString(bytes) }
}

import Hashing
import SyncCore
import Testing

@Suite struct RemoteChecksumTests {
    /// Digests of "abc".
    static let local = FileDigests(
        sha256: SHA256Digest(hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")!,
        md5: MD5Digest(hex: "900150983cd24fb0d6963f7d28e17f72")!,
        sha1: SHA1Digest(hex: "a9993e364706816aba3e25717850c26c9cd0d89d")!)

    @Test(arguments: [
        ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RemoteChecksumKind.sha256),
        ("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", .sha256),
        ("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", .sha256),
        ("SHA-256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", .sha256),
        ("sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", .sha256),
        ("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", .sha256),
        ("\"900150983cd24fb0d6963f7d28e17f72\"", .md5),
        ("md5:900150983CD24FB0D6963F7D28E17F72", .md5),
        ("kAFQmDzST7DWlj99KOF/cg==", .md5),
        (" a9993e364706816aba3e25717850c26c9cd0d89d\n", .sha1),
        ("sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J0=", .sha1),
    ])
    func aChecksumInAnyCommonFormIsRecognised(checksum: String, kind: RemoteChecksumKind) {
        #expect(RemoteChecksum.detectKind(checksum: checksum) == kind)
        #expect(RemoteChecksum.recognise(remoteChecksum: checksum, localDigests: Self.local))
    }

    @Test(arguments: [
        "", "not a checksum", "d41d8cd98f00b204e9800998ecf8427e-3", "3610a686",
        "123e4567-e89b-12d3-a456-426614174000",
        "md5:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ])
    func anythingElseIsUnknownAndNeverMatches(checksum: String) {
        #expect(RemoteChecksum.detectKind(checksum: checksum) == .unknown)
        #expect(!RemoteChecksum.recognise(remoteChecksum: checksum, localDigests: Self.local))
    }

    @Test func aCandidateIsConfirmedOnlyByEqualBytes() {
        let otherSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(RemoteChecksum.detectKind(checksum: otherSHA256) == .sha256)
        #expect(!RemoteChecksum.recognise(remoteChecksum: otherSHA256, localDigests: Self.local))
    }

    @Test func anMD5CandidateNeedsOurMD5ToBeConfirmed() {
        let withoutMD5 = FileDigests(sha256: Self.local.sha256)
        let checksum = RemoteChecksum("900150983cd24fb0d6963f7d28e17f72")
        #expect(checksum.kind.algorithm == .md5)
        #expect(!checksum.matches(withoutMD5))
        #expect(checksum.matches(Self.local))
    }
}

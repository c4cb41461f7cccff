import Foundation
import Glibc
import LinuxSystem
import SyncCore
import Testing

@Suite struct EligibilityPolicyTests {
    static func status(_ kind: FileStatus.Kind = .regular, size: Int64 = 100) -> FileStatus {
        FileStatus(kind: kind, device: 1, inode: 2, size: size, modificationTimeNanoseconds: 0, changeTimeNanoseconds: 0, mode: 0o100644)
    }

    @Test(arguments: ["a.md", "docs/guide.MD", "x.Markdown", "report.pdf", "photo.JPEG", "data.csv", "deep/a/b/c.swift",
                      ".gitignore", "sub/.editorconfig", ".GITIGNORE", "config.env", "archive.tar.json", "page.htm"])
    func aSupportedTypeIsEligible(path: String) {
        #expect(EligibilityPolicy().evaluate(relativePath: FilePathBytes(path), status: Self.status()) == .eligible)
    }

    @Test(arguments: [("Makefile", ""), (".bashrc", ""), (".env", ""), ("notes.", ""), ("a.exe", "exe"), ("movie.MP4", "mp4"),
                      ("foo.gitignore", "gitignore"), ("x.md.bak", "bak"), ("dir.md/file", "")])
    func anUnsupportedTypeIsReportedWithItsExtension(path: String, ext: String) {
        #expect(EligibilityPolicy().evaluate(relativePath: FilePathBytes(path), status: Self.status())
            == .ineligible(.unsupportedType(extension: ext)))
    }

    @Test func aNonUTF8NameWithASupportedExtensionIsEligible() {
        let path = FilePathBytes(Array("caf".utf8) + [0xE9] + Array(".md".utf8))
        #expect(EligibilityPolicy().evaluate(relativePath: path, status: Self.status()) == .eligible)
    }

    @Test func theSizeLimitIsInclusiveAndConfigurable() {
        let policy = EligibilityPolicy()
        #expect(EligibilityPolicy.defaultSizeLimit == 4_000_000)
        #expect(policy.evaluate(relativePath: "a.md", status: Self.status(size: 4_000_000)) == .eligible)
        #expect(policy.evaluate(relativePath: "a.md", status: Self.status(size: 4_000_001))
            == .ineligible(.tooLarge(size: 4_000_001, limit: 4_000_000)))
        let mebibytes = EligibilityPolicy(sizeLimit: 4 << 20)
        #expect(mebibytes.evaluate(relativePath: "a.md", status: Self.status(size: 4_194_304)) == .eligible)
    }

    @Test(arguments: [FileStatus.Kind.directory, .symbolicLink, .other])
    func onlyRegularFilesAreEligible(kind: FileStatus.Kind) {
        #expect(EligibilityPolicy().evaluate(relativePath: "a.md", status: Self.status(kind)) == .ineligible(.notRegularFile))
    }

    @Test func anIgnoreRuleWinsOverEveryOtherReasonAndIsNamed() {
        let policy = EligibilityPolicy(isIgnored: { path in path.bytes.starts(with: Array("build/".utf8)) ? "build/" : nil })
        #expect(policy.evaluate(relativePath: "build/huge.exe", status: Self.status(.symbolicLink, size: 1 << 30))
            == .ineligible(.ignored(rule: "build/")))
        #expect(policy.evaluate(relativePath: "src/a.md", status: Self.status()) == .eligible)
    }

    @Test func checksRunInTheDocumentedOrder() {
        let policy = EligibilityPolicy()
        #expect(policy.evaluate(relativePath: "a.exe", status: Self.status(.directory, size: 1 << 30)) == .ineligible(.notRegularFile))
        #expect(policy.evaluate(relativePath: "a.exe", status: Self.status(size: 1 << 30)) == .ineligible(.unsupportedType(extension: "exe")))
    }

    @Test func theExtensionSetIsConfigurable() {
        let policy = EligibilityPolicy(supportedExtensions: ["md"])
        #expect(policy.evaluate(relativePath: "a.md", status: Self.status()) == .eligible)
        #expect(policy.evaluate(relativePath: "a.txt", status: Self.status()) == .ineligible(.unsupportedType(extension: "txt")))
    }

    @Test func openFailuresMapToReasons() {
        #expect(EligibilityPolicy.reason(forOpenFailure: SystemError("open", subject: "a.md", errno: .permissionDenied))
            == .unreadable(reason: "open a.md: Permission denied (EACCES)"))
        #expect(EligibilityPolicy.reason(forOpenFailure: SystemError("open", errno: .noSuchFile)) == nil)
        #expect(EligibilityPolicy.reason(forOpenFailure: SystemError("open", errno: Errno(rawValue: ELOOP))) == .notRegularFile)
        #expect(EligibilityPolicy.reason(forHashFailure: .changedDuringHashing(path: "a.md", attempts: 3)) == nil)
        #expect(EligibilityPolicy.reason(forHashFailure: .notRegularFile(path: "a.md")) == .notRegularFile)
    }

    @Test func evaluatingOnDiskSeesKindSizeAndVanishedFiles() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        try Data("# hi".utf8).write(to: URL(fileURLWithPath: scratch.file("a.md")))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link.md"), withDestinationPath: scratch.file("a.md"))
        try FileManager.default.createDirectory(atPath: scratch.file("dir.md"), withIntermediateDirectories: false)
        let policy = EligibilityPolicy(sizeLimit: 3)
        #expect(policy.evaluate(relativePath: "a.md", absolutePath: FilePathBytes(scratch.file("a.md"))) == .ineligible(.tooLarge(size: 4, limit: 3)))
        #expect(EligibilityPolicy().evaluate(relativePath: "a.md", absolutePath: FilePathBytes(scratch.file("a.md"))) == .eligible)
        #expect(EligibilityPolicy().evaluate(relativePath: "link.md", absolutePath: FilePathBytes(scratch.file("link.md"))) == .ineligible(.notRegularFile))
        #expect(EligibilityPolicy().evaluate(relativePath: "dir.md", absolutePath: FilePathBytes(scratch.file("dir.md"))) == .ineligible(.notRegularFile))
        #expect(EligibilityPolicy().evaluate(relativePath: "gone.md", absolutePath: FilePathBytes(scratch.file("gone.md"))) == nil)
    }

    /// Root reads any file regardless of mode, so this runs only for an ordinary user.
    @Test(.enabled(if: geteuid() != 0, "root can open a mode-000 file"))
    func aFileThatCannotBeOpenedIsUnreadable() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("secret.md")
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0) == 0)
        let result = EligibilityPolicy().evaluate(relativePath: "secret.md", absolutePath: FilePathBytes(path))
        guard case .unreadable(let reason)? = result?.reason else {
            Issue.record("expected unreadable, got \(String(describing: result))")
            return
        }
        #expect(reason.contains("EACCES"))
    }
}

import FileWatch
import LinuxSystem
import Testing

/// One expectation: with these rule lines in the root rule file, is `path` ignored?
struct IgnoreCase: Sendable, CustomTestStringConvertible {
    var rules: [String]
    var path: String
    var isDirectory: Bool = false
    var ignored: Bool

    var testDescription: String { "\(rules) \(path)\(isDirectory ? "/" : "") → \(ignored ? "ignored" : "kept")" }
}

/// The syntax of gitignore(5), feature by feature. Each expectation is what git itself says;
/// `agreesWithGitCheckIgnore` re-derives them from `git check-ignore` when git is installed.
let ignoreCases: [IgnoreCase] = [
    // Plain names match at any depth.
    IgnoreCase(rules: ["foo"], path: "foo", ignored: true),
    IgnoreCase(rules: ["foo"], path: "a/b/foo", ignored: true),
    IgnoreCase(rules: ["foo"], path: "foobar", ignored: false),
    // Comments and blank lines.
    IgnoreCase(rules: ["# foo", "", "bar"], path: "# foo", ignored: false),
    IgnoreCase(rules: ["# foo", "", "bar"], path: "bar", ignored: true),
    // Escaped "#" and "!".
    IgnoreCase(rules: ["\\#notes"], path: "#notes", ignored: true),
    IgnoreCase(rules: ["\\!important"], path: "!important", ignored: true),
    // Negation re-includes; the last matching line wins.
    IgnoreCase(rules: ["*.log", "!keep.log"], path: "keep.log", ignored: false),
    IgnoreCase(rules: ["*.log", "!keep.log"], path: "other.log", ignored: true),
    IgnoreCase(rules: ["!keep.log", "*.log"], path: "keep.log", ignored: true),
    // A file inside an excluded directory cannot be re-included.
    IgnoreCase(rules: ["build/", "!build/keep"], path: "build/keep", ignored: true),
    // Trailing "/" matches directories only.
    IgnoreCase(rules: ["out/"], path: "out", isDirectory: true, ignored: true),
    IgnoreCase(rules: ["out/"], path: "out", ignored: false),
    IgnoreCase(rules: ["out/"], path: "x/out/file", ignored: true),
    // A leading "/" anchors to the rule file's directory.
    IgnoreCase(rules: ["/top"], path: "top", ignored: true),
    IgnoreCase(rules: ["/top"], path: "a/top", ignored: false),
    // A middle "/" anchors too.
    IgnoreCase(rules: ["doc/frotz"], path: "doc/frotz", ignored: true),
    IgnoreCase(rules: ["doc/frotz"], path: "a/doc/frotz", ignored: false),
    // "*" and "?" do not cross "/".
    IgnoreCase(rules: ["doc/*.txt"], path: "doc/a.txt", ignored: true),
    IgnoreCase(rules: ["doc/*.txt"], path: "doc/sub/a.txt", ignored: false),
    IgnoreCase(rules: ["a?c"], path: "abc", ignored: true),
    IgnoreCase(rules: ["a?c"], path: "abbc", ignored: false),
    IgnoreCase(rules: ["x/a?c"], path: "x/a/c", ignored: false),
    // Bracket expressions: sets, ranges, negation, classes.
    IgnoreCase(rules: ["file[abc].md"], path: "fileb.md", ignored: true),
    IgnoreCase(rules: ["file[abc].md"], path: "filed.md", ignored: false),
    IgnoreCase(rules: ["v[0-9]"], path: "v7", ignored: true),
    IgnoreCase(rules: ["v[!0-9]"], path: "v7", ignored: false),
    IgnoreCase(rules: ["v[!0-9]"], path: "vx", ignored: true),
    IgnoreCase(rules: ["v[[:upper:]]"], path: "vQ", ignored: true),
    IgnoreCase(rules: ["v[[:upper:]]"], path: "vq", ignored: false),
    // Leading "**/": in any directory.
    IgnoreCase(rules: ["**/cache"], path: "cache", ignored: true),
    IgnoreCase(rules: ["**/cache"], path: "a/b/cache", ignored: true),
    IgnoreCase(rules: ["**/x/cache"], path: "a/x/cache", ignored: true),
    IgnoreCase(rules: ["**/x/cache"], path: "a/y/cache", ignored: false),
    // Trailing "/**": everything inside.
    IgnoreCase(rules: ["vendor/**"], path: "vendor/a/b.c", ignored: true),
    IgnoreCase(rules: ["vendor/**"], path: "x/vendor/a", ignored: false),
    // Middle "/**/": zero or more directories.
    IgnoreCase(rules: ["a/**/b"], path: "a/b", ignored: true),
    IgnoreCase(rules: ["a/**/b"], path: "a/x/b", ignored: true),
    IgnoreCase(rules: ["a/**/b"], path: "a/x/y/b", ignored: true),
    IgnoreCase(rules: ["a/**/b"], path: "c/a/x/b", ignored: false),
    // "**" not between slashes is an ordinary "*".
    IgnoreCase(rules: ["a**b"], path: "axxb", ignored: true),
    IgnoreCase(rules: ["a**b"], path: "ax/xb", ignored: false),
    // The shapes compared without the matcher (`*suffix`, `prefix*`, a plain name), at any depth,
    // the star matching nothing too; an escape or a second wildcard goes through the matcher.
    IgnoreCase(rules: ["*~"], path: "notes.md~", ignored: true),
    IgnoreCase(rules: ["*~"], path: "a/~", ignored: true),
    IgnoreCase(rules: ["*~"], path: "a~/b", ignored: true),
    IgnoreCase(rules: ["*~"], path: "a~b", ignored: false),
    IgnoreCase(rules: ["*.swp"], path: "d/.x.swp", ignored: true),
    IgnoreCase(rules: ["*.swp"], path: "d/x.swpx", ignored: false),
    IgnoreCase(rules: [".#*"], path: "d/.#lock", ignored: true),
    IgnoreCase(rules: [".#*"], path: "d/.#", ignored: true),
    IgnoreCase(rules: [".#*"], path: "d/x.#y", ignored: false),
    IgnoreCase(rules: ["*"], path: "d/anything", ignored: true),
    IgnoreCase(rules: ["*a*"], path: "d/cat", ignored: true),
    IgnoreCase(rules: ["*a*"], path: "d/cot", ignored: false),
    IgnoreCase(rules: ["\\#*#"], path: "#auto#", ignored: true),
    IgnoreCase(rules: ["4913"], path: "d/4913", ignored: true),
    IgnoreCase(rules: ["4913"], path: "d/49134", ignored: false),
    // Trailing spaces are dropped unless escaped.
    IgnoreCase(rules: ["trail   "], path: "trail", ignored: true),
    IgnoreCase(rules: ["space\\ "], path: "space ", ignored: true),
]

@Suite struct IgnoreRulesTests {
    static func rules(_ lines: [String]) -> IgnoreRules {
        var rules = IgnoreRules(includeDefaults: false)
        rules.setRuleFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: "")
        return rules
    }

    @Test(arguments: ignoreCases)
    func gitignoreSyntax(_ example: IgnoreCase) {
        let rules = Self.rules(example.rules)
        #expect(rules.isIgnored(FilePathBytes(example.path), isDirectory: example.isDirectory) == example.ignored)
    }

    @Test(.enabled(if: TemporaryTree.isInstalled("git")), arguments: ignoreCases)
    func agreesWithGitCheckIgnore(_ example: IgnoreCase) async throws {
        let tree = try TemporaryTree()
        try await tree.run("git init -q .")
        try tree.write(".gitignore", example.rules.joined(separator: "\n") + "\n")
        let quoted = "'" + example.path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        if example.isDirectory {
            try await tree.run("mkdir -p \(quoted)")
        } else {
            try await tree.run("mkdir -p \"$(dirname \(quoted))\" && : > \(quoted)")
        }
        let gitSaysIgnored = (try? await tree.run("git check-ignore -q --no-index \(quoted)")) != nil
        #expect(gitSaysIgnored == example.ignored, "git disagrees with the expectation")
    }

    @Test func matchNamesTheDecidingRuleAndItsLine() throws {
        let rules = Self.rules(["# comment", "*.log", "!keep.log", "build/"])
        let log = try #require(rules.match("x/debug.log", isDirectory: false))
        #expect(log.rule == "*.log")
        #expect(log.source == .file(".aisearchignore", line: 2))
        #expect(log.isIgnored)
        let keep = try #require(rules.match("keep.log", isDirectory: false))
        #expect(keep.rule == "!keep.log")
        #expect(!keep.isIgnored)
        let inside = try #require(rules.match("build/sub/file.md", isDirectory: false))
        #expect(inside.rule == "build/")
        #expect(inside.matchedPath == "build")
        #expect(rules.match("notes.md", isDirectory: false) == nil)
    }

    @Test func nestedRuleFileAppliesBelowItsDirectory() {
        var rules = Self.rules(["*.tmp"])
        rules.setRuleFile(Array("/local\n!*.tmp\n".utf8), in: "sub")
        #expect(rules.isIgnored("sub/local", isDirectory: false))
        #expect(!rules.isIgnored("local", isDirectory: false))
        #expect(!rules.isIgnored("sub/x.tmp", isDirectory: false))
        #expect(rules.isIgnored("x.tmp", isDirectory: false))
        #expect(rules.match("sub/local", isDirectory: false)?.source == .file("sub/.aisearchignore", line: 1))
    }

    @Test func matchingIsOnRawBytes() {
        var rules = IgnoreRules(includeDefaults: false)
        rules.setRuleFile([0x2A, 0xFF, 0x0A], in: "")  // "*\xFF"
        #expect(rules.isIgnored(FilePathBytes([0x61, 0xFF]), isDirectory: false))
        #expect(!rules.isIgnored(FilePathBytes([0x61, 0xFE]), isDirectory: false))
    }

    @Test(arguments: [
        ".git", ".hg", ".svn", "sub/.git", "4913", ".f.swp", ".f.swx", "f~", ".#f", "#f#",
        "f___jb_tmp___", "f___jb_old___", ".subl1a2b.tmp",
    ])
    func defaultsIgnoreVCSAndEditorTemporaries(_ path: String) {
        #expect(IgnoreRules().isIgnored(FilePathBytes(path), isDirectory: path.hasSuffix("git") || path.hasSuffix("hg") || path.hasSuffix("svn")))
    }

    @Test func defaultsKeepOrdinaryFilesAndExtraPatternsAdd() {
        let rules = IgnoreRules(extraPatterns: [".aisearch-state.json"])
        #expect(!rules.isIgnored("notes.md", isDirectory: false))
        #expect(!rules.isIgnored("f#", isDirectory: false))
        #expect(rules.isIgnored(".aisearch-state.json", isDirectory: false))
        #expect(rules.match(".aisearch-state.json", isDirectory: false)?.source == .configured)
        #expect(rules.match("a~", isDirectory: false)?.source == .builtIn)
    }
}

import AISearchAPI
import ObjectStorage
import Testing

/// `source_params.include_items`/`exclude_items`, checked against the examples of Cloudflare's
/// path-filtering page (R2 table and "Important notes") and our documented choices.
@Suite struct SourcePathFilterTests {
    /// (pattern, key, matches): the docs' R2 examples, with keys as R2 has them (no leading `/`).
    static let documented: [(String, String, Bool)] = [
        ("/docs/**/*.pdf", "docs/guide.pdf", true),
        ("/docs/**/*.pdf", "docs/api/ref.pdf", true),
        ("/docs/**/*.pdf", "docs/guide.md", false),
        ("/docs/**/*.pdf", "images/logo.png", false),
        ("**/*.tmp", "data/cache.tmp", true),
        ("**/*.bak", "old.bak", true),
        ("**/*.tmp", "docs/guide.md", false),
        ("/temp/**", "temp/file.txt", true),
        ("/backup/**", "backup/data.json", true),
        ("/temp/**", "docs/guide.md", false),
        // Full-path matching, `*` not crossing `/`, case sensitivity.
        ("docs/*", "docs/file.pdf", true),
        ("docs/*", "site/docs/file.pdf", false),
        ("**/docs/*", "site/docs/file.pdf", true),
        ("**/docs/*", "docs/file.pdf", true),
        ("docs/*", "docs/sub/file.pdf", false),
        ("docs/**", "docs/sub/file.pdf", true),
        ("/Blog/*", "blog/post.html", false),
        // `?` is a character a pattern may contain, not a wildcard.
        ("docs/a?.md", "docs/ab.md", false),
        ("docs/a?.md", "docs/a?.md", true),
        ("**/login*", "auth/login-form", true),
    ]

    @Test(arguments: documented)
    func patternsMatchAsThePathFilteringPageShows(pattern: String, key: String, matches: Bool) {
        #expect(SourcePathFilter.matches(pattern: pattern, key: key) == matches, "\(pattern) vs \(key)")
    }

    @Test func excludeWinsOverIncludeAndIncludeLimitsTheRest() {
        let filter = SourcePathFilter(include: ["/docs/**"], exclude: ["/docs/drafts/**"])
        #expect(filter.decision(forKey: "docs/guide.md") == .indexed)
        #expect(filter.decision(forKey: "docs/drafts/wip.md") == .excluded(pattern: "/docs/drafts/**"))
        #expect(filter.decision(forKey: "blog/post.md") == .notIncluded)
        #expect(SourcePathFilter().decision(forKey: "anything.md") == .indexed)
        #expect(SourcePathFilter(exclude: ["**/*.tmp"]).decision(forKey: "a/b.md") == .indexed)
    }

    @Test func readsTheInstancesSourceParams() {
        let params: JSONValue = .object([
            "prefix": .string("site/"),
            "include_items": .array([.string("site/docs/**")]),
            "exclude_items": .array([.string("**/*.tmp"), .int(3)]),
        ])
        let filter = SourcePathFilter(sourceParams: params)
        #expect(filter.include == ["site/docs/**"] && filter.exclude == ["**/*.tmp"])
        #expect(SourcePathFilter(sourceParams: nil).isEmpty)
        #expect(filter.description == #"include_items "site/docs/**"; exclude_items "**/*.tmp""#)
    }

    @Test func manyStarsStayCheap() {
        let key = String(repeating: "a/", count: 100) + "b"
        #expect(!SourcePathFilter.matches(pattern: String(repeating: "**/*", count: 12) + "c", key: key))
    }
}

import Hashing
import LinuxSystem
import SyncCore
import Testing

@Suite struct KeyMapperTests {
    static func bytes(_ parts: [UInt8]...) -> FilePathBytes { FilePathBytes(parts.flatMap { $0 }) }
    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [("", ""), ("docs", "docs/"), ("docs/", "docs/"), ("/docs/", "docs/"), ("docs//api/", "docs/api/"), ("/", "")])
    func aPrefixIsNormalisedToOneTrailingSlash(given: String, normalised: String) throws {
        #expect(try KeyMapper(prefix: given).prefix == normalised)
    }

    @Test(arguments: ["../up", "a/./b", "%%x/", "tab\there/", String(repeating: "p", count: 65)])
    func anUnusablePrefixIsRefused(prefix: String) {
        #expect(throws: KeyMapperError.self) { try KeyMapper(prefix: prefix) }
    }

    @Test(arguments: ["a.md", "guides/setup.md", "100% done.md", "50%off/~backup.txt", "日本語/ノート.md", "a~b.md",
                      "x~0123456789abcdef.md/inner.md", "notes~0123456789abcde.md", ".gitignore", "sp ace/😀.txt"])
    func anOrdinaryNameIsKeptByteForByte(path: String) throws {
        let mapper = try KeyMapper(prefix: "docs")
        let key = try mapper.key(for: FilePathBytes(path))
        #expect(Array(key.rawValue.utf8) == Self.utf8("docs/" + path))
        #expect(mapper.path(for: key) == FilePathBytes(path))
    }

    @Test(arguments: [
        (bytes(utf8("caf"), [0xE9], utf8(".md")), "%%caf%E9.md"),
        (bytes(utf8("dir"), [0xFF], utf8("/a.md")), "%%dir%FF/a.md"),
        (bytes(utf8("%%weird.md")), "%%%25%25weird.md"),
        (bytes(utf8("a\nb%~.md")), "%%a%0Ab%25%7E.md"),
        (bytes(utf8("notes~0123456789abcdef.md")), "%%notes%7E0123456789abcdef.md"),
        (bytes(utf8("notes~0123456789abcdef")), "%%notes%7E0123456789abcdef"),
        (bytes([0xED, 0xA0, 0x80], utf8(".txt")), "%%%ED%A0%80.txt"),
        (bytes(utf8("é"), [0xC3], utf8(".md")), "%%é%C3.md"),
    ])
    func anUnusualNameIsEscapedReversibly(path: FilePathBytes, expected: String) throws {
        let mapper = try KeyMapper()
        let key = try mapper.key(for: path)
        #expect(key.rawValue == expected)
        #expect(mapper.path(for: key) == path)
    }

    @Test(arguments: ["%%abc.md", "%%caf%e9.md", "%%a%2Fb.md", "%%a%00.md", "%%a%4", "%%a%G1.md", "a//b.md", "/a.md", "a/",
                      "other/a.md", "notes~0123456789abcdef.md"])
    func aKeyTheMapperWouldNotProduceHasNoPath(key: String) throws {
        let mapper = try KeyMapper(prefix: key.hasPrefix("other") ? "docs" : "")
        #expect(mapper.path(for: ItemKey(key)) == nil)
    }

    @Test(arguments: ["", "/a.md", "a/", "a//b.md", "./a.md", "a/../b.md", "."])
    func anInvalidRelativePathIsRefused(path: String) throws {
        #expect(throws: KeyMapperError.invalidRelativePath(FilePathBytes(path))) { try KeyMapper().key(for: FilePathBytes(path)) }
    }

    @Test func aLongKeyIsShortenedKeepingPrefixHeadHashAndExtension() throws {
        let mapper = try KeyMapper(prefix: "docs/")
        let path = FilePathBytes(String(repeating: "chapter-", count: 10) + "/" + String(repeating: "section-", count: 10) + "/notes.md")
        let mapping = try mapper.mapping(for: path)
        let key = mapping.key.rawValue
        #expect(mapping.isShortened)
        #expect(key.utf8.count <= KeyMapper.maximumKeyLength)
        #expect(key.utf8.count >= KeyMapper.maximumKeyLength - 3)
        #expect(key.hasPrefix("docs/chapter-chapter-"))
        #expect(key.hasSuffix("~" + SHA256.hash(Array(mapping.fullKey.utf8)).hex.prefix(16) + ".md"))
        #expect(mapping.fullKey == "docs/" + String(decoding: path.bytes, as: UTF8.self))
        #expect(mapping.metadata == ["aisearch_sync_path": mapping.fullKey])
        #expect(mapper.isShortened(mapping.key))
        #expect(mapper.path(for: mapping.key) == nil)
        #expect(mapper.path(for: mapping.key, metadata: mapping.metadata) == path)
        #expect(try mapper.key(for: path) == mapping.key, "deterministic")
    }

    @Test func metadataThatDoesNotMapBackToTheKeyIsRejected() throws {
        let mapper = try KeyMapper()
        let long = FilePathBytes(String(repeating: "x", count: 150) + ".md")
        let other = FilePathBytes(String(repeating: "x", count: 151) + ".md")
        let key = try mapper.key(for: long)
        let otherMetadata = try mapper.mapping(for: other).metadata
        #expect(mapper.path(for: key, metadata: otherMetadata) == nil)
        #expect(mapper.path(for: key, metadata: [:]) == nil)
    }

    @Test(arguments: [
        (String(repeating: "d/", count: 70) + ".gitignore", ".gitignore"),
        (String(repeating: "é", count: 80) + ".markdown", ".markdown"),
        (String(repeating: "a", count: 130) + ".tar.gz", ".gz"),
        (String(repeating: "a", count: 130) + ".averyveryverylongextension", ""),
        (String(repeating: "a", count: 130), ""),
    ])
    func aShortenedKeyKeepsAUsableExtensionAndNeverSplitsACharacter(path: String, ext: String) throws {
        let mapping = try KeyMapper().mapping(for: FilePathBytes(path))
        let key = Array(mapping.key.rawValue.utf8)
        #expect(key.count <= 128)
        let hashStart = key.count - ext.utf8.count - 17
        #expect(key[hashStart] == UInt8(ascii: "~"))
        #expect(Array(key[(hashStart + 17)...]) == Array(ext.utf8))
        // The head is a byte-exact start of the full key: no character was cut in half.
        #expect(Array(mapping.fullKey.utf8).starts(with: key[..<hashStart]))
    }

    @Test func aNameShapedLikeAShortenedKeyCannotTakeItsPlace() throws {
        let mapper = try KeyMapper()
        let long = FilePathBytes(String(repeating: "n", count: 140) + ".md")
        let shortKey = try mapper.key(for: long)
        let impostor = FilePathBytes(shortKey.rawValue)
        let result = mapper.mapAll([long, impostor])
        #expect(result.conflicts.isEmpty)
        #expect(result.keys[long] == shortKey)
        #expect(result.keys[impostor] != shortKey)
        // Escaping made the impostor's own key too long, so it is shortened in turn, under another hash.
        let impostorMapping = try #require(result.mappings[impostor])
        #expect(impostorMapping.fullKey.hasPrefix("%%nnn"))
        #expect(mapper.path(for: impostorMapping.key, metadata: impostorMapping.metadata) == impostor)
    }

    @Test func invalidPathsAreReportedApartFromConflicts() throws {
        let result = try KeyMapper().mapAll(["a.md", "a//b.md", "a.md"])
        #expect(result.keys == ["a.md": ItemKey("a.md")])
        #expect(result.invalid.keys.sorted() == ["a//b.md"])
        #expect(result.conflicts.isEmpty)
    }
}

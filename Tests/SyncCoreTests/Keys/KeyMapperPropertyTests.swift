import Hashing
import LinuxSystem
@testable import SyncCore
import Testing

/// Round-trip and injectivity over random byte names, reproducible from fixed seeds.
@Suite struct KeyMapperPropertyTests {
    typealias Generator = SeededGenerator

    /// Pieces names are built from: ordinary text, the escape's own characters, shapes that look
    /// like a shortened key, multi-byte UTF-8, invalid UTF-8 and control bytes.
    static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("Notes".utf8), Array(".md".utf8), Array(".txt".utf8), Array(".".utf8), Array(" ".utf8),
        Array("%".utf8), Array("%%".utf8), Array("%41".utf8), Array("~".utf8), Array("~0123456789abcdef".utf8),
        Array("é".utf8), Array("日本".utf8), Array("😀".utf8), Array("-_".utf8), Array("0f".utf8),
        [0x80], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x01], [0x0A], [0x7F],
    ]

    static func randomComponent(using generator: inout Generator) -> [UInt8] {
        var component: [UInt8] = []
        if Int.random(in: 0..<10, using: &generator) == 0 {
            // Fully random bytes (no NUL or slash).
            component = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                let byte = UInt8.random(in: 1...255, using: &generator)
                return byte == UInt8(ascii: "/") ? 0xFE : byte
            }
        } else {
            let count = Int.random(in: 1...(Int.random(in: 0..<8, using: &generator) == 0 ? 40 : 6), using: &generator)
            for _ in 0..<count { component += pieces.randomElement(using: &generator)! }
        }
        if component == [UInt8(ascii: ".")] || component == Array("..".utf8) { component += Array("x".utf8) }
        return component
    }

    static func randomPath(using generator: inout Generator) -> FilePathBytes {
        let components = (0..<Int.random(in: 1...5, using: &generator)).map { _ in randomComponent(using: &generator) }
        return FilePathBytes(Array(components.joined(separator: [UInt8(ascii: "/")])))
    }

    @Test(arguments: [(UInt64(1), ""), (2, "docs/"), (3, "a/much/longer/prefix/for/the/keys/")])
    func everyPathRoundTripsThroughItsKey(seed: UInt64, prefix: String) throws {
        var generator = Generator(seed: seed)
        let mapper = try KeyMapper(prefix: prefix)
        var shortened = 0
        for _ in 0..<3000 {
            let path = Self.randomPath(using: &generator)
            let mapping = try mapper.mapping(for: path)
            let keyBytes = Array(mapping.key.rawValue.utf8)
            #expect(keyBytes.count <= KeyMapper.maximumKeyLength)
            #expect(keyBytes.starts(with: Array(prefix.utf8)))
            #expect(mapping.isShortened == (mapping.fullKey.utf8.count > KeyMapper.maximumKeyLength))
            #expect(mapper.isShortened(mapping.key) == mapping.isShortened)
            #expect(mapper.path(forFullKey: mapping.fullKey) == path)
            if mapping.isShortened {
                shortened += 1
                #expect(mapper.path(for: mapping.key) == nil)
                #expect(mapper.path(for: mapping.key, metadata: mapping.metadata) == path)
            } else {
                #expect(mapper.path(for: mapping.key) == path, "\(path) → \(mapping.key)")
            }
            // The walk's key bytes (a stack buffer for plain paths) are the mapping's unshortened key.
            let walked = mapper.withUnshortenedKeyBytes(for: path) { Array($0) }
            #expect(walked == (mapping.isShortened ? nil : keyBytes), "\(path)")
            // An ordinary name is unchanged.
            if let text = path.utf8String, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
               !path.components.contains(where: { $0.bytes.starts(with: Array("%%".utf8)) }),
               !mapper.isShortened(ItemKey(text)), !mapping.isShortened {
                #expect(mapping.key.rawValue == prefix + text)
            }
        }
        #expect(shortened > 50, "the generator should reach the shortening rule")
    }

    @Test(arguments: [UInt64(11), 12])
    func distinctPathsGetDistinctKeys(seed: UInt64) throws {
        var generator = Generator(seed: seed)
        let paths = Set((0..<5000).map { _ in Self.randomPath(using: &generator) })
        let result = try KeyMapper(prefix: "p").mapAll(Array(paths))
        #expect(result.invalid.isEmpty)
        #expect(result.conflicts.isEmpty, "\(result.conflicts)")
        let keyBytes = Set(result.keys.values.map { Array($0.rawValue.utf8) })
        #expect(keyBytes.count == paths.count)
    }

    /// Random key-like strings: each either has no path, or a path that maps back to exactly it.
    @Test func everyDecodableKeyIsCanonical() throws {
        var generator = Generator(seed: 99)
        let alphabet = ["%", "%%", "2", "5", "A", "E", "e", "9", "/", "~", "a", ".md", "0123456789abcdef", "é"]
        let mapper = try KeyMapper()
        var decoded = 0
        for _ in 0..<5000 {
            let key = ItemKey((0..<Int.random(in: 1...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
            guard let path = mapper.path(for: key) else { continue }
            decoded += 1
            #expect(Array(try mapper.key(for: path).rawValue.utf8) == Array(key.rawValue.utf8))
        }
        #expect(decoded > 100)
    }
}

import Foundation
import Testing
import Hashing
@testable import AISearchAPI

extension ItemPageReader {
    /// The page as read with every item kept (what a listing that folds nothing reads).
    static func envelope(_ body: [UInt8], comparedFields: ItemListQuery.ComparedFields? = nil) -> Envelope<[Item]>? {
        var keepEveryItem = KeepEveryItem()
        return envelope(body, comparedFields: comparedFields, folding: &keepEveryItem)?.envelope
    }
}

/// The narrow item page reader must give exactly what JSONDecoder gives for every page it reads,
/// and decline (so JSONDecoder decides) every page it does not.
@Suite struct ItemPageReaderTests {
    static func decodedByFoundation(_ bytes: [UInt8]) -> Envelope<[Item]>? {
        try? JSONDecoder().decode(Envelope<[Item]>.self, from: Data(bytes))
    }

    /// Same envelope, field by field (Envelope is not Equatable).
    static func same(_ a: Envelope<[Item]>?, _ b: Envelope<[Item]>?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.success == b.success && a.errors == b.errors && a.messages == b.messages && a.result == b.result
            && a.resultInfo == b.resultInfo
    }

    typealias Generator = SeededGenerator

    static let awkwardTexts = ["plain", "quote\"d", "back\\slash", "new\nline", "tab\t", "café", "cafe\u{301}", "🌍 emoji",
                               "\u{1B}[31mred", "slash/", "", "\u{7F}del"]

    static func randomValue(_ generator: inout Generator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator))
        case 3: return .double(Double(Int.random(in: -1000...1000, using: &generator)) + 0.25)
        case 4: return .string(awkwardTexts.randomElement(using: &generator)!)
        case 5: return .array((0..<Int.random(in: 0..<3, using: &generator)).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<3, using: &generator) {
                members[awkwardTexts.randomElement(using: &generator)!] = randomValue(&generator, depth: depth + 1)
            }
            return .object(members)
        }
    }

    static func randomItem(_ generator: inout Generator, index: Int) -> Item {
        let text = { (g: inout Generator) in awkwardTexts.randomElement(using: &g)! }
        var item = Item(id: UUID().uuidString.lowercased(), key: "dir/\(text(&generator))-\(index).md",
                        checksum: Bool.random(using: &generator) ? String(repeating: "ab", count: 32) : text(&generator),
                        chunksCount: Bool.random(using: &generator) ? Int.random(in: 0..<50, using: &generator) : nil,
                        createdAt: "2026-12-01T10:00:0\(index % 10).123Z", lastSeenAt: text(&generator),
                        fileSize: Bool.random(using: &generator) ? Int64.random(in: 0..<5_000_000, using: &generator) : nil,
                        namespace: "default", nextAction: [nil, .index, .delete].randomElement(using: &generator)!,
                        sourceID: ["builtin", nil, "r2:bucket"].randomElement(using: &generator)!,
                        status: Item.Status.allCases.randomElement(using: &generator)!,
                        error: Bool.random(using: &generator) ? text(&generator) : nil)
        if Bool.random(using: &generator) {
            item.metadata = ["aisearch_owner": .string("host:/root"), "extra": randomValue(&generator)]
        }
        return item
    }

    @Test(arguments: 0..<20)
    func randomPagesReadAsJSONDecoderReadsThem(seed: Int) throws {
        var generator = Generator(seed: UInt64(seed))
        let items = (0..<Int.random(in: 0..<60, using: &generator)).map { Self.randomItem(&generator, index: $0) }
        let envelope = Envelope(success: true, messages: [APIMessage(code: 1, message: "ok \u{1B}]0;title\u{7}")], result: items,
                                resultInfo: ResultInfo(count: items.count, page: 3, perPage: 50, totalCount: 1234))
        let bytes = Array(try JSONEncoder().encode(envelope))
        let fast = try #require(ItemPageReader.envelope(bytes), "declined a page JSONEncoder wrote")
        #expect(Self.same(fast, Self.decodedByFoundation(bytes)))
    }

    @Test func handWrittenShapesReadTheSame() throws {
        let pages = [
            #"{"success":true,"errors":[],"messages":[],"result":null,"result_info":{"count":0,"page":1,"per_page":50,"total_count":0}}"#,
            #"  { "result" : [ { "status" : "completed", "unknown" : {"a":[1,2,{"b":null}]}, "key" : "a\u00e9\ud83c\udf0d.md", "id":"x", "file_size": 12.0, "checksum": null, "metadata": null } ] , "success" : true, "extra": [true, false, -0.5e-3] }  "#,
            #"{"success":false,"errors":[{"code":7003,"message":"not found"},{"message":null}],"messages":null,"result":[]}"#,
            #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","file_size":"12","next_action":null,"error":"\u001b[2Jcleared"}]}"#,
            // Keys written with escapes are the same keys; a near miss is an unknown key.
            #"{"success":true,"result":[{"\u0069d":"i","k\u0065y":"k","stat\/us":"queued","status":"running","checksu":"x","checksumm":"y"}]}"#,
        ]
        for page in pages {
            let bytes = Array(page.utf8)
            let fast = try #require(ItemPageReader.envelope(bytes), "declined: \(page)")
            #expect(Self.same(fast, Self.decodedByFoundation(bytes)), "\(page)")
        }
    }

    @Test(arguments: [
        #"{"success":true,"result":[{"id":"i","key":"k","status":"unheard_of"}]}"#,
        #"{"success":true,"result":[{"key":"k","status":"queued"}]}"#,
        #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","chunks_count":1.5}]}"#,
        #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","metadata":"text"}]}"#,
        #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","next_action":"LATER"}]}"#,
        #"{"success":true,"result":[{"id":"i","key":"k","status":"queued"}],"errors":[{"code":"7003"}]}"#,
        #"{"result":[]}"#,
        #"{"success":true,"result":[{"id":1,"key":"k","status":"queued"}]}"#,
        #"{"success":true,"result":[]} tail"#,
        #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","file_size":+1}]}"#,
    ])
    func unusualPagesAreDeclined(_ page: String) {
        #expect(ItemPageReader.envelope(Array(page.utf8)) == nil)
    }

    /// A member the reader passes over is held to JSON's rules as strictly as one it reads.
    @Test func aSkippedValueIsCheckedAsStrictlyAsARead() {
        let item = #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","extra":VALUE}]}"#
        for value in ["01", "1.", "-", "1e", "{\"a\":+1}", "[\"\\x\"]", "{\"a\" 1}", "\"tab\there\""] {
            let page = item.replacingOccurrences(of: "VALUE", with: value)
            // Declined: JSONDecoder decides (it takes some of these).
            #expect(ItemPageReader.envelope(Array(page.utf8)) == nil, "\(page)")
        }
        for value in ["-0.5e+3", "{\"a\":[1,{\"b\":\"\\u00e9\"}]}", "\"caf\u{e9}\""] {
            let page = item.replacingOccurrences(of: "VALUE", with: value)
            #expect(ItemPageReader.envelope(Array(page.utf8)) != nil, "\(page)")
        }
        var page = Array(item.replacingOccurrences(of: "VALUE", with: "[\"Xx\"]").utf8)
        #expect(ItemPageReader.envelope(page) != nil)
        page[page.firstIndex(of: UInt8(ascii: "X"))!] = 0xFF
        #expect(ItemPageReader.envelope(page) == nil)
    }

    @Test func aKeyThatIsNotUTF8DeclinesThePage() {
        var page = Array(#"{"success":true,"result":[{"id":"i","key":"k","status":"queued","Xx":1}]}"#.utf8)
        #expect(ItemPageReader.envelope(page) != nil)
        page[page.firstIndex(of: UInt8(ascii: "X"))!] = 0xFF
        #expect(ItemPageReader.envelope(page) == nil)
    }

    @Test func aPageCutAtAnyByteIsDeclinedOrReadAsJSONDecoderReadsIt() throws {
        var generator = Generator(seed: 99)
        let items = (0..<4).map { Self.randomItem(&generator, index: $0) }
        let bytes = Array(try JSONEncoder().encode(Envelope(success: true, result: items, resultInfo: ResultInfo(totalCount: 4))))
        for length in 0..<bytes.count {
            let cut = Array(bytes[..<length])
            let fast = ItemPageReader.envelope(cut)
            #expect(fast == nil || Self.same(fast, Self.decodedByFoundation(cut)), "cut at \(length)")
        }
    }

    // MARK: - A listing read to be compared

    static let compared = ItemListQuery.ComparedFields(metadata: ["aisearch_owner", "aisearch_sha256"])

    /// What the compared reading must give: the whole item, less `last_seen_at` and the metadata
    /// members it was not asked for (an object keeps its kept members, possibly none).
    static func comparedView(_ item: Item) -> Item {
        var item = item
        item.lastSeenAt = ""
        item.metadata = item.metadata.map { $0.filter { compared.metadata.contains($0.key) } }
        return item
    }

    @Test(arguments: 0..<20)
    func aComparedReadingKeepsEveryFieldButTheTimestampAndOtherMetadata(seed: Int) throws {
        var generator = Generator(seed: UInt64(seed) + 1000)
        var items = (0..<Int.random(in: 1..<60, using: &generator)).map { Self.randomItem(&generator, index: $0) }
        for index in items.indices where Bool.random(using: &generator) {
            items[index].metadata = ["aisearch_sha256": .string(String(repeating: "c", count: 64)), "filename": .string("a/b.md"),
                                     "timestamp": .int(1_796_277_647_771), "aisearch_owner": Self.randomValue(&generator)]
        }
        let envelope = Envelope(success: true, result: items, resultInfo: ResultInfo(count: items.count, page: 1, perPage: 50, totalCount: 99))
        let bytes = Array(try JSONEncoder().encode(envelope))
        let whole = try #require(ItemPageReader.envelope(bytes))
        let read = try #require(ItemPageReader.envelope(bytes, comparedFields: Self.compared), "declined a page JSONEncoder wrote")
        #expect(read.result == whole.result?.map(Self.comparedView))
        #expect(read.resultInfo == whole.resultInfo && read.success == whole.success)
    }

    @Test func aComparedReadingNamesMembersAsJSONDoesAndSkipsTheRestUnread() throws {
        // An escaped member name is the same name; a near miss is another member; members not
        // kept are skipped whatever they hold; null metadata stays null.
        let page = #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","last_seen_at":"2026-12-01T00:00:00Z","#
            + #""metadata":{"aisearch_owner":"host:/a","aisearch_owne":"no","folder":{"deep":[1,{"x":null}]},"aisearch_sha256":null}},"#
            + #"{"id":"j","key":"l","status":"completed","metadata":null},{"id":"m","key":"n","status":"completed","metadata":{"filename":"x"}}]}"#
        let read = try #require(ItemPageReader.envelope(Array(page.utf8), comparedFields: Self.compared))
        let items = try #require(read.result)
        #expect(items.map(\.lastSeenAt) == ["", "", ""])
        #expect(items[0].metadata == ["aisearch_owner": .string("host:/a"), "aisearch_sha256": .null])
        #expect(items[1].metadata == nil)
        #expect(items[2].metadata == [:])
        // A metadata value that is no object still declines the page.
        let odd = #"{"success":true,"result":[{"id":"i","key":"k","status":"queued","metadata":"text"}]}"#
        #expect(ItemPageReader.envelope(Array(odd.utf8), comparedFields: Self.compared) == nil)
    }
}

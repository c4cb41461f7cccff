import Foundation
import Testing
import Hashing
@testable import AISearchAPI

/// What a fold is shown of each item must be what `JSONDecoder` reads of it, every item must be
/// shown once (as bytes or decoded), and only the items it does not take are decoded.
@Suite struct ListedItemFoldTests {
    /// Takes every other item shown as bytes; keeps a copy of what it was shown.
    struct RecordingFold: ListedItemFold {
        struct Seen: Equatable {
            var id, key, checksum: String
            var status: Item.Status
            var sourceID: String?
            var nextAction: Item.NextAction?
            /// `metadataText("aisearch_owner")`: nil when absent, "<unusual>" when unusual.
            var owner: String?
        }
        var shown: [Seen] = []
        var shownDecoded: [Item] = []
        var taken: [String] = []

        mutating func consumes(_ item: ListedItemView) -> Bool {
            let text = { (bytes: UnsafeBufferPointer<UInt8>) in String(decoding: bytes, as: UTF8.self) }
            let owner: String? = switch item.metadataText("aisearch_owner") {
            case .absent: nil
            case .text(let bytes): text(bytes)
            case .unusual: "<unusual>"
            }
            shown.append(Seen(id: text(item.id), key: text(item.key), checksum: text(item.checksum), status: item.status,
                              sourceID: item.sourceID.map(text), nextAction: item.nextAction, owner: owner))
            guard shown.count % 2 == 0 else { return false }
            taken.append(text(item.id))
            return true
        }

        mutating func consumes(_ item: Item) -> Bool {
            shownDecoded.append(item)
            return false
        }
    }

    static func seen(_ item: Item) -> RecordingFold.Seen {
        RecordingFold.Seen(id: item.id, key: item.key, checksum: item.checksum, status: item.status, sourceID: item.sourceID,
                           nextAction: item.nextAction, owner: item.metadata?["aisearch_owner"]?.stringValue)
    }

    @Test(arguments: 0..<20)
    func everyItemIsShownOnceAsJSONDecoderReadsIt(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed) + 1000)
        let items = (0..<Int.random(in: 1..<60, using: &generator)).map { ItemPageReaderTests.randomItem(&generator, index: $0) }
        let envelope = Envelope(success: true, result: items, resultInfo: ResultInfo(count: items.count, page: 1, perPage: 50, totalCount: 99))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes  // else every key ("dir/…") is written with an escape
        let bytes = Array(try encoder.encode(envelope))
        let decoded = try #require(ItemPageReaderTests.decodedByFoundation(bytes)?.result)
        var fold = RecordingFold()
        let folded = try #require(ItemPageReader.envelope(bytes, comparedFields: nil, folding: &fold))
        #expect(folded.listed == items.count)
        // Shown as bytes or decoded, each item once, in order.
        #expect(fold.shown.count + fold.shownDecoded.count == items.count)
        let byID = Dictionary(uniqueKeysWithValues: decoded.map { ($0.id, $0) })
        for seen in fold.shown {
            let item = try #require(byID[seen.id])
            var expected = Self.seen(item)
            if seen.owner == "<unusual>" { expected.owner = "<unusual>" }
            #expect(seen == expected)
        }
        // An item is shown decoded only when one of its strings is written with an escape.
        let isEscaped = { (text: String) in text.unicodeScalars.contains { $0 == "\"" || $0 == "\\" || $0.value < 0x20 } }
        for item in fold.shownDecoded {
            #expect([item.id, item.key, item.checksum, item.sourceID ?? ""].contains(where: isEscaped), "\(item)")
        }
        #expect(!fold.shown.isEmpty)
        // The items left are exactly the ones not taken, as JSONDecoder reads them.
        #expect(folded.envelope.result == decoded.filter { !fold.taken.contains($0.id) })
        #expect(folded.envelope.resultInfo?.totalCount == 99)
    }

    /// A status read from its bytes is the one its raw value names; nothing else is one.
    @Test func aStatusIsReadFromItsBytes() {
        for status in Item.Status.allCases {
            #expect(Array(status.rawValue.utf8).withUnsafeBufferPointer { Item.Status(utf8: $0) } == status)
        }
        for word in ["", "Completed", "complete", "completed ", "queued\u{0}", "erro", "outdatedx"] {
            #expect(Array(word.utf8).withUnsafeBufferPointer { Item.Status(utf8: $0) } == nil, "\(word)")
        }
    }

    @Test func aFoldThatTakesNothingLeavesThePageAsTheReaderReadsIt() throws {
        var generator = SeededGenerator(seed: 7)
        let items = (0..<30).map { ItemPageReaderTests.randomItem(&generator, index: $0) }
        let bytes = Array(try JSONEncoder().encode(Envelope(success: true, result: items)))
        var fold = KeepEveryItem()
        let folded = try #require(ItemPageReader.envelope(bytes, comparedFields: nil, folding: &fold))
        #expect(ItemPageReaderTests.same(folded.envelope, ItemPageReader.envelope(bytes)))
        #expect(folded.listed == 30)
    }

    /// What `read` says of the view of a one-item page whose item has `metadata` as written.
    static func metadataAnswers(_ metadata: String, read: @escaping @Sendable (ListedItemView) -> [ListedItemView.MetadataText]) throws -> [String] {
        let page = #"{"success":true,"result":[{"id":"a","key":"a.md","status":"completed","metadata":OBJECT}]}"#
            .replacingOccurrences(of: "OBJECT", with: metadata)
        final class Box: @unchecked Sendable { var answers: [String] = [] }
        struct Probe: ListedItemFold {
            let box: Box
            let read: @Sendable (ListedItemView) -> [ListedItemView.MetadataText]
            func consumes(_ item: ListedItemView) -> Bool {
                box.answers = read(item).map { text in
                    switch text {
                    case .absent: "absent"
                    case .text(let bytes): String(decoding: bytes, as: UTF8.self)
                    case .unusual: "unusual"
                    }
                }
                return true
            }
            func consumes(_ item: Item) -> Bool { false }
        }
        let box = Box()
        var fold = Probe(box: box, read: read)
        let folded = try #require(ItemPageReader.envelope(Array(page.utf8), comparedFields: nil, folding: &fold))
        #expect(folded.envelope.result == [])
        return box.answers
    }

    @Test func metadataTextIsTheLaterOfRepeatedMembersAndOnlyAString() throws {
        let answers = try Self.metadataAnswers(#"{"o":"x","o":"y","n":1,"e":"q\"","z":null}"#) { item in
            ["o", "n", "e", "z", "missing"].map { item.metadataText($0) }
        }
        #expect(answers == ["y", "absent", "unusual", "absent", "absent"])
    }

    /// The same answers whether the object is read or passed over for not holding the names.
    @Test(arguments: [
        (#"{"filename":"a.md","timestamp":1}"#, "absent", "absent"),
        (#"{"xownerx":"v","sha":1}"#, "absent", "absent"),
        (#"{"f":"owner","g":"sha"}"#, "absent", "absent"),
        (#"{"owner":"me"}"#, "me", "absent"),
        (#"{"sha":"ab","owner":null}"#, "absent", "ab"),
        (#"{"\u006fwner":"me"}"#, "me", "absent"),
        (#"{}"#, "absent", "absent"),
    ])
    func metadataTextsAgreeWithTheDecodedObject(object: String, owner: String, sha: String) throws {
        let answers = try Self.metadataAnswers(object) { item in
            let (first, second) = item.metadataTexts("owner", "sha")
            return [first, second]
        }
        #expect(answers == [owner, sha])
    }

    @Test func theListingCountsTakenItemsForItsStopRules() async throws {
        struct TakeEvenItems: ListedItemFold {
            func consumes(_ item: ListedItemView) -> Bool { Int(String(decoding: item.id.dropFirst(3), as: UTF8.self))! % 2 == 0 }
            func consumes(_ item: Item) -> Bool { false }
        }
        // 120 items in pages of 50: three requests, whether or not a page's items are taken.
        let transport = pagingTransport(total: 120)
        var fold = TakeEvenItems()
        let listed = try await Fixtures.client(transport).listAllItems(in: "docs", folding: &fold)
        #expect(listed.items.map(\.id) == stride(from: 1, to: 120, by: 2).map { "id-\($0)" })
        #expect(listed.listed == 120)
        #expect(listed.totalCount == 120)
        #expect(transport.requests.count == 3)
    }

    @Test func aPageTakenWholeStillEndsAServerThatIgnoresThePage() async throws {
        struct TakeAll: ListedItemFold {
            func consumes(_ item: ListedItemView) -> Bool { true }
            func consumes(_ item: Item) -> Bool { true }
        }
        let transport = FakeTransport { _, _ in
            .ok("[\((0..<50).map { Fixtures.item(id: "id-\($0)", key: "k\($0).md") }.joined(separator: ","))]")
        }
        var fold = TakeAll()
        let listed = try await Fixtures.client(transport).listAllItems(in: "docs", folding: &fold)
        // The repeated second page ends the listing and is not counted.
        #expect(listed.items.isEmpty)
        #expect(listed.listed == 50)
        #expect(transport.requests.count == 2)
    }
}

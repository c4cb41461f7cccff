import Hashing
import Testing
@testable import SyncCore

/// The compact record keeps every id and checksum exactly as given, whichever way it stores them.
@Suite struct RemoteRecordTests {
    @Test(arguments: [
        "0474ef3e-27aa-4aac-a054-875ba7c2ac71",  // the API's form: two words
        "00000000-0000-0000-0000-000000000000",
        "0474EF3E-27AA-4AAC-A054-875BA7C2AC71",  // upper case: kept as text, so it reads back as given
        "0474ef3e27aa4aaca054875ba7c2ac71",
        "item-7", "", "0474ef3e-27aa-4aac-a054-875ba7c2ac7g",
    ])
    func itemIDsReadBackAsGiven(_ id: String) {
        let record = RemoteRecord(itemID: id, checksum: "c", status: .completed, contentSHA256: digest(1))
        #expect(record.itemID == id)
        #expect(record.hasItemID(id))
        #expect(!record.hasItemID(id + "x"))
    }

    @Test func theAPIsUUIDFormIsStoredInTwoWords() {
        #expect(CompactItemID("0474ef3e-27aa-4aac-a054-875ba7c2ac71") == .uuid(0x0474ef3e27aa4aac, 0xa054875ba7c2ac71))
        #expect(CompactItemID("0474EF3E-27AA-4AAC-A054-875BA7C2AC71") == .text("0474EF3E-27AA-4AAC-A054-875BA7C2AC71"))
        #expect(CompactItemID("ffffffff-ffff-ffff-ffff-ffffffffffff") == .uuid(.max, .max))
        #expect(CompactItemID("00000000-0000-0000-0000-000000000000") == .uuid(0, 0))
        // Anything else is text, spelled back as it came: a non-digit, a dash out of place, a length off.
        for text in ["0474ef3e-27aa-4aac-a054-875ba7c2ac7g", "0474ef3e-27aa-4aac-a054-875ba7c2ac7-", "0474ef3e27aa-4aac-a054-875ba7c2ac71-",
                     "0474ef3e-27aa-4aac-a054-875ba7c2ac7", "0474ef3e-27aa-4aac-a054-875ba7c2ac711", "0474ef3e-27aa-4aac-a054+875ba7c2ac71"] {
            #expect(CompactItemID(text) == .text(text))
            #expect(CompactItemID(text).text == text)
        }
        #expect(CompactItemID("0474ef3e-27aa-4aac-a054-875ba7c2ac71").text == "0474ef3e-27aa-4aac-a054-875ba7c2ac71")
    }

    @Test func aChecksumThatIsTheContentDigestReadsBackAndOthersToo() {
        let content = digest(5)
        let same = RemoteRecord(itemID: "i", checksum: content.hex, status: .queued, contentSHA256: content)
        let other = RemoteRecord(itemID: "i", checksum: "\"d41d8cd98f00b204e9800998ecf8427e\"", status: .queued, contentSHA256: content)
        #expect(same.checksum == content.hex)
        #expect(other.checksum == "\"d41d8cd98f00b204e9800998ecf8427e\"")
        #expect(same != other)
        #expect(same == RemoteRecord(itemID: "i", checksum: content.hex, status: .queued, contentSHA256: content))
    }

    @Test func digestBytesAndHexAgree() {
        let bytes = (0..<32).map { UInt8($0 * 7 + 3) }
        let value = SHA256Digest(bytes: bytes)
        #expect(value.bytes == bytes)
        #expect(value.hex == bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined())
        #expect(SHA256Digest(hex: value.hex) == value)
        #expect(SHA256Digest(hex: value.hex.uppercased()) == value)
    }
}

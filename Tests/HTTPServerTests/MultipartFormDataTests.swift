import Testing
@testable import HTTPServer

@Suite struct MultipartFormDataTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    /// RFC 7578 section 4.2/4.3: a text field and two files under one field name.
    @Test func rfc7578FieldsAndFiles() throws {
        let body = bytes("""
        --AaB03x
        content-disposition: form-data; name="field1"
        content-type: text/plain;charset=UTF-8
        content-transfer-encoding: quoted-printable

        Joe owes =E2=82=AC100.
        --AaB03x
        content-disposition: form-data; name="files"; filename="file1.txt"
        Content-Type: text/plain

        ...contents of file1.txt...
        --AaB03x
        Content-Disposition: form-data; name="files"; filename="file2.gif"
        Content-Type: image/gif

        ...contents of file2.gif...
        --AaB03x--

        """)
        let parts = try MultipartFormData.parse(body: body, contentType: "multipart/form-data; boundary=AaB03x")
        #expect(parts == [
            MultipartPart(name: "field1", contentType: "text/plain;charset=UTF-8", body: Array("Joe owes =E2=82=AC100.".utf8)),
            MultipartPart(name: "files", filename: "file1.txt", contentType: "text/plain", body: Array("...contents of file1.txt...".utf8)),
            MultipartPart(name: "files", filename: "file2.gif", contentType: "image/gif", body: Array("...contents of file2.gif...".utf8)),
        ])
    }

    /// RFC 2046 section 5.1.1: preamble and epilogue ignored, a part without headers, a body
    /// that ends with a line break keeps it, a quoted boundary with a space.
    @Test func rfc2046PreambleEpilogueAndQuotedBoundary() throws {
        let body = bytes("""
        This is the preamble.  It is to be ignored.

        --simple boundary
        Content-Disposition: form-data; name=a

        This is implicitly typed plain US-ASCII text.
        It does NOT end with a linebreak.
        --simple boundary \t
        Content-type: text/plain; charset=us-ascii
        Content-Disposition: form-data; name="b"

        This is explicitly typed plain US-ASCII text.
        It DOES end with a linebreak.

        --simple boundary--

        This is the epilogue.  It is also to be ignored.
        --simple boundary
        """)
        let parts = try MultipartFormData.parse(body: body, contentType: "Multipart/Form-Data; boundary=\"simple boundary\"")
        #expect(parts.map(\.name) == ["a", "b"])
        #expect(parts[0].body == bytes("This is implicitly typed plain US-ASCII text.\nIt does NOT end with a linebreak."))
        #expect(parts[1].body == bytes("This is explicitly typed plain US-ASCII text.\nIt DOES end with a linebreak.\n"))
        #expect(parts[1].contentType == "text/plain; charset=us-ascii")
    }

    @Test func bodyContainingDashesAndCRLFStaysIntact() throws {
        let tricky: [UInt8] = Array("a\r\n--\r\n--b\r\n--XYZ\r\n--XY".utf8) + [0, 255, 13, 10, 13, 10, 45, 45]
        let body = Array("--XY\r\nContent-Disposition: form-data; name=\"f\"; filename=\"bin\"\r\n\r\n".utf8) + tricky
            + Array("\r\n--XY--\r\n".utf8)
        let parts = try MultipartFormData.parse(body: body, contentType: "multipart/form-data; boundary=XY")
        #expect(parts.count == 1)
        #expect(parts.first?.body == tricky)
    }

    @Test func filenameEscapesAndExtendedFilename() throws {
        let body = bytes("""
        --b
        Content-Disposition: form-data; name="q"; filename="say \\"hi\\".txt"

        1
        --b
        Content-Disposition: form-data; name="e"; filename="EURO rates.txt"; filename*=UTF-8''%e2%82%ac%20rates.txt

        2
        --b
        Content-Disposition: form-data; name="l"; filename*=iso-8859-1'en'%A3%20rates

        3
        --b--
        """)
        let parts = try MultipartFormData.parse(body: body, contentType: "multipart/form-data; boundary=b")
        #expect(parts.map(\.filename) == ["say \"hi\".txt", "€ rates.txt", "£ rates"])
        #expect(parts.map(\.body) == [[0x31], [0x32], [0x33]])
    }

    @Test func emptyPartBodyAndNoParts() throws {
        let parts = try MultipartFormData.parse(
            body: bytes("--b\nContent-Disposition: form-data; name=\"empty\"\n\n\n--b--"), contentType: "multipart/form-data; boundary=b")
        #expect(parts == [MultipartPart(name: "empty", body: [])])
        #expect(try MultipartFormData.parse(body: bytes("--b--\n"), contentType: "multipart/form-data; boundary=b").isEmpty)
    }

    static let broken: [(String, String, MultipartFormDataError)] = [
        ("--b--", "text/plain", .notMultipart(contentType: "text/plain")),
        ("--b--", "multipart/form-data", .missingBoundary(contentType: "multipart/form-data")),
        ("--b--", "multipart/form-data; boundary=\"\"", .invalidBoundary("")),
        ("--b--", "multipart/form-data; boundary=" + String(repeating: "x", count: 71), .invalidBoundary(String(repeating: "x", count: 71))),
        ("no delimiter here", "multipart/form-data; boundary=b", .missingOpeningDelimiter),
        ("--bb\nx", "multipart/form-data; boundary=b", .missingOpeningDelimiter),
        ("--b\nContent-Disposition: form-data; name=a\n\ntruncated", "multipart/form-data; boundary=b", .unterminatedBody),
        ("--b\nContent-Disposition: form-data; name=a\n\nx\n--b\n", "multipart/form-data; boundary=b", .unterminatedBody),
        ("--b\nnot a header\n\nx\n--b--", "multipart/form-data; boundary=b", .malformedPartHeaders(partIndex: 0)),
        ("--b\nContent-Type: text/plain\n\nx\n--b--", "multipart/form-data; boundary=b", .missingPartName(partIndex: 0)),
        ("--b\nContent-Disposition: form-data; filename=f\n\nx\n--b--", "multipart/form-data; boundary=b", .missingPartName(partIndex: 0)),
    ]

    @Test(arguments: broken)
    func brokenBodiesGiveTypedErrors(_ body: String, _ contentType: String, _ expected: MultipartFormDataError) {
        #expect(throws: expected) { try MultipartFormData.parse(body: bytes(body), contentType: contentType) }
        #expect(!expected.description.isEmpty)
    }
}

import Foundation
import LinuxSystem
import Testing
@testable import Agent

/// What the R2 store owes the index survives a kill, and a debt that cannot be written is an error.
@Suite struct R2IndexDebtTests {
    static func scratch() throws -> FilePathBytes {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("r2-debt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return FilePathBytes(directory.path)
    }

    @Test func owedKeysAreOnDiskAndPaidOnesAreNot() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory.description) }
        let file = directory.appending(FilePathBytes(R2IndexDebt.fileName))
        var debt = R2IndexDebt(file: file)
        try debt.owe("a.md")
        try debt.owe("b.md")
        try debt.owe("a.md")
        debt.pay("b.md")
        // A line cut short by a kill while it was written: its write had not gone out.
        let descriptor = try FileDescriptor.openForAppending(file)
        try descriptor.writeAll(Array(#"["owe","c."#.utf8))
        descriptor.close()
        #expect(R2IndexDebt(file: file).keys == ["a.md"])
        // Reading compacted the file to what is owed.
        #expect(String(decoding: try readWholeFile(file), as: UTF8.self) == "[\"owe\",\"a.md\"]\n")
        var again = R2IndexDebt(file: file)
        again.pay("a.md")
        #expect(!FileManager.default.fileExists(atPath: file.description), "nothing owed, no file")
    }

    @Test func aDebtThatCannotBeWrittenIsAnError() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory.description) }
        var debt = R2IndexDebt(file: directory.appending(FilePathBytes("missing-folder/\(R2IndexDebt.fileName)")))
        #expect(throws: SystemError.self) { try debt.owe("a.md") }
        #expect(debt.keys.isEmpty, "not recorded as owed in memory either: the write it guards must not go out")
    }
}

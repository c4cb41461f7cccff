import Foundation
import Glibc
import LinuxSystem
import Testing

@Suite struct WholeFileTests {
    /// A file at its limit reads whole; one byte more is refused with EFBIG, naming the file.
    @Test func aFileOverItsLimitIsRefusedNamingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("whole-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }  // over one 64 KiB read
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try readWholeFile(FilePathBytes(path), limit: bytes.count) == bytes)
        #expect(throws: SystemError("read", subject: path, errno: Errno(rawValue: EFBIG))) {
            _ = try readWholeFile(FilePathBytes(path), limit: bytes.count - 1)
        }
    }

    /// /proc files report a size of 0: they are read to their end, not to `st_size`.
    @Test func aProcFileIsReadToItsEnd() throws {
        let status = String(decoding: try readWholeFile("/proc/self/status"), as: UTF8.self)
        #expect(status.contains("\nPid:"))
    }
}

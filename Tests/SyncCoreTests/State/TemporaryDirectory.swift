import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// A fresh directory under the system temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let path: FilePathBytes

    /// - Parameter base: where to make it; `/dev/shm` (memory) for tests that fsync thousands of
    ///   times, where a disk's flushes would dominate.
    init(base: String = "/tmp") {
        var template = Array("\(base)/aisearch-sync-state-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = FilePathBytes(template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) })
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path.description)
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path.appending(FilePathBytes(name)).description))
    }

    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path.appending(FilePathBytes(name)).description)))
    }

    func names() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: path.description))
    }
}

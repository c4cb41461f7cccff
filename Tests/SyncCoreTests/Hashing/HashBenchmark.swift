import Foundation
import Glibc
import Hashing
import LinuxSystem
import SyncCore
import Testing

/// Throughput of our hashing, for `scripts/bench-hash`. Not a test of correctness and never a
/// wall-clock assertion: it runs only when `AISEARCH_BENCH=1` and only prints figures.
/// `AISEARCH_BENCH_DIR` names the tree to hash (every regular file below it).
@Suite struct HashBenchmark {
    static let isEnabled = ProcessInfo.processInfo.environment["AISEARCH_BENCH"] == "1"

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        try body()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    @Test(.enabled(if: isEnabled, "set AISEARCH_BENCH=1 (scripts/bench-hash does)"))
    func hashThroughputOverATree() throws {
        let root = try #require(ProcessInfo.processInfo.environment["AISEARCH_BENCH_DIR"], "AISEARCH_BENCH_DIR is not set")
        var files: [FilePathBytes] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        for case let relative as String in enumerator {
            let path = root + "/" + relative
            if (try? FileStatus.of(FilePathBytes(path)))?.kind == .regular { files.append(FilePathBytes(path)) }
        }
        files.sort()
        let bufferSize = Int(ProcessInfo.processInfo.environment["AISEARCH_BENCH_BUFFER"] ?? "") ?? FileHasher.defaultBufferSize
        var hasher = FileHasher(bufferSize: bufferSize)
        print("BENCH buffer bytes=\(bufferSize)")
        let rounds = Int(ProcessInfo.processInfo.environment["AISEARCH_BENCH_ROUNDS"] ?? "3") ?? 3
        for algorithms in [[ChecksumAlgorithm.sha256], [.sha256, .md5, .sha1]] as [Set<ChecksumAlgorithm>] {
            var best = Double.infinity
            var bytes: Int64 = 0
            for _ in 0..<rounds {
                bytes = 0
                let elapsed = try Self.seconds {
                    for file in files { bytes += try hasher.hash(file, algorithms: algorithms).byteCount }
                }
                best = min(best, elapsed)
            }
            let label = algorithms.count == 1 ? "sha256" : "sha256+md5+sha1"
            print("BENCH files algorithms=\(label) files=\(files.count) bytes=\(bytes) seconds=\(best) MBps=\(Int(Double(bytes) / best / 1e6))")
        }
        // The compression functions alone, from memory (no system calls, no page cache).
        let size = 256 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        for index in 0..<size { buffer[index] = UInt8(truncatingIfNeeded: index &* 131 &+ (index >> 11)) }
        let input = UnsafeRawBufferPointer(buffer)
        let memory: [(String, () -> Void)] = [
            ("sha256", { var h = SHA256(); h.update(input); _ = h.finalize() }),
            ("md5", { var h = MD5(); h.update(input); _ = h.finalize() }),
            ("sha1", { var h = SHA1(); h.update(input); _ = h.finalize() }),
        ]
        for (name, run) in memory {
            var best = Double.infinity
            for _ in 0..<rounds { best = min(best, Self.seconds(run)) }
            print("BENCH memory algorithm=\(name) bytes=\(size) seconds=\(best) MBps=\(Int(Double(size) / best / 1e6))")
        }
    }
}

import Hashing
import Foundation
import TestSupport
import LinuxSystem

/// Helpers shared by the hashing, keys and eligibility tests (namespaced so they cannot clash
/// with other test files in this target).
enum HashingFixtures {
    /// A fresh directory under the system temporary directory, removed by `remove()`.
    struct ScratchDirectory {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "aisearch-sync-hashing-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func file(_ name: String) -> String { path + "/" + name }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    static func randomBytes(_ count: Int, using generator: inout Hashing.SeededGenerator) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        return bytes
    }

    /// Runs `tool` with `arguments` and returns the first word of its standard output (the digest
    /// column of `sha256sum` and friends).
    static func firstWord(ofRunning tool: String, _ arguments: [String]) async throws -> String {
        let text = try await runChildProcess("/usr/bin/env", [tool] + arguments, mergingErrors: false).output
        return String(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first ?? "")
    }
}

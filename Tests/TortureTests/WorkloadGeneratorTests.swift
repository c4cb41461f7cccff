import Foundation
import Testing
@testable import Torture

@Suite struct WorkloadGeneratorTests {
    /// Small enough to write to a temporary folder in a test, with a burst in round 2.
    static var shape: WorkloadShape {
        var shape = WorkloadShape()
        shape.initialFiles = 30
        shape.operationsPerRound = 40
        shape.burstEvery = 2
        shape.burstFiller = 50
        shape.burstEligible = 5...10
        return shape
    }

    static func operations(seed: UInt64, rounds: Int = 4) -> [[TortureOperation]] {
        var generator = WorkloadGenerator(seed: seed, shape: shape)
        return [generator.initialOperations()] + (1...rounds).map { generator.round($0) }
    }

    @Test func sameSeedGivesTheSameOperations() {
        #expect(Self.operations(seed: 11) == Self.operations(seed: 11))
        #expect(Self.operations(seed: 11) != Self.operations(seed: 12))
    }

    @Test func everyRoundStartsAndEndsWithTheAgentRunningAndKillsItAtLeastOnce() {
        for round in Self.operations(seed: 3).dropFirst() {
            var running = true
            for operation in round {
                if operation == .killAgent { #expect(running); running = false }
                if operation == .startAgent { #expect(!running); running = true }
            }
            #expect(running)
            #expect(round.contains(.killAgent))
        }
    }

    @Test func burstsComeEveryBurstEveryRoundsWithTheAgentRunning() {
        let rounds = Self.operations(seed: 5).dropFirst()
        let withBursts = rounds.enumerated().filter { $0.element.contains { $0.kind == .burst } }.map { $0.offset + 1 }
        #expect(withBursts == [2, 4])
    }

    @Test func skippedKindsAreNeverMade() {
        var shape = Self.shape
        shape.skippedKinds = [.fileToDirectory, .swap, .edit]
        var generator = WorkloadGenerator(seed: 8, shape: shape)
        let operations = generator.initialOperations() + (1...6).flatMap { generator.round($0) }
        #expect(!operations.contains { shape.skippedKinds.contains($0.kind) })
        #expect(operations.contains { $0.kind == .append })
    }

    @Test func writingTheOperationsToAFolderGivesTheModelsFiles() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("torture-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/root", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/parking", withIntermediateDirectories: true)
        let writer = FolderWriter(root: work + "/root", parking: work + "/parking")
        var generator = WorkloadGenerator(seed: 99, shape: Self.shape)
        for operation in generator.initialOperations() { try writer.apply(operation) }
        for number in 1...6 {
            for operation in generator.round(number) { try writer.apply(operation) }
            #expect(try FolderSnapshot.read(root: writer.root) == generator.model.files, "round \(number)")
        }
        #expect(generator.model.files.values.allSatisfy { !$0.isEmpty && $0.count < 1_000_000 })
    }
}

import Emulator

/// Injected faults as the emulator's request counts show them (`/__emulator/stats`): answers
/// with status 429, 500, 502, 503, and 0 for a reset connection. Slowed answers carry no status
/// of their own, so they are not counted here.
public struct FaultTally: Sendable, Hashable {
    public var byStatus: [Int: Int] = [:]

    public init(counts: [RequestCount] = []) {
        for count in counts where Self.faultStatuses.contains(count.status) { byStatus[count.status, default: 0] += count.count }
    }

    static let faultStatuses: Set<Int> = [0, 429, 500, 502, 503]

    public var total: Int { byStatus.values.reduce(0, +) }

    public static func + (lhs: FaultTally, rhs: FaultTally) -> FaultTally {
        var sum = lhs
        sum.byStatus.merge(rhs.byStatus, uniquingKeysWith: +)
        return sum
    }

    /// `429: 12, 500: 3, 502: 4, 503: 2, reset: 5`.
    public var breakdown: String {
        Self.faultStatuses.sorted { ($0 == 0 ? 1_000 : $0) < ($1 == 0 ? 1_000 : $1) }
            .map { "\($0 == 0 ? "reset" : String($0)): \(byStatus[$0] ?? 0)" }.joined(separator: ", ")
    }
}

/// What one round did and found.
public struct RoundResult: Sendable {
    public var number: Int
    public var operations: [OperationKind: Int] = [:]
    public var burstFiles = 0
    public var faults = FaultTally()
    /// API requests the emulator saw in the round, the checker's own listing and downloads included.
    public var requests = 0
    public var kills = 0
    /// Seconds from the end of the workload until the instance equalled the folder; nil: never.
    public var secondsToQuiescence: Double?
    public var divergences: [Divergence] = []
    /// Differences between the folder and the generator's model: a bug in the torture itself.
    public var modelMismatches: [Divergence] = []

    public init(number: Int) { self.number = number }

    public var operationCount: Int { operations.filter { $0.key != .pause }.values.reduce(0, +) }
}

/// The whole run: rounds, totals, and the verdict.
public struct TortureReport: Sendable {
    public var seed: UInt64
    public var rounds: [RoundResult] = []
    public var agent = AgentSupervisor.Counts()
    /// The agent's exit status after the final SIGTERM; nil if it was not running any more or had
    /// to be killed.
    public var finalExitStatus: Int32?
    /// "rescan:" lines in the agent logs: rescans (after an inotify queue overflow) that changed
    /// something. A lower bound: an agent killed in the middle of a rescan never logs it.
    public var overflowRescans = 0
    public var queueSize = 0
    public var workDirectory = ""

    public init(seed: UInt64) { self.seed = seed }

    public var divergenceCount: Int { rounds.reduce(0) { $0 + $1.divergences.count } }
    public var modelMismatchCount: Int { rounds.reduce(0) { $0 + $1.modelMismatches.count } }

    /// Passed: no divergence, the torture agrees with itself, and the agent never died on its own
    /// and stopped cleanly on SIGTERM.
    public var passed: Bool {
        divergenceCount == 0 && modelMismatchCount == 0 && agent.unexpectedExits.isEmpty && finalExitStatus == 0
    }

    /// The line printed after each round.
    public static func progressLine(_ round: RoundResult, of total: Int?) -> String {
        let quiet = round.secondsToQuiescence.map { "quiescent after \(String(format: "%.1f", $0)) s" } ?? "NOT quiescent"
        let burst = round.burstFiles > 0 ? " (burst of \(round.burstFiles) files)" : ""
        return "round \(round.number)\(total.map { "/\($0)" } ?? ""): \(round.operationCount) ops\(burst), \(round.kills) kill(s), "
            + "\(round.faults.total) faults [\(round.faults.breakdown)], \(round.requests) requests, \(quiet), "
            + "\(round.divergences.count) divergence(s)"
    }

    /// The final table.
    public var summary: String {
        var operations: [OperationKind: Int] = [:]
        for round in rounds { operations.merge(round.operations, uniquingKeysWith: +) }
        let faults = rounds.reduce(FaultTally()) { $0 + $1.faults }
        var rows: [(String, String)] = [
            ("seed", "\(seed)"),
            ("rounds run", "\(rounds.count)"),
            ("operations", "\(rounds.reduce(0) { $0 + $1.operationCount })"),
        ]
        for kind in OperationKind.allCases where kind != .pause && operations[kind, default: 0] > 0 {
            rows.append(("  \(kind.rawValue)", "\(operations[kind]!)"))
        }
        rows += [
            ("files written by bursts", "\(rounds.reduce(0) { $0 + $1.burstFiles }) (inotify queue: \(queueSize) events)"),
            ("rescans logged by the agent", "\(overflowRescans) (a lower bound: a rescan cut short by SIGKILL is not logged)"),
            ("faults injected", "\(faults.total) (\(faults.breakdown))"),
            ("API requests", "\(rounds.reduce(0) { $0 + $1.requests }) (checker's included)"),
            ("kills (SIGKILL)", "\(agent.kills)"),
            ("restarts", "\(max(0, agent.starts - 1))"),
            ("unexpected agent exits", "\(agent.unexpectedExits.count)"),
            ("final SIGTERM exit status", finalExitStatus.map { "\($0)" } ?? "none (the agent had died, or ignored SIGTERM for 30 s)"),
            ("slowest quiescence", rounds.compactMap(\.secondsToQuiescence).max().map { String(format: "%.1f s", $0) } ?? "-"),
            ("divergences", "\(divergenceCount)"),
        ]
        if modelMismatchCount > 0 { rows.append(("torture self-check mismatches", "\(modelMismatchCount)")) }
        let width = rows.map(\.0.count).max() ?? 0
        var lines = ["", "aisearch-torture summary"] + rows.map { "  " + $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }
        for round in rounds where !round.divergences.isEmpty || !round.modelMismatches.isEmpty {
            lines.append("round \(round.number):")
            lines += round.divergences.map { "  divergence: \($0)" }
            lines += round.modelMismatches.map { "  folder vs model: \($0)" }
        }
        lines += agent.unexpectedExits.map { "unexpected exit: \($0)" }
        lines.append(passed ? "PASS" : "FAIL (work folder kept: \(workDirectory))")
        return lines.joined(separator: "\n")
    }
}

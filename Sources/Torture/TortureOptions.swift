import Emulator
import Foundation

/// `aisearch-torture`'s command line, parsed by hand (the package has no argument-parser
/// dependency, and the CLI target's parser is the agent's, not ours).
public struct TortureOptions: Sendable {
    public var seed: UInt64
    /// Run this many rounds; nil with `duration` set: as many as fit.
    public var rounds: Int?
    /// Start no new round after this much time.
    public var duration: Duration?
    public var agentPath: String
    public var shape = WorkloadShape()
    /// Keep the work folder (root, state, agent logs) even when the run passes.
    public var keep = false
    public var checksumMode: EmulatorConfiguration.ChecksumMode = .sha256
    /// The longest wait for the instance to equal the folder after a round.
    public var quiescenceTimeout: Duration = .seconds(90)
    /// Faults on for the workload; off (`--no-faults`) to tell fault-handling bugs from others.
    public var faultsEnabled = true
    /// `--r2`: the instance reads an R2 bucket on the emulator; the agent writes the bucket and
    /// indexes each key, and both the bucket and the index must equal the folder.
    public var r2 = false

    public init(seed: UInt64, rounds: Int? = nil, duration: Duration? = nil, agentPath: String) {
        self.seed = seed
        self.rounds = rounds
        self.duration = duration
        self.agentPath = agentPath
    }

    public static let usage = """
        USAGE: aisearch-torture [--seed N] [--rounds R | --duration 10m] [--agent PATH] [--files N] [--ops N]
                                [--burst-every N] [--checksum sha256|md5|opaque] [--quiescence-timeout 90s]
                                [--skip KIND,...] [--no-faults] [--r2] [--keep]

        Runs the aisearch-sync agent against an in-process emulator with a random, seeded workload:
        file operations, overflow bursts, injected API faults and SIGKILL restarts. After every round
        it waits for the instance to equal the folder and compares them byte for byte.
        Exit status 0 only when no divergence was found.

          --seed N               Workload, fault and kill placement seed (default: random, printed).
          --rounds R             Rounds to run (default 5 unless --duration is given).
          --duration D           Start rounds until D has passed (e.g. 90s, 10m, 1h).
          --agent PATH           The agent binary (default: aisearch-sync beside this executable).
          --files N              Files before the first round (default 100).
          --ops N                Operations per round, ±50 % (default 80).
          --burst-every N        An inotify-overflow burst every N rounds; 0: never (default 3).
          --checksum MODE        The emulator's checksum mode (default sha256).
          --quiescence-timeout D Longest wait for the instance to catch up after a round (default 90s).
          --skip KIND,...        File operations never to make, e.g. file-to-dir (kinds as in the summary).
          --no-faults            Inject no API faults.
          --r2                   An R2-backed instance: the agent writes the emulator's bucket over S3 and
                                 indexes each key; the bucket and the index must both equal the folder.
          --keep                 Keep the work folder even when the run passes.
        """

    /// Parses `arguments` (without the program name). `agentPath` is the default for `--agent`.
    public static func parse(_ arguments: [String], defaultAgentPath: String) throws(TortureUsageError) -> TortureOptions {
        var options = TortureOptions(seed: UInt64.random(in: 1...999_999), agentPath: defaultAgentPath)
        var remaining = arguments[...]
        func value(_ flag: String) throws(TortureUsageError) -> String {
            guard let next = remaining.popFirst() else { throw TortureUsageError("\(flag) needs a value") }
            return next
        }
        func integer(_ flag: String, _ range: ClosedRange<Int>) throws(TortureUsageError) -> Int {
            let text = try value(flag)
            guard let number = Int(text), range.contains(number) else {
                throw TortureUsageError("\(flag) must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
            }
            return number
        }
        while let flag = remaining.popFirst() {
            switch flag {
            case "--seed":
                let text = try value(flag)
                guard let seed = UInt64(text) else { throw TortureUsageError("--seed must be a non-negative whole number, not '\(text)'") }
                options.seed = seed
            case "--rounds": options.rounds = try integer(flag, 1...100_000)
            case "--duration": options.duration = try duration(flag, try value(flag))
            case "--agent": options.agentPath = try value(flag)
            case "--files": options.shape.initialFiles = try integer(flag, 0...100_000)
            case "--ops": options.shape.operationsPerRound = try integer(flag, 1...100_000)
            case "--burst-every": options.shape.burstEvery = try integer(flag, 0...100_000)
            case "--checksum":
                let text = try value(flag)
                guard let mode = EmulatorConfiguration.ChecksumMode(rawValue: text) else {
                    throw TortureUsageError("--checksum must be sha256, md5 or opaque, not '\(text)'")
                }
                options.checksumMode = mode
            case "--quiescence-timeout": options.quiescenceTimeout = try duration(flag, try value(flag))
            case "--skip":
                for name in try value(flag).split(separator: ",") {
                    guard let kind = OperationKind(rawValue: String(name)) else {
                        throw TortureUsageError("--skip takes operation kinds (\(OperationKind.allCases.map(\.rawValue).joined(separator: ", "))), not '\(name)'")
                    }
                    options.shape.skippedKinds.insert(kind)
                }
            case "--no-faults": options.faultsEnabled = false
            case "--r2": options.r2 = true
            case "--keep": options.keep = true
            case "-h", "--help": throw TortureUsageError(nil)
            default: throw TortureUsageError("unknown argument '\(flag)'")
            }
        }
        if options.rounds == nil, options.duration == nil { options.rounds = 5 }
        guard FileManager.default.isExecutableFile(atPath: options.agentPath) else {
            throw TortureUsageError("no agent binary at \(options.agentPath); build it (swift build --product aisearch-sync) or pass --agent PATH")
        }
        return options
    }

    /// `500ms`, `90s`, `10m`, `1h`.
    static func duration(_ flag: String, _ text: String) throws(TortureUsageError) -> Duration {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            if let number = Int64(text.dropLast(suffix.count)), number > 0 { return .milliseconds(number * milliseconds) }
        }
        throw TortureUsageError("\(flag) must be a positive number with ms, s, m or h (e.g. 90s, 10m), not '\(text)'")
    }
}

/// A bad command line: the message (nil for `--help`) and, always, the usage.
public struct TortureUsageError: Error, Sendable {
    public let message: String?
    public init(_ message: String?) { self.message = message }
}

/// How big a workload is. The defaults keep a round well inside the agent's own request budget
/// (1,200 per 5 minutes per process) even with retries under faults.
public struct WorkloadShape: Sendable, Hashable {
    /// Files made before the agent first starts.
    public var initialFiles = 100
    /// Operations per round, before the ±50 % the generator adds.
    public var operationsPerRound = 80
    /// Every this many rounds (the last of each group) has an overflow burst; 0: never.
    public var burstEvery = 3
    /// Ineligible files per burst. Each file costs the kernel queue three events (create, modify,
    /// close-write), so `max_queued_events / 2` overflows it with room to spare.
    public var burstFiller = 8_448
    /// Eligible files per burst: they stay and must be uploaded.
    public var burstEligible = 40...120
    /// Kills per round (each followed by a restart a few operations later).
    public var killsPerRound = 1...2
    /// Above this many files deletes are preferred, so the tree does not grow without bound.
    public var maximumFiles = 400
    /// File operations never chosen (to tell one known bug from the rest). A create is still made
    /// when nothing else applies.
    public var skippedKinds: Set<OperationKind> = []

    public init() {}

    /// A burst that overflows a queue of `maxQueuedEvents` events.
    public static func filler(forQueueSize maxQueuedEvents: Int) -> Int { maxQueuedEvents / 2 + 256 }
}

/// Makes the operations of a torture run from a seed: `initialOperations()` once, then
/// `round(_:)` per round. A pure function of the seed, the shape and the calls made so far: two
/// generators built alike produce the same lists, whatever the timing of the run.
public struct WorkloadGenerator: Sendable {
    public let shape: WorkloadShape
    public private(set) var model: FolderModel
    private var random: SplitMix64
    private var counter = 0

    public init(seed: UInt64, shape: WorkloadShape = WorkloadShape()) {
        self.shape = shape
        random = SplitMix64(seed: seed)
        model = FolderModel(anchors: (0..<6).map { "d\($0)" })
    }

    /// The starting tree: files spread over the anchors and a few nested directories, then the
    /// agent's first start.
    public mutating func initialOperations() -> [TortureOperation] {
        var operations: [TortureOperation] = []
        for _ in 0..<shape.initialFiles {
            let directory = random.chance(0.3) ? "\(random.pick(model.anchors)!)/\(newName("t"))" : random.pick(model.anchors)!
            operations.append(record(.create(path: "\(directory)/\(newFileName())", content: text())))
        }
        operations.append(record(.startAgent))
        return operations
    }

    /// The operations of round `number` (1-based). The agent is running at the start and the end.
    public mutating func round(_ number: Int) -> [TortureOperation] {
        var operations: [TortureOperation] = []
        let count = max(4, shape.operationsPerRound / 2 + random.int(in: 0...shape.operationsPerRound))
        let kills = random.int(in: shape.killsPerRound)
        let killAt = Set((0..<kills).map { _ in random.int(in: 0...(count - 1)) })
        var restartAt: Int?
        var burstAt = shape.burstEvery > 0 && number % shape.burstEvery == 0 ? random.int(in: 0...(count - 1)) : nil
        let fillerAt = model.filler.isEmpty ? nil : random.int(in: 0...(count - 1))
        for index in 0..<count {
            if killAt.contains(index), model.isAgentRunning {
                operations.append(record(.killAgent))
                restartAt = index + random.int(in: 0...8)
            }
            if let at = restartAt, at <= index, !model.isAgentRunning {
                operations.append(record(.startAgent))
                restartAt = nil
            }
            if index == fillerAt { operations.append(record(.removeFiller(paths: model.filler))) }
            if let at = burstAt, at <= index, model.isAgentRunning {
                operations += burstWithAftermath()
                burstAt = nil
            }
            operations.append(record(nextChange()))
            if random.chance(0.3) {
                operations.append(record(.pause(milliseconds: random.chance(0.1) ? random.int(in: 300...1500) : random.int(in: 1...150))))
            }
        }
        if !model.isAgentRunning { operations.append(record(.startAgent)) }
        if burstAt != nil { operations += burstWithAftermath() }
        // Half the rounds also kill the agent while it catches up with the last changes.
        if random.chance(0.5) {
            operations += [record(.pause(milliseconds: random.int(in: 0...400))), record(.killAgent), record(.startAgent)]
        }
        return operations
    }

    /// A burst while the agent runs (it is stopped for it), then time for the agent to meet the
    /// overflow and rescan before anything else, a kill above all, can happen.
    private mutating func burstWithAftermath() -> [TortureOperation] {
        [record(makeBurst()), record(.pause(milliseconds: random.int(in: 1_500...3_000)))]
    }

    private mutating func record(_ operation: TortureOperation) -> TortureOperation {
        model.apply(operation)
        return operation
    }

    // MARK: Choosing a change

    /// The file operations a round draws from, with their relative weights (order matters: it is
    /// part of what a seed replays).
    private static let changeWeights: [(kind: OperationKind, weight: Int)] = [
        (.create, 18), (.edit, 14), (.append, 12), (.truncate, 7), (.atomicSave, 12), (.rename, 10),
        (.renameDirectory, 2), (.copy, 4), (.swap, 3), (.fileToDirectory, 1), (.delete, 9), (.deleteDirectory, 1),
        (.moveDirectoryOut, 3), (.moveDirectoryIn, 4),
    ]

    private mutating func nextChange() -> TortureOperation {
        var choice = weightedChoice()
        if model.files.count > shape.maximumFiles, [.create, .copy, .moveDirectoryIn].contains(choice), !shape.skippedKinds.contains(.delete) {
            choice = .delete
        }
        if let operation = change(for: choice) { return operation }
        return .create(path: joined(randomDirectory(), newFileName()), content: text())
    }

    private mutating func weightedChoice() -> OperationKind {
        let choices = Self.changeWeights.filter { !shape.skippedKinds.contains($0.kind) }
        guard !choices.isEmpty else { return .create }
        var draw = random.int(in: 0...(choices.reduce(0) { $0 + $1.weight } - 1))
        for choice in choices {
            if draw < choice.weight { return choice.kind }
            draw -= choice.weight
        }
        return .create
    }

    /// The operation for `choice`, or nil when it has nothing to act on (then a create is made).
    private mutating func change(for choice: OperationKind) -> TortureOperation? {
        let files = model.files.keys.sorted()
        switch choice {
        case .create:
            let directory = random.chance(0.2) ? joined(randomDirectory(), newName("t")) : randomDirectory()
            return .create(path: joined(directory, newFileName()), content: text())
        case .edit:
            return random.pick(files).map { .edit(path: $0, content: text()) }
        case .append:
            return random.pick(files).map { .append(path: $0, bytes: text(size: random.int(in: 1...2_000))) }
        case .truncate:
            guard let path = random.pick(files.filter { model.files[$0]!.count > 1 }) else { return nil }
            return .truncate(path: path, length: random.int(in: 1...(model.files[path]!.count - 1)))
        case .atomicSave:
            guard let path = random.pick(files) else { return nil }
            let name = path.split(separator: "/").last!
            let temporary = String(path.dropLast(name.count)) + ".\(name).\(newName("s")).tmp"
            return .atomicSave(path: path, temporary: temporary, content: text())
        case .rename:
            guard let from = random.pick(files) else { return nil }
            if random.chance(0.15), let over = random.pick(files.filter { $0 != from }) { return .rename(from: from, to: over) }
            return .rename(from: from, to: joined(randomDirectory(), newFileName()))
        case .renameDirectory:
            guard let from = random.pick(model.movableDirectories) else { return nil }
            let targets = (model.directories.sorted() + [""]).filter { $0 != from && !$0.hasPrefix(from + "/") }
            let parent = random.pick(targets)!
            return .renameDirectory(from: from, to: joined(parent, newName("t")))
        case .copy:
            guard let from = random.pick(files) else { return nil }
            return .copy(from: from, to: joined(randomDirectory(), newFileName()), content: model.files[from]!)
        case .swap:
            guard let first = random.pick(files), let second = random.pick(files.filter { $0 != first }) else { return nil }
            return .swap(first: first, second: second, temporary: first + ".\(newName("w")).tmp")
        case .fileToDirectory:
            return random.pick(files).map { .replaceFileWithDirectory(path: $0, file: newFileName(), content: text()) }
        case .delete:
            return random.pick(files).map { .delete(path: $0) }
        case .deleteDirectory:
            return random.pick(model.movableDirectories).map { .deleteDirectory(path: $0) }
        case .moveDirectoryOut:
            return random.pick(model.movableDirectories).map { .moveDirectoryOut(path: $0, parking: newName("p")) }
        case .moveDirectoryIn:
            let destination = joined(randomDirectory(), newName("t"))
            if random.chance(0.6), let parking = random.pick(model.parked.keys.sorted()) {
                return .moveDirectoryIn(parking: parking, path: destination, freshFiles: [:])
            }
            var fresh: [String: [UInt8]] = [:]
            for _ in 0..<random.int(in: 1...6) {
                fresh[(random.chance(0.4) ? newName("t") + "/" : "") + newFileName()] = text()
            }
            return .moveDirectoryIn(parking: newName("p"), path: destination, freshFiles: fresh)
        case .burst, .removeFiller, .kill, .start, .pause:
            return nil  // not file changes: the round places these itself
        }
    }

    private mutating func makeBurst() -> TortureOperation {
        var files: [String: [UInt8]] = [:]
        for _ in 0..<random.int(in: shape.burstEligible) {
            files["\(random.pick(model.anchors)!)/\(newFileName())"] = text(size: random.int(in: 10...400))
        }
        let filler = (0..<shape.burstFiller).map { "\(model.anchors[$0 % model.anchors.count])/\(newName("x")).bin" }
        return .burst(files: files, filler: filler)
    }

    // MARK: Names and content

    /// An existing directory, or (as "") the root itself.
    private mutating func randomDirectory() -> String { random.pick([""] + model.directories.sorted())! }

    /// `directory/name`, or `name` in the root.
    private func joined(_ directory: String, _ name: String) -> String { directory.isEmpty ? name : directory + "/" + name }

    private mutating func newName(_ letter: String) -> String {
        counter += 1
        return "\(letter)\(counter)"
    }

    private mutating func newFileName() -> String { newName("f") + (random.chance(0.7) ? ".md" : ".txt") }

    private static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "index",
                                "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
                                "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu"]

    /// Non-empty text, mostly small, sometimes up to 200 KB (always far below the 1 MB we promise
    /// the caller and the 4 MB the API takes).
    private mutating func text(size: Int? = nil) -> [UInt8] {
        let target = size ?? (random.chance(0.7) ? random.int(in: 20...800)
            : random.chance(0.85) ? random.int(in: 800...16_000) : random.int(in: 16_000...200_000))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(target + 16)
        while bytes.count < target {
            bytes += Array(random.pick(Self.words)!.utf8)
            bytes.append(random.chance(0.1) ? UInt8(ascii: "\n") : UInt8(ascii: " "))
        }
        return Array(bytes.prefix(target))
    }
}

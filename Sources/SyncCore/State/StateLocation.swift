import LinuxSystem

/// Where an instance's state lives: outside the watched tree, one directory per
/// account/namespace/instance, so two agents for different instances never share a file.
public struct StateLocation: Hashable, Sendable {
    /// The snapshot (format 3, partly binary: see `StateFileCodec`).
    public static let fileName: FilePathBytes = "state.snapshot"
    /// Where formats 1 and 2 (all JSON) kept the snapshot: read once, then replaced by `fileName`.
    public static let legacyFileName: FilePathBytes = "state.json"
    public static let lockFileName: FilePathBytes = "lock"

    /// The directory holding the state (mode 0700 when the agent creates it).
    public var directory: FilePathBytes

    public init(directory: FilePathBytes) { self.directory = directory }

    public var stateFile: FilePathBytes { directory.appending(Self.fileName) }
    public var legacyStateFile: FilePathBytes { directory.appending(Self.legacyFileName) }
    public var lockFile: FilePathBytes { directory.appending(Self.lockFileName) }
    /// Exists while an agent has the state open (see `StateLoadResult.previousRunInterrupted`).
    /// The append-only journal of changes since `stateFile` was written (see `StateJournal`).
    public var journalFile: FilePathBytes { directory.appending("state.journal") }
    public var runningMarker: FilePathBytes { directory.appending("running") }

    /// The explicit `override` directory when given; otherwise
    /// `$XDG_STATE_HOME/aisearch-sync/<account>/<namespace>/<instance>`, with `XDG_STATE_HOME`
    /// defaulting to `$HOME/.local/state` when unset, empty or relative (the XDG spec says a
    /// relative value is invalid and must be ignored).
    public static func resolve(environment: [String: String], account: String, namespace: String,
                               instance: String, override: FilePathBytes? = nil) throws(StateLocationError) -> StateLocation {
        if let override {
            guard !override.isEmpty else { throw .emptyOverride }
            return StateLocation(directory: override)
        }
        for (name, value) in [("account", account), ("namespace", namespace), ("instance", instance)] {
            guard isSafeComponent(value) else { throw .unsafeComponent(name: name, value: value) }
        }
        let base: FilePathBytes
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            base = FilePathBytes(xdg)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = FilePathBytes(home).appending(".local/state")
        } else {
            throw .noHome
        }
        let directory = base.appending("aisearch-sync").appending(FilePathBytes(account))
            .appending(FilePathBytes(namespace)).appending(FilePathBytes(instance))
        return StateLocation(directory: directory)
    }

    private static func isSafeComponent(_ value: String) -> Bool {
        !value.isEmpty && value != "." && value != ".." && !value.utf8.contains(UInt8(ascii: "/")) && !value.utf8.contains(0)
    }
}

/// Why no state directory could be chosen.
public enum StateLocationError: Error, Hashable, Sendable, CustomStringConvertible {
    case noHome
    case emptyOverride
    case unsafeComponent(name: String, value: String)

    public var description: String {
        switch self {
        case .noHome:
            "cannot place the state: neither XDG_STATE_HOME nor HOME is an absolute path; set one or pass --state-dir"
        case .emptyOverride:
            "--state-dir is empty; give a directory path"
        case .unsafeComponent(let name, let value):
            "the \(name) \"\(value)\" cannot name a state directory (empty, '.', '..' or contains '/'); pass --state-dir"
        }
    }
}

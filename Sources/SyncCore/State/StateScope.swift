/// Which instance a state file belongs to. A state file records its scope, and a file whose scope
/// differs from the one the agent runs for is never used (see `StateFileProblem.foreign`).
public struct StateScope: Hashable, Sendable, Codable, CustomStringConvertible {
    public var account: String
    public var namespace: String
    public var instance: String

    public init(account: String, namespace: String, instance: String) {
        self.account = account
        self.namespace = namespace
        self.instance = instance
    }

    /// `account/namespace/instance`, as in the default state path.
    public var description: String { "\(account)/\(namespace)/\(instance)" }
}

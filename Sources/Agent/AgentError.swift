/// A setup or run-time problem the agent explains in one line: what is wrong, with what, and
/// (in `hint`) what to do. The CLI turns `kind` into the exit status.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A value given by the user cannot be used (a prefix, a flag's value).
        case usage
        /// The configuration does not match the world: no such instance, credentials refused.
        case configuration
        /// The local state cannot be used: locked by another agent, unreadable, unwritable.
        case localState
        /// The remote side ended the run (the instance was deleted while watching).
        case remote
    }

    public var kind: Kind
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String { message }
}

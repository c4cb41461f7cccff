import AISearchAPI
import LinuxSystem
import SyncCore

/// What the agent does about a failed round: retry it later (an outage, a full disk), or stop
/// (nothing will change without a person). Retryable failures back off and resume by themselves;
/// fatal ones end the process with a non-zero exit and one line saying what to do.
public enum FailureVerdict: Sendable, Equatable {
    case retryable(reason: String)
    case fatal(AgentError)

    /// Classifies `error` from a round of `instance`. Cancellation is not a failure and is not
    /// classified (callers rethrow it first).
    public static func classify(_ error: any Error, instance: String) -> FailureVerdict {
        switch error {
        case let error as AgentError:
            return .fatal(error)
        case let error as APIError:
            switch error.status {
            case 401, 403:
                return .fatal(AgentError(.configuration, "the API refused the credentials (\(error.status)) for instance '\(instance)': \(error)",
                                         hint: "Fix the token (it needs AI Search Edit and Run on this account) and start the agent again."))
            case 404:
                return .fatal(AgentError(.remote, "instance '\(instance)' no longer exists (the API answered 404 to its listing)",
                                         hint: "Create it again (aisearch-sync instances create \(instance)) or remove this sync, then start the agent again."))
            default:
                return .retryable(reason: "\(error)")
            }
        case let error as StateStoreError:
            switch error {
            case .io(let system): return verdict(for: system)
            case .locked, .notLoaded: return .fatal(AgentError(.localState, "\(error)"))
            }
        case let error as SystemError:
            return verdict(for: error)
        default:
            // Transport failures (no answer, reset, timeout) and anything unforeseen: try again.
            return .retryable(reason: String(describing: error))
        }
    }

    /// A full disk, a quota or an I/O error may pass; a read-only or forbidden state directory
    /// will not without a person.
    private static func verdict(for error: SystemError) -> FailureVerdict {
        if [Errno.noSpace, .ioError, .quotaExceeded, .interrupted, .wouldBlock].contains(error.errno) {
            return .retryable(reason: "the state could not be written: \(error)")
        }
        return .fatal(AgentError(.localState, "the state directory is unusable: \(error)",
                                 hint: "Make it writable (or pass another --state-dir) and start the agent again."))
    }
}

/// Capped exponential backoff: `initial`, doubling, never above `maximum`; `reset()` after a
/// success.
public struct Backoff: Sendable, Equatable {
    public let initial: Duration
    public let maximum: Duration
    private var current: Duration?

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait before the next attempt; each call doubles the following one.
    public mutating func next() -> Duration {
        let delay = current.map { min($0 * 2, maximum) } ?? initial
        current = delay
        return delay
    }

    public mutating func reset() { current = nil }
}

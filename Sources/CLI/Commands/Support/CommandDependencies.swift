#if canImport(Glibc)
import Glibc
#endif
import AISearchAPI
import LinuxSystem
import Synchronization

/// What the API commands need from outside the process, in one value: the seam tests use.
///
/// Production passes `.live` (the real network, the real standard input and output); tests pass
/// `CommandDependencies(transport:)` with a fake `HTTPTransport` and scripted answers. The command
/// tree captures the value it was built with (`RootCommand.spec(dependencies:extraCommands:)`), so
/// nothing global is consulted at run time and tests may run in parallel.
public struct CommandDependencies: Sendable {
    /// Turns the configuration the flags and environment produced into a client. Production builds
    /// an `AISearchClient` over `URLSessionTransport`; tests hand it a fake transport.
    public var makeClient: @Sendable (ClientConfiguration) -> AISearchClient
    /// Whether standard input is a terminal a person can answer a confirmation on.
    public var isInputInteractive: @Sendable () -> Bool
    /// One line of standard input without its newline, or `nil` at end of input.
    public var readAnswer: @Sendable () -> String?
    /// Writes raw bytes (a downloaded file) to standard output. The terminal is passed so a test
    /// implementation can capture the bytes where it captures text; the live one writes to
    /// descriptor 1 directly, since `Terminal` carries text only.
    public var writeBytes: @Sendable ([UInt8], any Terminal) throws -> Void

    public init(makeClient: @escaping @Sendable (ClientConfiguration) -> AISearchClient,
                isInputInteractive: @escaping @Sendable () -> Bool,
                readAnswer: @escaping @Sendable () -> String?,
                writeBytes: @escaping @Sendable ([UInt8], any Terminal) throws -> Void) {
        self.makeClient = makeClient
        self.isInputInteractive = isInputInteractive
        self.readAnswer = readAnswer
        self.writeBytes = writeBytes
    }

    /// For tests: every client sends through `transport` (with a fixed multipart boundary and no
    /// retry waits), standard input is a TTY when `isInputInteractive` and answers from `answers`
    /// in order, and downloaded bytes are written to the terminal as (lossy) UTF-8 text.
    public init(transport: any HTTPTransport, isInputInteractive: Bool = false, answers: [String] = [],
                multipartBoundary: String = "aisearch-sync-test-boundary") {
        let queue = AnswerQueue(answers)
        self.init(
            makeClient: { configuration in
                var configuration = configuration
                configuration.retryPolicy = .none
                return AISearchClient(configuration: configuration, transport: transport,
                                      multipartBoundary: { multipartBoundary })
            },
            isInputInteractive: { isInputInteractive },
            readAnswer: { queue.next() },
            writeBytes: { bytes, terminal in
                terminal.write(String(decoding: bytes, as: UTF8.self), to: .standardOutput)
            })
    }

    /// The real network, standard input and standard output.
    public static let live = CommandDependencies(
        makeClient: { AISearchClient(configuration: $0) },
        isInputInteractive: { isatty(0) == 1 },
        readAnswer: { Swift.readLine(strippingNewline: true) },
        writeBytes: { bytes, _ in
            var remaining = bytes[...]
            while !remaining.isEmpty {
                let written = try remaining.withUnsafeBytes { buffer in
                    try retryingOnInterrupt("write", subject: "standard output") {
                        Glibc.write(1, buffer.baseAddress, buffer.count)
                    }
                }
                remaining = remaining.dropFirst(written)
            }
        })

    /// The client for a running command, from its global options (see `ClientFactory`).
    public func client(for context: CommandContext) throws -> AISearchClient {
        makeClient(try ClientFactory.configuration(for: context))
    }
}

/// Scripted answers for `CommandDependencies(transport:answers:)`, handed out once each.
private final class AnswerQueue: Sendable {
    private let answers: Mutex<[String]>

    init(_ answers: [String]) { self.answers = Mutex(answers) }

    func next() -> String? {
        answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

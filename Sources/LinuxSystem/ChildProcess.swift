#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A child process started with `posix_spawn`: standard streams set up as asked, no other
/// descriptor of ours, a clean signal state, and an exit status read without blocking or awaited
/// on a thread that may block.
///
/// Why not `Foundation.Process`:
/// - On Linux its `run()` crashes now and then: it copies each `/proc/self/fd` entry's whole
///   256-byte `d_name`, and a short entry at the end of glibc's buffer has an unmapped page after
///   it (swift-corelibs-foundation#5472, fixed after our toolchain). CI failed on it.
/// - It passes on the signal mask of the thread that calls `run()`, and a Swift concurrency
///   thread blocks nearly every signal, so its children start with SIGTERM, SIGINT and SIGHUP
///   blocked (swift-corelibs-foundation#4772). A child here meets signals the way it does when a
///   shell or systemd starts it.
///
/// Thread-safe: the exit status is recorded once, under a mutex, by whoever reaps the child first;
/// a child that was never reaped is reaped once it ends after its `ChildProcess` is gone.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard streams goes (or, for input, comes from).
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// The same descriptor as ours.
        case inherited
        /// A descriptor of ours (a pipe's end), duplicated into place; ours stays open.
        case descriptor(FileDescriptor)
        /// A file, created when missing, written at its end.
        case appending(to: String)
    }

    public let pid: pid_t
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` (a path: no search of `PATH`) with `arguments` (without argv[0]).
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil gives it ours.
    ///   - directory: its working directory; nil gives it ours.
    ///   - mergingErrors: standard error goes wherever standard output goes (`error` is ignored).
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, input: Stream = .null, output: Stream = .inherited,
                error: Stream = .inherited, mergingErrors: Bool = false) throws(SystemError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Descriptors handed over stay referenced until the spawn is done.
        let handedOver = [input, output, error].compactMap { stream -> FileDescriptor? in
            if case .descriptor(let descriptor) = stream { return descriptor }
            return nil
        }
        defer { withExtendedLifetime(handedOver) {} }
        Self.place(input, at: 0, readOnly: true, in: &actions)
        Self.place(output, at: 1, readOnly: false, in: &actions)
        if mergingErrors {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            Self.place(error, at: 2, readOnly: false, in: &actions)
        }
        // Only the three standard streams reach the child, whatever else this process holds
        // open without close-on-exec (a pipe made by a library, say): a child holding the
        // write end of someone's pipe would keep its reader from ever seeing the end.
        if let closeFrom = SpawnExtensions.shared.closeFrom { _ = closeFrom(&actions, 3) }
        if let directory {
            guard let changeDirectory = SpawnExtensions.shared.changeDirectory else {
                throw SystemError("posix_spawn_file_actions_addchdir_np", subject: directory, errno: .invalidArgument)
            }
            _ = changeDirectory(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // An ignored signal stays ignored across exec (our HTTP server ignores SIGPIPE).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { (argv + (envp ?? [])).forEach { free($0) } }
        var child: pid_t = 0
        let result = if let envp { posix_spawn(&child, executable, &actions, &attributes, argv, envp) }
                     else { posix_spawn(&child, executable, &actions, &attributes, argv, environ) }
        guard result == 0 else { throw SystemError("posix_spawn", subject: executable, errno: Errno(rawValue: result)) }
        pid = child
    }

    /// A child still unreaped is reaped when it ends, on a blocking thread, so a child nobody
    /// asked about (one killed and dropped) does not stay a zombie for the life of this process.
    /// Its pid cannot be reused until then, so the wait is for this child alone.
    deinit {
        guard reaped.withLock({ $0 }) == nil else { return }
        let pid = pid
        BlockingThreads.shared.run {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        }
    }

    private static func place(_ stream: Stream, at target: Int32, readOnly: Bool,
                              in actions: inout posix_spawn_file_actions_t) {
        switch stream {
        case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", readOnly ? O_RDONLY : O_WRONLY, 0)
        case .inherited: break
        case .descriptor(let descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor.rawValue, target)
        case .appending(let path): posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
    }

    /// Sends `number` to the child, unless it has been reaped (its pid may be another's by then).
    public func signal(_ number: Int32) {
        reaped.withLock { status in
            if status == nil { _ = kill(pid, number) }
        }
    }

    /// The exit status once the child has ended (128 + the signal number when a signal ended it,
    /// as a shell reports it); nil while it runs. Never blocks.
    public var exitStatus: Int32? {
        reaped.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return status
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Blocks the calling thread until the child ends; answers `exitStatus`. Never call it from
    /// the cooperative pool (see `BlockingThreads`).
    public func waitForExit() -> Int32 {
        // Waited for without reaping, so the pid stays the child's until `exitStatus` reaps it
        // under the lock (a `signal` racing with the exit never reaches a reused pid).
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        return exitStatus ?? -1
    }
}

/// glibc's spawn actions that Swift's Glibc module does not export (they are `_np`, declared
/// only for `_GNU_SOURCE`), looked up once by name.
private struct SpawnExtensions: @unchecked Sendable {
    // @unchecked: two C function pointers, written once before the value is shared.
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    /// glibc 2.34 and later.
    let closeFrom: CloseFrom?
    /// glibc 2.29 and later.
    let changeDirectory: ChangeDirectory?

    static let shared: SpawnExtensions = {
        let process = dlopen(nil, RTLD_NOW)
        func symbol<T>(_ name: String, as: T.Type) -> T? {
            dlsym(process, name).map { unsafeBitCast($0, to: T.self) }
        }
        return SpawnExtensions(closeFrom: symbol("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self),
                               changeDirectory: symbol("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self))
    }()
}

#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem
import Synchronization

/// A child process started with `posix_spawn`, with a clean signal state: an empty signal mask
/// and default dispositions for the signals a shell would leave at their default.
///
/// Why not `Foundation.Process`: on Linux it passes on the signal mask of the thread that calls
/// `run()`, and a Swift concurrency (Dispatch) thread blocks nearly every signal, so its children
/// start with SIGTERM, SIGINT and SIGHUP blocked (swift-corelibs-foundation#4772). An agent under
/// torture must meet signals the way it does when a shell or systemd starts it.
///
/// Thread-safe: the exit status is recorded once, under a mutex, by whoever reaps the child first.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments` (without argv[0]) and exactly `environment`, its
    /// standard output and error appended to `outputPath` and `errorPath`, standard input empty.
    init(executable: String, arguments: [String], environment: [String: String],
         outputPath: String, errorPath: String) throws(SystemError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)

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
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SystemError("posix_spawn", subject: executable, errno: Errno(rawValue: result)) }
        pid = child
    }

    func signal(_ number: Int32) { _ = kill(pid, number) }

    /// The exit status once the child has ended (128 + the signal number when a signal ended it,
    /// as a shell reports it); nil while it runs. Never blocks.
    var exitStatus: Int32? {
        reaped.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return status
        }
    }

    var isRunning: Bool { exitStatus == nil }
}

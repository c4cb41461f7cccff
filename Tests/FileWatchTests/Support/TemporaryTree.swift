#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import LinuxSystem

/// A temporary directory for one test, removed at the end. File operations go through Glibc on
/// raw bytes so that non-UTF-8 names work; shell commands run with the directory as cwd.
final class TemporaryTree: Sendable {
    /// Holds `root` and, next to it, `outside` (a sibling for moves out of and into the tree).
    let base: FilePathBytes
    let root: FilePathBytes
    let outside: FilePathBytes

    init() throws {
        var template = Array("/tmp/filewatch-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemError("mkdtemp")
        }
        base = FilePathBytes(String(cString: made))
        root = base.appending("root")
        outside = base.appending("outside")
        try Self.makeDirectory(root)
        try Self.makeDirectory(outside)
    }

    deinit {
        unmountAll()
        _ = try? Self.shellBlocking("rm -rf '\(base)'")
    }

    func path(_ relative: FilePathBytes) -> FilePathBytes { root.appending(relative) }

    static func makeDirectory(_ path: FilePathBytes) throws {
        let result = path.withCString { mkdir($0, 0o755) }
        if result != 0 && Errno.current != Errno(rawValue: EEXIST) { throw SystemError("mkdir", subject: path.description) }
    }

    func makeDirectory(_ relative: FilePathBytes) throws { try Self.makeDirectory(path(relative)) }

    /// Creates or truncates `relative` (below the root unless absolute) and writes `contents`.
    func write(_ relative: FilePathBytes, _ contents: String = "x\n") throws {
        let target = relative.bytes.first == UInt8(ascii: "/") ? relative : path(relative)
        let file = try FileDescriptor.open(target, flags: O_WRONLY | O_CREAT | O_TRUNC)
        try file.writeAll(Array(contents.utf8))
        file.close()
    }

    func rename(_ from: FilePathBytes, _ to: FilePathBytes) throws {
        let source = from.bytes.first == UInt8(ascii: "/") ? from : path(from)
        let target = to.bytes.first == UInt8(ascii: "/") ? to : path(to)
        let result = source.withCString { s in target.withCString { t in Glibc.rename(s, t) } }
        if result != 0 { throw SystemError("rename", subject: "\(source) -> \(target)") }
    }

    func remove(_ relative: FilePathBytes) throws {
        if path(relative).withCString({ unlink($0) }) != 0 { throw SystemError("unlink", subject: relative.description) }
    }

    func symlink(_ relative: FilePathBytes, to target: String) throws {
        if path(relative).withCString({ l in Glibc.symlink(target, l) }) != 0 { throw SystemError("symlink") }
    }

    /// Every non-directory path below the root, relative to it (what a full rescan finds).
    func scan() -> Set<FilePathBytes> {
        var found: Set<FilePathBytes> = []
        var stack: [FilePathBytes] = [FilePathBytes([])]
        while let directory = stack.popLast() {
            let absolute = directory.isEmpty ? root : root.appending(directory)
            for entry in (try? directoryEntries(of: absolute)) ?? [] {
                let relative = directory.isEmpty ? entry.name : directory.appending(entry.name)
                if entry.kind == .directory { stack.append(relative) } else { found.insert(relative) }
            }
        }
        return found
    }

    /// Runs `command` with `sh -c` in the root (or `directory`); throws on a non-zero exit.
    @discardableResult
    func run(_ command: String, in directory: FilePathBytes? = nil) async throws -> String {
        try await Self.shell(command, in: directory ?? root)
    }

    @discardableResult
    static func shell(_ command: String, in directory: FilePathBytes? = nil) async throws -> String {
        let result = try await runShell(command, in: directory?.description)
        guard result.status == 0 else { throw ShellError(command: command, status: result.status, output: result.output) }
        return result.output
    }

    /// The same, blocking: only for quick housekeeping (mount, umount, rm) in initialisers,
    /// `deinit` and synchronous helpers, never for a tool a test is about.
    @discardableResult
    static func shellBlocking(_ command: String) throws -> String {
        let pipe = try FileDescriptor.makePipe(nonBlocking: false)
        let process = try ChildProcess(executable: "/bin/sh", arguments: ["-c", command],
                                       output: .descriptor(pipe.write), mergingErrors: true)
        pipe.write.close()
        let text = String(decoding: try pipe.read.readToEnd(), as: UTF8.self)
        let status = process.waitForExit()
        guard status == 0 else { throw ShellError(command: command, status: status, output: text) }
        return text
    }

    /// Mounts a fresh tmpfs on `relative` (below the root unless absolute; "" for the root
    /// itself), or binds `source` (absolute) there.
    func mount(_ relative: FilePathBytes, binding source: FilePathBytes? = nil) throws {
        let target = mountPoint(relative)
        if let source {
            try Self.shellBlocking("mount --bind '\(source)' '\(target)'")
        } else {
            try Self.shellBlocking("mount -t tmpfs none '\(target)'")
        }
    }

    func unmount(_ relative: FilePathBytes) throws {
        try Self.shellBlocking("umount '\(mountPoint(relative))'")
    }

    private func mountPoint(_ relative: FilePathBytes) -> FilePathBytes {
        relative.isEmpty ? root : relative.bytes.first == UInt8(ascii: "/") ? relative : path(relative)
    }

    /// Lazily unmounts everything still mounted in the tree, deepest first; for cleanup (a `defer`,
    /// and the deinit as a safety net), so it never throws.
    func unmountAll() {
        let base = base.resolvingSymbolicLinks() ?? base
        let mounted = ((try? MountInfo.current()) ?? []).map(\.mountPoint).filter { $0.isWithin(base) }
        for point in mounted.sorted(by: { $0.bytes.count > $1.bytes.count }) {
            _ = try? Self.shellBlocking("umount -l '\(point)'")
        }
    }

    /// Whether this process may mount file systems (root with CAP_SYS_ADMIN): tried once.
    static let canMount: Bool = {
        guard let tree = try? TemporaryTree(), (try? tree.mount("")) != nil else { return false }
        tree.unmountAll()
        return true
    }()

    static func isInstalled(_ tool: String) -> Bool {
        (try? shellBlocking("command -v \(tool)")) != nil
    }
}

struct ShellError: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String
    var description: String { "`\(command)` exited with \(status): \(output)" }
}

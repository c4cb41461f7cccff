import Glibc

/// Whole-file operations for callers outside this module, so they need no C constants: a file
/// opened to append to or to write anew, a rename, a removal.
extension FileDescriptor {
    /// Opens `path` to append to, creating it (mode 0600) when missing.
    public static func openForAppending(_ path: FilePathBytes) throws(SystemError) -> FileDescriptor {
        try open(path, flags: O_WRONLY | O_APPEND | O_CREAT, mode: 0o600)
    }

    /// Opens `path` to write anew: created (mode 0600) when missing, emptied when present.
    public static func openForReplacing(_ path: FilePathBytes) throws(SystemError) -> FileDescriptor {
        try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
    }
}

/// `rename(2)`: replaces `destination` with `source` in one step.
public func renameFile(_ source: FilePathBytes, to destination: FilePathBytes) throws(SystemError) {
    let result = source.withCString { from in destination.withCString { to in Glibc.rename(from, to) } }
    if result != 0 { throw SystemError("rename", subject: source.description) }
}

/// `unlink(2)`; a file already gone is not an error.
public func removeFile(_ path: FilePathBytes) throws(SystemError) {
    let result = path.withCString { Glibc.unlink($0) }
    if result != 0, Errno.current != .noSuchFile { throw SystemError("unlink", subject: path.description) }
}

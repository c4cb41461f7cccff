#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// Decides which local files are uploaded: regular files, not ignored, of a type AI Search
/// indexes, within the size limit, and readable. Everything else gets one `IneligibilityReason`.
///
/// Checks run in this order and the first that fails is the reason: ignored, not a regular file,
/// unsupported type, too large (then, in `evaluate(relativePath:absolutePath:)`, unreadable).
/// Ignored comes first so an ignored socket or symbolic link is reported quietly as ignored.
///
/// A value type with no state beyond its configuration; `Sendable`, safe to share across tasks
/// (the `isIgnored` closure must be too).
public struct EligibilityPolicy: Sendable {
    /// The outcome for one file.
    public enum Result: Hashable, Sendable {
        case eligible
        case ineligible(IneligibilityReason)

        public var isEligible: Bool { self == .eligible }

        public var reason: IneligibilityReason? {
            if case .ineligible(let reason) = self { reason } else { nil }
        }
    }

    /// The API documents "4 MB per file" without saying 10^6 or 2^20. We take the smaller,
    /// 4,000,000 bytes, so no file we upload can be refused for size; files of 4,000,001 to
    /// 4,194,304 bytes are reported `tooLarge` instead of uploaded. Configurable via `sizeLimit`.
    public static let defaultSizeLimit: Int64 = 4_000_000

    /// Plain-text extensions (lowercase, no dot) from the API's list of supported types.
    public static let plainTextExtensions: Set<String> = [
        "txt", "rst", "log", "ini", "conf", "env", "properties", "toml", "md", "markdown", "mdx", "tex", "latex",
        "sh", "bat", "ps1", "sgml", "json", "yaml", "yml", "css", "js", "php", "py", "rb", "java", "c", "cpp",
        "cxx", "h", "hpp", "go", "rs", "swift", "dart", "el",
    ]

    /// Rich formats the service converts to Markdown.
    public static let richFormatExtensions: Set<String> = [
        "pdf", "png", "jpg", "jpeg", "webp", "svg", "html", "htm", "xml", "docx", "xlsx", "xls", "ods", "odt", "csv",
    ]

    /// Dot-files supported by their whole name (compared case-insensitively). Other dot-files,
    /// including a bare `.env`, have no extension and are unsupported: a name that is only an
    /// extension is not that type, and `.env` files usually hold secrets.
    public static let supportedFileNames: Set<String> = [".gitignore", ".editorconfig"]

    /// Files larger than this many bytes are `tooLarge`.
    public var sizeLimit: Int64
    /// Lowercase extensions without the dot.
    public var supportedExtensions: Set<String>
    /// Returns the rule that ignores a relative path, or nil. Supplied by the watcher's ignore
    /// rules; this target does not depend on them.
    public var isIgnored: @Sendable (FilePathBytes) -> String?

    public init(
        sizeLimit: Int64 = EligibilityPolicy.defaultSizeLimit,
        supportedExtensions: Set<String> = EligibilityPolicy.plainTextExtensions.union(EligibilityPolicy.richFormatExtensions),
        isIgnored: @escaping @Sendable (FilePathBytes) -> String? = { _ in nil }
    ) {
        precondition(sizeLimit >= 0, "a size limit cannot be negative")
        self.sizeLimit = sizeLimit
        self.supportedExtensions = supportedExtensions
        self.isIgnored = isIgnored
    }

    /// Evaluates a file from its path below the root and its `lstat`, without touching the disk.
    public func evaluate(relativePath: FilePathBytes, status: FileStatus) -> Result {
        if let rule = isIgnored(relativePath) { return .ineligible(.ignored(rule: rule)) }
        guard status.kind == .regular else { return .ineligible(.notRegularFile) }
        if !isSupportedType(relativePath) {
            return .ineligible(.unsupportedType(extension: Self.fileExtension(of: relativePath) ?? ""))
        }
        if status.size > sizeLimit { return .ineligible(.tooLarge(size: status.size, limit: sizeLimit)) }
        return .eligible
    }

    /// Evaluates the file at `absolutePath` (whose path below the root is `relativePath`): `lstat`,
    /// the checks of `evaluate(relativePath:status:)`, then a trial `open` for readability.
    /// Nil when the file no longer exists (it is gone, not ineligible).
    public func evaluate(relativePath: FilePathBytes, absolutePath: FilePathBytes) -> Result? {
        let status: FileStatus
        do {
            status = try FileStatus.of(absolutePath)
        } catch {
            if error.errno == .noSuchFile || error.errno == .notDirectory { return nil }
            return .ineligible(.unreadable(reason: error.description))
        }
        let result = evaluate(relativePath: relativePath, status: status)
        guard result.isEligible else { return result }
        do {
            let descriptor = try FileDescriptor.open(absolutePath, flags: O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)
            descriptor.close()
        } catch {
            return Self.reason(forOpenFailure: error).map(Result.ineligible)
        }
        return .eligible
    }

    /// Whether the name of `relativePath` is a type the service indexes.
    public func isSupportedType(_ relativePath: FilePathBytes) -> Bool {
        let name = relativePath.lastComponentBytes
        if name.first == UInt8(ascii: "."), let whole = String(validUTF8: name),
           Self.supportedFileNames.contains(Self.asciiLowercased(whole)) {
            return true
        }
        guard let ext = Self.fileExtension(of: relativePath) else { return false }
        return supportedExtensions.contains(ext)
    }

    /// The lowercase extension of the last component (after its last `.`), or nil when there is
    /// none: no dot, only a leading dot (`.bashrc`), or a trailing dot (`notes.`). Non-UTF-8
    /// bytes in the extension are shown as U+FFFD (it is then never a supported one).
    public static func fileExtension(of path: FilePathBytes) -> String? {
        // Sliced in place: the walk asks this of every file.
        let name = path.lastComponentBytes
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex, dot < name.endIndex - 1 else { return nil }
        return asciiLowercased(String(decoding: name[(dot + 1)...], as: UTF8.self))
    }

    /// The reason a failed `open` makes a file ineligible, or nil when the file is simply gone.
    /// `ELOOP` (the path became a symbolic link) is `notRegularFile`; anything else, `EACCES`
    /// first of all, is `unreadable` with the system's message.
    public static func reason(forOpenFailure error: SystemError) -> IneligibilityReason? {
        switch error.errno {
        case .noSuchFile, .notDirectory: nil
        case Errno(rawValue: ELOOP): .notRegularFile
        default: .unreadable(reason: error.description)
        }
    }

    /// The reason a failed hash makes a file ineligible, or nil when it is gone or only changed
    /// while being read (both are retried, not reported).
    public static func reason(forHashFailure error: FileHashError) -> IneligibilityReason? {
        switch error {
        case .system(let systemError): reason(forOpenFailure: systemError)
        case .notRegularFile: .notRegularFile
        case .changedDuringHashing: nil
        }
    }

    private static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return text }
        return String(decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

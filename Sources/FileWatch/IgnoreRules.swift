#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// The rule that decided whether a path is ignored, for messages like "ignored by rule X".
public struct IgnoreMatch: Hashable, Sendable, CustomStringConvertible {
    /// Where a rule came from.
    public enum Source: Hashable, Sendable {
        /// One of `IgnoreRules.defaultPatterns`.
        case builtIn
        /// A configured extra pattern (e.g. the agent's state file).
        case configured
        /// A rule file, by its path relative to the root, and 1-based line.
        case file(FilePathBytes, line: Int)
    }

    /// The rule as written (the line, without trailing spaces).
    public var rule: String
    public var source: Source
    /// False when the deciding rule is a negation (`!pattern`): the path is explicitly kept.
    public var isIgnored: Bool
    /// The path the rule matched: the path asked about, or the ancestor directory that was ignored.
    public var matchedPath: FilePathBytes

    public var description: String {
        switch source {
        case .builtIn: "built-in rule \"\(rule)\""
        case .configured: "configured rule \"\(rule)\""
        case .file(let file, let line): "\(file):\(line): \"\(rule)\""
        }
    }
}

/// Ignore rules in gitignore syntax, matched on raw path bytes relative to the watched root.
///
/// Precedence follows git: the built-in defaults and configured extras are the weakest (like
/// `core.excludesFile`), then the root rule file, then rule files in subdirectories, each
/// applying only below its own directory and overriding shallower ones; within one file the last
/// matching line wins. A path inside an ignored directory is ignored, whatever later rules say
/// (git cannot re-include it either, because it never looks inside).
///
/// A value type: the watcher and the sync engine's scanner each hold a copy built the same way.
public struct IgnoreRules: Hashable, Sendable {
    /// The rule file's name, looked for in every watched directory.
    public static let fileName: FilePathBytes = ".aisearchignore"
    /// Git's rule file, read too when asked (`--gitignore`), before `.aisearchignore` (whose lines
    /// then win in the same directory).
    public static let gitignoreFileName: FilePathBytes = ".gitignore"

    /// The rule files read in every directory, in the order their lines apply (later wins).
    public private(set) var ruleFileNames: [FilePathBytes] = [fileName]

    /// Whether `name` is one of the rule files (a change to it changes the rules).
    public func isRuleFile(_ name: FilePathBytes) -> Bool { ruleFileNames.contains(name) }

    /// Always applied unless `includeDefaults` is false: version-control folders and the
    /// temporaries editors write next to the file they save.
    public static let defaultPatterns: [String] = [
        ".git", ".hg", ".svn",                 // VCS metadata (".git" is a file in worktrees)
        "4913",                                // vim's probe file for directory writability
        "*.swp", "*.swx", "*~",               // vim swap and backup files
        ".#*", "\\#*#",                        // emacs lock symlinks and auto-save files
        "*___jb_tmp___", "*___jb_old___",     // JetBrains safe-write
        ".subl*.tmp",                          // Sublime Text atomic save
    ]

    struct Rule: Hashable, Sendable {
        var pattern: IgnorePattern
        var text: String
        var source: IgnoreMatch.Source
    }

    /// Defaults and configured extras.
    private var baseRules: [Rule] = []
    /// Rules from files, by the directory (relative to the root) they apply below.
    private var fileRules: [FilePathBytes: [Rule]] = [:]

    /// - Parameters:
    ///   - includeDefaults: apply `defaultPatterns`.
    ///   - extraPatterns: further gitignore-syntax lines, e.g. the agent's own state file name.
    ///   - readsGitignore: read `.gitignore` files as rule files too (nested ones included).
    public init(includeDefaults: Bool = true, extraPatterns: [String] = [], readsGitignore: Bool = false) {
        if readsGitignore { ruleFileNames = [Self.gitignoreFileName, Self.fileName] }
        if includeDefaults {
            baseRules += Self.defaultPatterns.compactMap { Self.rule($0.utf8, source: .builtIn) }
        }
        baseRules += extraPatterns.compactMap { Self.rule($0.utf8, source: .configured) }
    }

    /// Adds the lines of a rule file found in `directory` (relative to the root; empty for the
    /// root itself), replacing any rules loaded before from that directory.
    public mutating func setRuleFile(_ contents: some Collection<UInt8>, in directory: FilePathBytes) {
        setRuleFiles([(Self.fileName, Array(contents))], in: directory)
    }

    /// Sets the rules of `directory` from its rule files, `(name, contents)` in `ruleFileNames` order.
    mutating func setRuleFiles(_ files: [(name: FilePathBytes, contents: [UInt8])], in directory: FilePathBytes) {
        var rules: [Rule] = []
        for (name, contents) in files {
            let file = directory.isEmpty ? name : directory.appending(name)
            for (index, line) in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                if let rule = Self.rule(line, source: .file(file, line: index + 1)) { rules.append(rule) }
            }
        }
        fileRules[directory] = rules.isEmpty ? nil : rules
    }

    /// Forgets the rule file of `directory`, if any.
    public mutating func removeRuleFile(in directory: FilePathBytes) {
        fileRules[directory] = nil
    }

    /// Reads the rule files of `root/directory` (`.aisearchignore`, and `.gitignore` when asked)
    /// into the rules, or forgets them when there are none. Returns whether a file was read.
    @discardableResult
    public mutating func loadRuleFile(root: FilePathBytes, directory: FilePathBytes) -> Bool {
        let directoryPath = directory.isEmpty ? root : root.appending(directory)
        let files = ruleFileNames.compactMap { name in (try? readWholeFile(directoryPath.appending(name))).map { (name, Array($0)) } }
        guard !files.isEmpty else {
            removeRuleFile(in: directory)
            return false
        }
        setRuleFiles(files.map { (name: $0.0, contents: $0.1) }, in: directory)
        return true
    }

    /// The directories (relative to the root) whose rule files are loaded.
    public var ruleFileDirectories: [FilePathBytes] { fileRules.keys.sorted() }

    /// The directories whose rule file (its rules, not its bytes) differs between `self` and
    /// `other`, including files present in only one of them.
    func ruleFileDirectories(differingFrom other: IgnoreRules) -> Set<FilePathBytes> {
        Set(fileRules.keys).union(other.fileRules.keys).filter { fileRules[$0] != other.fileRules[$0] }
    }

    /// Moves the rule files loaded below `old` to the same places below `new` (after a rename).
    mutating func rebaseRuleFiles(from old: FilePathBytes, to new: FilePathBytes) {
        for directory in fileRules.keys where directory.isWithin(old) && !old.isEmpty {
            let suffix = directory.relative(to: old)!
            let moved = suffix.isEmpty ? new : new.appending(suffix)
            let contents = fileRules.removeValue(forKey: directory)!
            fileRules[moved] = contents.map { rule in
                var rule = rule
                if case .file(let file, let line) = rule.source, let name = file.components.last {
                    rule.source = .file(moved.appending(name), line: line)
                }
                return rule
            }
        }
    }

    /// Forgets every rule file at or below `directory`.
    mutating func removeRuleFiles(under directory: FilePathBytes) {
        for key in fileRules.keys where key.isWithin(directory) && !directory.isEmpty { fileRules[key] = nil }
    }

    /// The rule that decides `relativePath`, or nil when no rule matches it or its ancestors.
    /// Ancestor directories are checked first: if one is ignored, that rule is returned.
    public func match(_ relativePath: FilePathBytes, isDirectory: Bool) -> IgnoreMatch? {
        let components = relativePath.components
        var prefix = FilePathBytes([])
        for component in components.dropLast() {
            prefix = prefix.appending(component)
            if let decided = matchEntry(prefix, isDirectory: true), decided.isIgnored { return decided }
        }
        return matchEntry(relativePath, isDirectory: isDirectory)
    }

    /// Whether `relativePath` is ignored, itself or through an ignored ancestor.
    public func isIgnored(_ relativePath: FilePathBytes, isDirectory: Bool) -> Bool {
        match(relativePath, isDirectory: isDirectory)?.isIgnored ?? false
    }

    /// The deciding rule for `relativePath` alone, its ancestors assumed not ignored: what a
    /// top-down walk that never enters ignored directories needs, one entry at a time.
    public func matchEntry(_ relativePath: FilePathBytes, isDirectory: Bool) -> IgnoreMatch? {
        if !fileRules.isEmpty {
            // Deepest rule file first: it overrides shallower ones.
            var directory = relativePath.parent
            while true {
                if let rules = fileRules[directory],
                   let path = directory.isEmpty ? relativePath : relativePath.relative(to: directory),
                   let hit = Self.lastMatch(in: rules, path: path.bytes, isDirectory: isDirectory) {
                    return IgnoreMatch(rule: hit.text, source: hit.source, isIgnored: !hit.pattern.isNegation, matchedPath: relativePath)
                }
                if directory.isEmpty { break }
                directory = directory.parent
            }
        }
        if let hit = Self.lastMatch(in: baseRules, path: relativePath.bytes, isDirectory: isDirectory) {
            return IgnoreMatch(rule: hit.text, source: hit.source, isIgnored: !hit.pattern.isNegation, matchedPath: relativePath)
        }
        return nil
    }

    /// By index, so no rule is copied to be tried (a copy retains its pattern's parts and its
    /// text): a walk tries every rule on every file.
    private static func lastMatch(in rules: [Rule], path: [UInt8], isDirectory: Bool) -> Rule? {
        path.withUnsafeBufferPointer { path in
            var index = rules.endIndex
            while index > rules.startIndex {
                index -= 1
                if rules[index].pattern.matches(path, isDirectory: isDirectory) { return rules[index] }
            }
            return nil
        }
    }

    private static func rule(_ line: some Collection<UInt8>, source: IgnoreMatch.Source) -> Rule? {
        guard let pattern = IgnorePattern(line: line) else { return nil }
        var text = Array(line)
        text.removeAll { $0 == 0 }
        while text.last == UInt8(ascii: " ") || text.last == UInt8(ascii: "\r") { text.removeLast() }
        return Rule(pattern: pattern, text: FilePathBytes(text).description, source: source)
    }
}

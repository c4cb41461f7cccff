import AISearchAPI

/// What indexing makes of one item's content, decided by its key's file type (the supported
/// list of ai-search-api.md) and its bytes. Pure: the same inputs give the same outcome.
enum ItemProcessing {
    enum Outcome: Equatable {
        /// Indexed; `text` is what the chunker sees.
        case completed(text: String)
        case skipped(reason: String)
        case failed(errorType: String, reason: String)
    }

    /// Plain-text types: the bytes must be valid UTF-8.
    static let textExtensions: Set<String> = [
        "txt", "rst", "log", "ini", "conf", "env", "properties", "toml", "md", "markdown", "mdx", "tex", "latex",
        "sh", "bat", "ps1", "sgml", "json", "yaml", "yml", "css", "js", "php", "py", "rb", "java", "c", "cpp",
        "cxx", "h", "hpp", "go", "rs", "swift", "dart", "el",
    ]
    /// Whole file names that count as plain text.
    static let textFileNames: Set<String> = [".gitignore", ".editorconfig"]
    /// Markup converted to Markdown; decoded leniently (bad bytes become U+FFFD).
    static let markupExtensions: Set<String> = ["html", "htm", "xml", "csv", "svg"]
    /// Binary rich formats: the emulator cannot convert them, so it indexes a stand-in sentence.
    static let binaryExtensions: Set<String> = ["pdf", "png", "jpg", "jpeg", "webp", "docx", "xlsx", "xls", "ods", "odt"]

    /// True when the service would try to index a file with this key at all.
    static func isSupported(key: String) -> Bool {
        let name = fileName(of: key)
        if textFileNames.contains(name) { return true }
        guard let ext = fileExtension(of: name) else { return false }
        return textExtensions.contains(ext) || markupExtensions.contains(ext) || binaryExtensions.contains(ext)
    }

    static func outcome(key: String, content: [UInt8]?, injectedFailure: Bool) -> Outcome {
        if injectedFailure {
            return .failed(errorType: "INJECTED_FAILURE", reason: "Processing failed (failure injected for this key)")
        }
        let name = fileName(of: key)
        let ext = fileExtension(of: name)
        guard isSupported(key: key) else {
            return .skipped(reason: "Unsupported file type: \(ext.map { ".\($0)" } ?? "no extension") (\(name))")
        }
        guard let content else { return .completed(text: "") }
        if textFileNames.contains(name) || ext.map(textExtensions.contains) == true {
            guard let text = String(validating: content, as: UTF8.self) else {
                return .failed(errorType: "DECODE_ERROR", reason: "Could not decode \(name) as UTF-8 text")
            }
            return .completed(text: text)
        }
        if ext.map(markupExtensions.contains) == true {
            return .completed(text: String(decoding: content, as: UTF8.self))
        }
        return .completed(text: "Converted content of \(name) (\(content.count) bytes).")
    }

    // Keys are split on bytes, not `Character`s: a name may start with a combining mark, which
    // as a `Character` would fuse with the `/` before it and hide that separator.

    /// The last path component of a key.
    static func fileName(of key: String) -> String {
        guard let slash = key.utf8.lastIndex(of: UInt8(ascii: "/")) else { return key }
        return String(decoding: key.utf8[key.utf8.index(after: slash)...], as: UTF8.self)
    }

    /// The folder of a key as the built-in `folder` metadata field has it: `docs/a/` for
    /// `docs/a/x.md`, empty for a top-level key.
    static func folder(of key: String) -> String {
        guard let slash = key.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(decoding: key.utf8[...slash], as: UTF8.self)
    }

    /// Lowercased extension after the last dot, none for dot-files without another dot.
    static func fileExtension(of name: String) -> String? {
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), dot != name.utf8.startIndex else { return nil }
        let ext = String(decoding: name.utf8[name.utf8.index(after: dot)...], as: UTF8.self)
        return ext.isEmpty ? nil : ext.lowercased()
    }
}

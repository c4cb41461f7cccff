/// The instance id rule of the API (lowercase letters, digits, `-` and `_`, 1 to 64
/// characters), checked before any request so a mistyped `-i Docs` is answered locally with the
/// rule, and the id of every command that names an instance comes through one place. A missing
/// or malformed instance is a configuration error (exit 3) in every command, as in `sync`.
enum InstanceID {
    static let rule = "lowercase letters, digits, - and _, 1 to 64 characters"

    static func isValid(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// `text` when it is a valid id; otherwise an error naming where it came from and the rule
    /// (with the lowercase spelling when that one is valid).
    static func validated(_ text: String, from source: String = "--instance") throws -> String {
        guard !isValid(text) else { return text }
        let lowered = text.lowercased()
        throw ConfigurationError("\(source): \(ConfigFile.quoted(text)) is not an instance id; use \(rule)",
                                 hint: isValid(lowered) && lowered != text ? "Did you mean \(lowered)?" : nil)
    }

    /// The error of a command given no instance.
    static var missing: ConfigurationError {
        ConfigurationError("no instance: pass --instance ID (or set AISEARCH_INSTANCE)")
    }

    /// The `--instance` of a command (flag or `AISEARCH_INSTANCE`), validated.
    static func required(_ arguments: ParsedArguments, option: String = "--instance") throws -> String {
        guard let id = try arguments.string(option) else { throw missing }
        return try validated(id, from: option)
    }
}

/// The declaration of one named option: `--instance <name>` (takes a value) or `--json` (a flag).
///
/// Declare options with the two factories and share common ones as static members, so command
/// files read as a list of names:
///
/// ```swift
/// extension OptionSpec {
///     static let instance = OptionSpec.value("--instance", short: "i", valueName: "name",
///                                            help: "The AI Search instance.",
///                                            environment: "AISEARCH_INSTANCE", isRequired: true)
///     static let json = OptionSpec.flag("--json", help: "Print JSON instead of a table.")
/// }
/// ```
///
/// Where a value comes from, in order: the command line, then the environment variable named by
/// `environment` (if set and non-empty), then `defaultValue`. `allowedValues` is checked for all
/// three sources.
public struct OptionSpec: Sendable, Equatable {
    /// Whether the option takes a value.
    public enum Kind: Sendable, Equatable {
        /// `--json`: present or not; repeatable flags count (`-vv`).
        case flag
        /// `--instance <name>` or `--instance=<name>`.
        case value
    }

    /// The long name with its dashes, e.g. `--instance`. Accessors look options up by it.
    public var name: String
    /// The one-character short form without the dash (`"i"` for `-i`), if any.
    public var short: Character?
    public var kind: Kind
    /// One line for the help screen.
    public var help: String
    /// The placeholder shown in help and usage: `--instance <name>`.
    public var valueName: String
    /// Used when neither the command line nor the environment gives a value.
    public var defaultValue: String?
    /// When non-empty, the only values accepted (shown in help as `(values: a, b)`).
    public var allowedValues: [String]
    /// An environment variable consulted when the option is not on the command line.
    public var environment: String?
    /// May be given more than once; read with `strings(_:)` (values) or `count(_:)` (flags).
    /// Giving a non-repeatable option twice is a usage error, never a silent "last one wins".
    public var isRepeatable: Bool
    /// Parsing fails unless a value comes from the command line, the environment or the default.
    public var isRequired: Bool
    /// Accepted by the declaring command and by every command below it. Declare global options
    /// on the root for things like `--config` and `--verbose`.
    public var isGlobal: Bool

    /// An option that takes a value.
    public static func value(
        _ name: String, short: Character? = nil, valueName: String = "value", help: String,
        defaultValue: String? = nil, allowedValues: [String] = [], environment: String? = nil,
        isRepeatable: Bool = false, isRequired: Bool = false, isGlobal: Bool = false
    ) -> OptionSpec {
        OptionSpec(name: name, short: short, kind: .value, help: help, valueName: valueName,
                   defaultValue: defaultValue, allowedValues: allowedValues, environment: environment,
                   isRepeatable: isRepeatable, isRequired: isRequired, isGlobal: isGlobal)
    }

    /// A flag: no value. From the environment, `1`/`true`/`yes`/`on` mean set and
    /// `0`/`false`/`no`/`off` mean not set; anything else is a usage error.
    public static func flag(
        _ name: String, short: Character? = nil, help: String, environment: String? = nil,
        isRepeatable: Bool = false, isGlobal: Bool = false
    ) -> OptionSpec {
        OptionSpec(name: name, short: short, kind: .flag, help: help, valueName: "",
                   defaultValue: nil, allowedValues: [], environment: environment,
                   isRepeatable: isRepeatable, isRequired: false, isGlobal: isGlobal)
    }

    /// The same option, accepted by every command below the one that declares it.
    public var global: OptionSpec {
        var copy = self
        copy.isGlobal = true
        return copy
    }

    /// The same option with another default (e.g. a shared `--page-size` with a per-command default).
    public func withDefault(_ value: String?) -> OptionSpec {
        var copy = self
        copy.defaultValue = value
        return copy
    }

    /// The same option, made required.
    public var required: OptionSpec {
        var copy = self
        copy.isRequired = true
        return copy
    }

    /// `-i, --instance <name>` as shown in help.
    var helpLabel: String {
        var label = short.map { "-\($0), " } ?? "    "
        label += name
        if kind == .value { label += " <\(valueName)>" }
        if isRepeatable { label += " ..." }
        return label
    }

    /// `--instance <name>` as shown in the usage line.
    var usageLabel: String {
        kind == .value ? "\(name) <\(valueName)>" : name
    }
}

/// The declaration of one positional argument, e.g. `<path>`.
///
/// Positionals are filled in order: required ones first, then optional ones, then at most one
/// variadic one at the end that takes the rest.
public struct ArgumentSpec: Sendable, Equatable {
    public enum Arity: Sendable, Equatable {
        /// Exactly one value must be given.
        case required
        /// Zero or one value.
        case optional
        /// Zero or more values (one or more with `isRequired`); must be the last argument.
        case variadic
    }

    /// The name accessors use (`string("path")`) and help shows (`<path>`). No dashes.
    public var name: String
    public var help: String
    public var arity: Arity
    /// For `.variadic`: at least one value must be given.
    public var isRequired: Bool
    /// For `.optional`: the value used when none is given.
    public var defaultValue: String?
    /// When non-empty, the only values accepted.
    public var allowedValues: [String]

    public init(_ name: String, help: String, arity: Arity = .required, isRequired: Bool? = nil,
                defaultValue: String? = nil, allowedValues: [String] = []) {
        self.name = name
        self.help = help
        self.arity = arity
        self.isRequired = isRequired ?? (arity == .required)
        self.defaultValue = defaultValue
        self.allowedValues = allowedValues
    }

    /// A positional that must be given: `<name>`.
    public static func required(_ name: String, help: String, allowedValues: [String] = []) -> ArgumentSpec {
        ArgumentSpec(name, help: help, arity: .required, allowedValues: allowedValues)
    }

    /// A positional that may be left out: `[<name>]`.
    public static func optional(_ name: String, help: String, defaultValue: String? = nil,
                                allowedValues: [String] = []) -> ArgumentSpec {
        ArgumentSpec(name, help: help, arity: .optional, defaultValue: defaultValue, allowedValues: allowedValues)
    }

    /// The rest of the positionals: `[<name> ...]`, or `<name> ...` when at least one is required.
    public static func variadic(_ name: String, help: String, atLeastOne: Bool = false) -> ArgumentSpec {
        ArgumentSpec(name, help: help, arity: .variadic, isRequired: atLeastOne)
    }

    /// `<path>`, `[<path>]`, `<path> ...` or `[<path> ...]`.
    var usageLabel: String {
        switch arity {
        case .required: "<\(name)>"
        case .optional: "[<\(name)>]"
        case .variadic: isRequired ? "<\(name)> ..." : "[<\(name)> ...]"
        }
    }
}

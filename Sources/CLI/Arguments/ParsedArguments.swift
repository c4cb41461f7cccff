/// Where a parsed value came from; error messages name the source so people know what to fix.
public enum ValueSource: Sendable, Equatable {
    /// Typed on the command line.
    case commandLine
    /// Read from this environment variable.
    case environment(String)
    /// The declared default.
    case defaultValue
}

/// One value of an option or positional argument, with its origin.
public struct ParsedValue: Sendable, Equatable {
    public var text: String
    public var source: ValueSource

    public init(_ text: String, source: ValueSource) {
        self.text = text
        self.source = source
    }
}

/// The result of parsing a command line for one command: every declared option and positional
/// argument, with environment fallbacks and defaults already applied and allowed values checked.
///
/// Look values up by name: options by their long name with dashes (`"--instance"`), positionals
/// by their bare name (`"path"`). The typed accessors convert and throw a `UsageError` naming the
/// option and the bad value (`--page: 'abc' is not a whole number`). Asking for a name the command
/// did not declare, or using a single-value accessor on a repeatable option, throws a
/// `CommandDefinitionError`: a bug in the command, caught by its first test.
public struct ParsedArguments: Sendable {
    /// The words that selected the command, e.g. `["aisearch-sync", "jobs", "list"]`.
    public let commandPath: [String]
    let options: [String: OptionSpec]
    let positionals: [String: ArgumentSpec]
    let values: [String: [ParsedValue]]

    init(commandPath: [String], options: [OptionSpec], positionals: [ArgumentSpec], values: [String: [ParsedValue]]) {
        self.commandPath = commandPath
        self.options = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.positionals = Dictionary(positionals.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.values = values
    }

    // MARK: Raw access

    /// All values of `name` in command-line order, with their sources.
    public func parsedValues(_ name: String) throws -> [ParsedValue] {
        guard options[name] != nil || positionals[name] != nil else {
            throw CommandDefinitionError("'\(commandPath.joined(separator: " "))' reads '\(name)', which it does not declare")
        }
        return values[name] ?? []
    }

    /// Whether `name` was typed on the command line (not taken from the environment or default).
    public func isGiven(_ name: String) throws -> Bool {
        try parsedValues(name).contains { $0.source == .commandLine }
    }

    // MARK: Strings

    /// The value of a single-valued option or positional, or `nil` when it has none.
    public func string(_ name: String) throws -> String? {
        try single(name)?.text
    }

    /// Like `string(_:)`, but a missing value is a usage error. Options and arguments declared
    /// required are already enforced by the parser; use this for the ones that are required only
    /// sometimes.
    public func requireString(_ name: String) throws -> String {
        if let value = try string(name) { return value }
        if let option = options[name] {
            let fallback = option.environment.map { " (or set \($0))" } ?? ""
            throw UsageError("missing required option '\(option.usageLabel)'\(fallback)", commandPath: commandPath)
        }
        throw UsageError("missing argument <\(name)>", commandPath: commandPath)
    }

    /// Every value of a repeatable option or variadic argument (or the one value of any other).
    public func strings(_ name: String) throws -> [String] {
        try parsedValues(name).map(\.text)
    }

    // MARK: Flags

    /// Whether a flag was set (on the command line or through its environment variable).
    public func flag(_ name: String) throws -> Bool {
        try count(name) > 0
    }

    /// How many times a flag was given: `-vv` is 2.
    public func count(_ name: String) throws -> Int {
        guard let option = options[name], option.kind == .flag else {
            throw CommandDefinitionError("'\(name)' is read as a flag by '\(commandPath.joined(separator: " "))' but not declared as one")
        }
        return values[name]?.count ?? 0
    }

    // MARK: Typed values

    /// The value as a whole number, optionally bounded: `--page: 'abc' is not a whole number`,
    /// `--page: 0 is less than 1`.
    public func int(_ name: String, atLeast minimum: Int? = nil, atMost maximum: Int? = nil) throws -> Int? {
        guard let value = try single(name) else { return nil }
        return try integer(value, name: name, atLeast: minimum, atMost: maximum)
    }

    /// Every value of a repeatable option as whole numbers.
    public func ints(_ name: String, atLeast minimum: Int? = nil, atMost maximum: Int? = nil) throws -> [Int] {
        try parsedValues(name).map { try integer($0, name: name, atLeast: minimum, atMost: maximum) }
    }

    /// The value as a decimal number: `--ratio: 'x' is not a number`.
    public func double(_ name: String) throws -> Double? {
        try value(name, expecting: "a number") { Double($0).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// The value as a duration: a number followed by `ms`, `s`, `m` or `h` (`500ms`, `30s`, `5m`).
    /// A bare number is seconds.
    public func duration(_ name: String) throws -> Duration? {
        try value(name, expecting: "a duration (e.g. 500ms, 30s, 5m, 1h)", DurationText.parse)
    }

    /// The value as a `String`-backed enum: `--format: 'xml' is not one of: json, table`.
    public func value<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type = T.self) throws -> T?
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        return try value(name, expecting: "one of: \(names)") { T(rawValue: $0) }
    }

    /// The value converted by `convert`; `nil` from `convert` is a usage error saying the value
    /// is not `expecting` (a phrase such as "a URL" or "an instance name").
    public func value<T>(_ name: String, expecting: String, _ convert: (String) throws -> T?) throws -> T? {
        guard let value = try single(name) else { return nil }
        return try converted(value, name: name, expecting: expecting, convert)
    }

    /// Every value converted by `convert`, as in `value(_:expecting:_:)`.
    public func values<T>(_ name: String, expecting: String, _ convert: (String) throws -> T?) throws -> [T] {
        try parsedValues(name).map { try converted($0, name: name, expecting: expecting, convert) }
    }

    // MARK: Helpers

    private func single(_ name: String) throws -> ParsedValue? {
        let all = try parsedValues(name)
        if let option = options[name] {
            if option.kind == .flag {
                throw CommandDefinitionError("'\(name)' is a flag; read it with flag(_:) or count(_:)")
            }
            if option.isRepeatable {
                throw CommandDefinitionError("'\(name)' is repeatable; read it with strings(_:)")
            }
        } else if positionals[name]?.arity == .variadic {
            throw CommandDefinitionError("<\(name)> is variadic; read it with strings(_:)")
        }
        return all.last
    }

    private func converted<T>(_ value: ParsedValue, name: String, expecting: String,
                              _ convert: (String) throws -> T?) throws -> T {
        if let result = try convert(value.text) { return result }
        throw malformed(value, name: name, problem: "is not \(expecting)")
    }

    private func integer(_ value: ParsedValue, name: String, atLeast minimum: Int?, atMost maximum: Int?) throws -> Int {
        guard let number = Int(value.text) else {
            throw malformed(value, name: name, problem: "is not a whole number")
        }
        if let minimum, number < minimum { throw malformed(value, name: name, problem: "is less than \(minimum)") }
        if let maximum, number > maximum { throw malformed(value, name: name, problem: "is more than \(maximum)") }
        return number
    }

    /// `--page: 'abc' is not a whole number`, naming the environment variable when it came from one.
    private func malformed(_ value: ParsedValue, name: String, problem: String) -> UsageError {
        let label = options[name] != nil ? name : "<\(name)>"
        let origin: String = switch value.source {
        case .commandLine: ""
        case .environment(let variable): " (from \(variable))"
        case .defaultValue: " (the default)"
        }
        return UsageError("\(label): '\(value.text)'\(origin) \(problem)", commandPath: commandPath)
    }
}

/// Parses `500ms`, `30s`, `5m`, `1h`, `1.5s`; a bare number is seconds.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0, number.first?.isNumber == true else { return nil }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }
}

/// The naming rules of the Prometheus data model, checked when a metric is declared.
public enum MetricName {
    /// A metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValid(_ name: String) -> Bool {
        matches(name, allowingColon: true)
    }

    /// A label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved for Prometheus).
    public static func isValidLabel(_ name: String) -> Bool {
        matches(name, allowingColon: false) && !name.hasPrefix("__")
    }

    private static func matches(_ name: String, allowingColon: Bool) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_")
            || (allowingColon && first == UInt8(ascii: ":")) else { return false }
        return bytes.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || (allowingColon && $0 == UInt8(ascii: ":"))
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

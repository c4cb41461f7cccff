/// Turns a `LogRecord` into one line of text (ending in `\n`) in either format. Pure and
/// stateless; the same record always gives the same line.
public enum LogFormatter {
    /// The record as a line in `format`.
    public static func line(for record: LogRecord, format: LogFormat) -> String {
        switch format {
        case .human: human(record)
        case .json: json(record)
        }
    }

    /// `2025-03-01T12:00:00.123Z INFO  uploaded guides/a.md key=guides/a.md duration_ms=12 event=upload_done`
    ///
    /// The message has its control characters escaped so a record is always one line; a field
    /// value is quoted (JSON-style) when it is empty or contains a space, `"`, `=` or a control
    /// character.
    static func human(_ record: LogRecord) -> String {
        var line = Timestamp.rfc3339(record.time) + " " + record.level.humanLabel + " "
        line += escapingControlCharacters(record.message)
        for (name, value) in record.orderedFields + [("event", .string(record.event.rawValue))] {
            line += " " + name + "=" + humanValue(value)
        }
        return line + "\n"
    }

    /// `{"time":"…","level":"info","event":"upload_done","message":"…","key":"…",…}`: the
    /// standard fields first in a fixed order, then extra fields sorted by name. Non-finite
    /// numbers are written as `null`, since JSON has no NaN or infinity.
    static func json(_ record: LogRecord) -> String {
        var line = "{\"time\":\"" + Timestamp.rfc3339(record.time) + "\",\"level\":\"" + record.level.rawValue
            + "\",\"event\":" + jsonString(record.event.rawValue) + ",\"message\":" + jsonString(record.message)
        for (name, value) in record.orderedFields {
            line += "," + jsonString(name) + ":" + jsonValue(value)
        }
        return line + "}\n"
    }

    static func jsonValue(_ value: LogValue) -> String {
        switch value {
        case .string(let text): jsonString(text)
        case .int(let number): String(number)
        case .double(let number): number.isFinite ? numberText(number) : "null"
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    /// `text` as a JSON string literal (RFC 8259 §7): quotes, backslashes and control
    /// characters escaped; everything else, including non-ASCII, written as is. Also used for
    /// quoting values in error messages, so they show exactly what was given.
    public static func jsonString(_ text: String) -> String {
        "\"" + escaped(text, quotesAndBackslashes: true) + "\""
    }

    /// `text` with control characters written as JSON escapes (`\n`, `\u001b`), and with `"`
    /// and `\` escaped too when `quotesAndBackslashes`.
    private static func escaped(_ text: String, quotesAndBackslashes: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"" where quotesAndBackslashes: result += "\\\""
            case "\\" where quotesAndBackslashes: result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u" + hex4(scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func humanValue(_ value: LogValue) -> String {
        if case .double(let number) = value, number.isFinite { return numberText(number) }
        let text = value.description
        let needsQuotes = text.isEmpty || text.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 || $0.value == 0x7F
        }
        return needsQuotes ? jsonString(text) : text
    }

    /// `text` with control characters escaped, so a message stays on one line.
    private static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        return escaped(text, quotesAndBackslashes: false)
    }

    /// `12`, not `12.0`, for whole numbers; Swift's shortest round-trip text otherwise.
    public static func numberText(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

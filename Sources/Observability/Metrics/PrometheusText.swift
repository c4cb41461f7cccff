/// The Prometheus text exposition format, version 0.0.4 (`Content-Type: text/plain;
/// version=0.0.4; charset=utf-8`), as read by Prometheus and `promtool check metrics`.
///
/// Output order is stable: families by name; within a family, series by label values; for a
/// histogram, each series' `_bucket` lines (cumulative, ending with `le="+Inf"`), then `_sum`,
/// then `_count`. Every family starts with its `# HELP` and `# TYPE` lines.
public enum PrometheusText {
    /// The `Content-Type` to serve `render()` with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func render(_ families: [MetricsRegistry.Family]) -> String {
        var text = ""
        for family in families.sorted(by: { $0.name < $1.name }) {
            text += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type.rawValue)\n"
            let series = family.series.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            for (values, sample) in series {
                let labels = Array(zip(family.labelNames, values))
                switch family.type {
                case .counter, .gauge:
                    text += family.name + labelSet(labels) + " " + number(sample.value) + "\n"
                case .histogram:
                    var cumulative: UInt64 = 0
                    for (index, count) in sample.bucketCounts.enumerated() {
                        cumulative += count
                        let bound = index < family.buckets.count ? number(family.buckets[index]) : "+Inf"
                        text += family.name + "_bucket" + labelSet(labels + [("le", bound)]) + " \(cumulative)\n"
                    }
                    text += family.name + "_sum" + labelSet(labels) + " " + number(sample.sum) + "\n"
                    text += family.name + "_count" + labelSet(labels) + " \(sample.count)\n"
                }
            }
        }
        return text
    }

    /// `{a="x",b="y"}`, or nothing for no labels.
    static func labelSet(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// A label value with `\`, `"` and line feed escaped as `\\`, `\"` and `\n`.
    public static func escapeLabelValue(_ value: String) -> String {
        var result = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// HELP text with `\` and line feed escaped as `\\` and `\n`.
    public static func escapeHelp(_ help: String) -> String {
        help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// A sample value: `3` for whole numbers, `0.05`, `+Inf`, `-Inf`, `NaN`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return LogFormatter.numberText(value)
    }
}

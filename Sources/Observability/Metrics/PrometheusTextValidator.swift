/// A checker for the Prometheus text exposition format 0.0.4, written from the format's
/// description, so tests do not depend on `promtool` being installed. It reports every
/// violation as a line-numbered message; an empty result means the text is valid.
///
/// Checked: the line grammar (comments, HELP, TYPE, samples with escaped label values and
/// float values), metric and label name rules, HELP/TYPE appearing once per family and before
/// its samples, a family's samples being contiguous, no duplicate series, and for histograms:
/// only `_bucket`/`_sum`/`_count` samples, an `le` label on buckets, bucket bounds increasing
/// and counts non-decreasing, a `+Inf` bucket equal to `_count`.
public struct PrometheusTextValidator {
    struct Sample {
        var name: String
        var labels: [(String, String)]
        var value: Double
    }

    private(set) var problems: [String] = []
    private var types: [String: String] = [:]
    private var helped: Set<String> = []
    private var familiesWithSamples: Set<String> = []
    private var currentFamily: String?
    private var seriesSeen: Set<String> = []
    /// For histograms: family + labels without `le` → (bounds, counts) in order.
    private var buckets: [String: [(Double, Double)]] = [:]
    private var counts: [String: Double] = [:]

    public static func validate(_ text: String) -> [String] {
        var validator = PrometheusTextValidator()
        validator.check(text)
        return validator.problems
    }

    private mutating func check(_ text: String) {
        if !text.isEmpty && !text.hasSuffix("\n") { problems.append("the text does not end with a newline") }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            checkLine(String(line), number: index + 1)
        }
        for (series, list) in buckets {
            guard let last = list.last, last.0 == .infinity else {
                problems.append("\(series): no le=\"+Inf\" bucket")
                continue
            }
            if counts[series] != last.1 { problems.append("\(series): +Inf bucket \(last.1) != _count \(counts[series] ?? -1)") }
        }
    }

    private mutating func checkLine(_ line: String, number: Int) {
        func fail(_ message: String) { problems.append("line \(number): \(message): \(line)") }
        if line.isEmpty { return }
        if line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, parts[1] == "HELP" || parts[1] == "TYPE" else { return } // plain comment
            let name = parts[2]
            if !Self.isMetricName(name) { fail("bad metric name") }
            if familiesWithSamples.contains(name) { fail("\(parts[1]) after the family's samples") }
            if parts[1] == "HELP" {
                if helped.contains(name) { fail("second HELP") }
                helped.insert(name)
                if parts.count == 4, !Self.isValidHelpEscaping(parts[3]) { fail("bad escape in HELP") }
            } else {
                if types[name] != nil { fail("second TYPE") }
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    return fail("bad TYPE")
                }
                types[name] = parts[3]
            }
            return
        }
        guard let sample = Self.parseSample(line) else { return fail("not a valid sample line") }
        let family = familyName(of: sample.name)
        if types[family] == nil { fail("sample before its TYPE line") }
        if currentFamily != family {
            if familiesWithSamples.contains(family) { fail("samples of \(family) are not contiguous") }
            currentFamily = family
        }
        familiesWithSamples.insert(family)
        let seriesKey = sample.name + "{" + sample.labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
        if !seriesSeen.insert(seriesKey).inserted { fail("duplicate series") }
        if Set(sample.labels.map(\.0)).count != sample.labels.count { fail("duplicate label name") }
        guard types[family] == "histogram" else { return }
        let others = sample.labels.filter { $0.0 != "le" }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let series = family + "{" + others + "}"
        if sample.name == family + "_bucket" {
            guard let le = sample.labels.first(where: { $0.0 == "le" }), let bound = Self.parseValue(le.1) else {
                return fail("bucket without a numeric le label")
            }
            if let previous = buckets[series]?.last {
                if bound <= previous.0 { fail("bucket bounds not increasing") }
                if sample.value < previous.1 { fail("bucket counts decrease") }
            }
            buckets[series, default: []].append((bound, sample.value))
        } else if sample.name == family + "_count" {
            counts[series] = sample.value
        } else if sample.name != family + "_sum" {
            fail("histogram sample that is not _bucket, _sum or _count")
        }
    }

    private func familyName(of sampleName: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where sampleName.hasSuffix(suffix) {
            let base = String(sampleName.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return sampleName
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        let isStart: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "_" || $0 == ":" }
        return isStart(first) && name.unicodeScalars.allSatisfy { isStart($0) || ("0"..."9").contains($0) }
    }

    static func isLabelName(_ name: String) -> Bool {
        isMetricName(name) && !name.contains(":")
    }

    static func isValidHelpEscaping(_ text: String) -> Bool {
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else { continue }
            guard let next = iterator.next(), next == "\\" || next == "n" else { return false }
        }
        return true
    }

    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
            return Double(text)
        }
    }

    /// `name{label="value",...} value [timestamp]`
    static func parseSample(_ line: String) -> Sample? {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isMetricName(name) else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [(String, String)] = []
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let labelName = String(rest.prefix { $0 != "=" })
                guard isLabelName(labelName) else { return nil }
                rest = rest.dropFirst(labelName.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                while true {
                    guard let character = rest.first else { return nil }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\n" { return nil }
                    if character == "\\" {
                        guard let escaped = rest.first else { return nil }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: return nil
                        }
                    } else {
                        value.append(character)
                    }
                }
                labels.append((labelName, value))
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 1 || (fields.count == 2 && Int64(fields[1]) != nil),
              let value = parseValue(String(fields[0])) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}

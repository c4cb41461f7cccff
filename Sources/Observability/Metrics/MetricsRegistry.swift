import Synchronization

/// The kind of a metric family, as written on its `# TYPE` line.
public enum MetricType: String, Sendable {
    case counter, gauge, histogram
}

/// Holds every metric of the process and renders them in the Prometheus text format.
///
/// Declare metrics once (see `AgentMetrics`), keep the returned handles, and update them from
/// any task:
///
/// ```swift
/// let registry = MetricsRegistry()
/// let uploads = registry.counter("aisearch_sync_uploads_total", help: "Uploads by outcome.",
///                                labelNames: ["outcome"])
/// uploads.increment(labels: ["outcome": "success"])
/// print(registry.render())
/// ```
///
/// Guarantees: every method is thread-safe (one `Mutex` guards all values, so `render()` sees
/// a consistent snapshot: a histogram's buckets, sum and count always agree). Declaring a name
/// twice with the same type and labels returns the same metric; with a different type, labels or
/// buckets, or with an invalid name, is a programming error and traps. So does updating a metric
/// with label names other than the declared ones.
public final class MetricsRegistry: Sendable {
    struct Family {
        var name: String
        var help: String
        var type: MetricType
        var labelNames: [String]
        /// Upper bounds of the histogram buckets, increasing, without `+Inf`.
        var buckets: [Double]
        var series: [[String]: Series] = [:]
    }

    struct Series {
        var value: Double = 0
        /// Per-bucket (non-cumulative) observation counts; the last is the `+Inf` overflow.
        var bucketCounts: [UInt64] = []
        var sum: Double = 0
        var count: UInt64 = 0
    }

    let families = Mutex<[String: Family]>([:])

    public init() {}

    /// A counter: a value that only goes up (requests, bytes). Name it `..._total`.
    public func counter(_ name: String, help: String, labelNames: [String] = []) -> Counter {
        declare(Family(name: name, help: help, type: .counter, labelNames: labelNames, buckets: []))
        return Counter(registry: self, name: name)
    }

    /// A gauge: a value that goes up and down (files tracked, backlog).
    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> Gauge {
        declare(Family(name: name, help: help, type: .gauge, labelNames: labelNames, buckets: []))
        return Gauge(registry: self, name: name)
    }

    /// A histogram with fixed bucket upper bounds (`+Inf` is added for you). Bounds must be
    /// finite and strictly increasing.
    public func histogram(_ name: String, help: String, labelNames: [String] = [], buckets: [Double]) -> Histogram {
        precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite)
                     && zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 },
                     "histogram \(name): buckets must be finite and strictly increasing")
        precondition(!labelNames.contains("le"), "histogram \(name): 'le' is reserved")
        declare(Family(name: name, help: help, type: .histogram, labelNames: labelNames, buckets: buckets))
        return Histogram(registry: self, name: name)
    }

    /// Every metric in the Prometheus text exposition format 0.0.4 (see `PrometheusText`).
    public func render() -> String {
        families.withLock { PrometheusText.render(Array($0.values)) }
    }

    private func declare(_ family: Family) {
        precondition(MetricName.isValid(family.name), "invalid metric name '\(family.name)'")
        for label in family.labelNames {
            precondition(MetricName.isValidLabel(label), "metric \(family.name): invalid label name '\(label)'")
        }
        precondition(Set(family.labelNames).count == family.labelNames.count, "metric \(family.name): duplicate label")
        families.withLock { families in
            if let existing = families[family.name] {
                precondition(existing.type == family.type && existing.labelNames == family.labelNames
                             && existing.buckets == family.buckets,
                             "metric \(family.name) declared twice with different type, labels or buckets")
                return
            }
            var family = family
            if family.labelNames.isEmpty {
                family.series[[]] = Self.emptySeries(for: family)
            }
            families[family.name] = family
        }
    }

    static func emptySeries(for family: Family) -> Series {
        Series(bucketCounts: family.type == .histogram ? Array(repeating: 0, count: family.buckets.count + 1) : [])
    }

    /// Runs `update` on the series of `name` with `labels`, creating it at zero first.
    func update(_ name: String, labels: [String: String], _ update: (inout Series, Family) -> Void) {
        families.withLock { families in
            guard var family = families[name] else { preconditionFailure("metric \(name) was never declared") }
            precondition(labels.count == family.labelNames.count && family.labelNames.allSatisfy { labels[$0] != nil },
                         "metric \(name) takes labels \(family.labelNames), got \(labels.keys.sorted())")
            let values = family.labelNames.map { labels[$0] ?? "" }
            var series = family.series[values] ?? Self.emptySeries(for: family)
            update(&series, family)
            family.series[values] = series
            families[name] = family
        }
    }

    /// The current value of a counter or gauge series, or `nil` if it has never been touched.
    public func value(_ name: String, labels: [String: String] = [:]) -> Double? {
        families.withLock { families in
            guard let family = families[name] else { return nil }
            return family.series[family.labelNames.map { labels[$0] ?? "" }]?.value
        }
    }
}

/// A handle on a declared counter. Cheap to copy; every copy updates the same values.
public struct Counter: Sendable {
    let registry: MetricsRegistry
    public let name: String

    /// Adds `amount` (zero or more) to the series with these label values.
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        precondition(amount >= 0, "counter \(name) cannot decrease")
        registry.update(name, labels: labels) { series, _ in series.value += amount }
    }

    /// Makes the series exist at zero, so it is exported before its first event (rate() and
    /// alerts then see 0, not "no data").
    public func touch(labels: [String: String] = [:]) {
        registry.update(name, labels: labels) { _, _ in }
    }
}

/// A handle on a declared gauge. Cheap to copy; every copy updates the same values.
public struct Gauge: Sendable {
    let registry: MetricsRegistry
    public let name: String

    public func set(_ value: Double, labels: [String: String] = [:]) {
        registry.update(name, labels: labels) { series, _ in series.value = value }
    }

    /// Adds `amount` (negative to decrease).
    public func add(_ amount: Double, labels: [String: String] = [:]) {
        registry.update(name, labels: labels) { series, _ in series.value += amount }
    }
}

/// A handle on a declared histogram. Cheap to copy; every copy updates the same values.
public struct Histogram: Sendable {
    let registry: MetricsRegistry
    public let name: String

    /// Records one observation: it lands in the first bucket whose upper bound is at least
    /// `value` (`+Inf` if none), and is added to the sum and count. NaN is ignored.
    public func observe(_ value: Double, labels: [String: String] = [:]) {
        guard !value.isNaN else { return }
        registry.update(name, labels: labels) { series, family in
            let index = family.buckets.firstIndex { value <= $0 } ?? family.buckets.count
            series.bucketCounts[index] += 1
            series.sum += value
            series.count += 1
        }
    }

    /// Records a duration in seconds.
    public func observe(_ duration: Duration, labels: [String: String] = [:]) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18, labels: labels)
    }

    public func touch(labels: [String: String] = [:]) {
        registry.update(name, labels: labels) { _, _ in }
    }
}

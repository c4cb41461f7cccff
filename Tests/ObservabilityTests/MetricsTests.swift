import Foundation
import Observability
import Testing
import TestSupport

/// `MetricsRegistry`, its Prometheus rendering, and `AgentMetrics`.
@Suite struct MetricsTests {
    @Test func counterAndGaugeRenderExactly() {
        let registry = MetricsRegistry()
        let requests = registry.counter("demo_requests_total", help: "Requests.", labelNames: ["status"])
        let budget = registry.gauge("demo_budget", help: "Budget left.")
        requests.increment(labels: ["status": "200"])
        requests.increment(by: 2, labels: ["status": "200"])
        requests.increment(labels: ["status": "429"])
        budget.set(1197.5)
        #expect(registry.render() == """
            # HELP demo_budget Budget left.
            # TYPE demo_budget gauge
            demo_budget 1197.5
            # HELP demo_requests_total Requests.
            # TYPE demo_requests_total counter
            demo_requests_total{status="200"} 3
            demo_requests_total{status="429"} 1

            """)
    }

    @Test func histogramBucketsAreCumulativeAndEndWithInf() {
        let registry = MetricsRegistry()
        let latency = registry.histogram("demo_latency_seconds", help: "Latency.", buckets: [0.1, 1, 10])
        for value in [0.05, 0.1, 0.5, 3, 20, 30] { latency.observe(value) }
        latency.observe(.milliseconds(250))
        #expect(registry.render() == """
            # HELP demo_latency_seconds Latency.
            # TYPE demo_latency_seconds histogram
            demo_latency_seconds_bucket{le="0.1"} 2
            demo_latency_seconds_bucket{le="1"} 4
            demo_latency_seconds_bucket{le="10"} 5
            demo_latency_seconds_bucket{le="+Inf"} 7
            demo_latency_seconds_sum 53.9
            demo_latency_seconds_count 7

            """)
    }

    @Test func labelValuesAndHelpAreEscaped() {
        let registry = MetricsRegistry()
        let counter = registry.counter("demo_total", help: "Back\\slash and\nnewline.", labelNames: ["path"])
        counter.increment(labels: ["path": "C:\\docs\\\"quoted\"\nnext"])
        let text = registry.render()
        #expect(text.contains(#"# HELP demo_total Back\\slash and\nnewline."#))
        #expect(text.contains(#"demo_total{path="C:\\docs\\\"quoted\"\nnext"} 1"#))
        #expect(PrometheusTextValidator.validate(text) == [])
    }

    @Test func seriesAreOrderedStably() {
        let registry = MetricsRegistry()
        let counter = registry.counter("demo_total", help: "Demo.", labelNames: ["a", "b"])
        for (a, b) in [("z", "1"), ("a", "2"), ("a", "1"), ("m", "0")] { counter.increment(labels: ["b": b, "a": a]) }
        let samples = registry.render().split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == [#"demo_total{a="a",b="1"} 1"#, #"demo_total{a="a",b="2"} 1"#,
                            #"demo_total{a="m",b="0"} 1"#, #"demo_total{a="z",b="1"} 1"#])
        #expect(registry.render() == registry.render())
    }

    @Test func declaringTwiceReturnsTheSameMetric() {
        let registry = MetricsRegistry()
        registry.counter("demo_total", help: "Demo.").increment()
        registry.counter("demo_total", help: "Demo.").increment()
        #expect(registry.value("demo_total") == 2)
    }

    @Test(arguments: [("aisearch_sync_up", true), ("a:b_c9", true), ("_x", true), (":x", true),
                      ("9lives", false), ("has-dash", false), ("", false), ("sp ace", false), ("é", false)])
    func metricNameRules(name: String, isValid: Bool) {
        #expect(MetricName.isValid(name) == isValid)
    }

    @Test(arguments: [("instance", true), ("_x", true), ("__reserved", false), ("a:b", false), ("1a", false)])
    func labelNameRules(name: String, isValid: Bool) {
        #expect(MetricName.isValidLabel(name) == isValid)
    }

    @Test(arguments: [(3.0, "3"), (0.05, "0.05"), (-2.0, "-2"), (Double.infinity, "+Inf"),
                      (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (1e20, "1e+20")])
    func sampleValues(value: Double, expected: String) {
        #expect(PrometheusText.number(value) == expected)
    }

    @Test func agentMetricsExposeEverySeriesAtZeroAndPassTheValidator() throws {
        let metrics = AgentMetrics(instances: ["docs", "handbook"])
        metrics.recordUpload(instance: "docs", outcome: .success)
        metrics.recordDelete(instance: "docs", outcome: .failure)
        metrics.recordReindex(instance: "handbook", outcome: .success)
        metrics.recordAPIRequest(status: 200)
        metrics.recordAPIRequest(status: nil)
        metrics.recordRescan(instance: "docs", reason: .overflow)
        metrics.setFilesTracked(42, instance: "docs")
        metrics.setBacklog(3, instance: "docs")
        metrics.setBudgetRemaining(1190)
        metrics.recordHashed(bytes: 1 << 20, instance: "docs")
        metrics.observeEventToIndexed(.milliseconds(700), instance: "docs")
        metrics.observeEventToAccepted(.seconds(45), instance: "docs")
        let text = metrics.registry.render()
        #expect(PrometheusTextValidator.validate(text) == [])
        for line in [
            #"aisearch_sync_uploads_total{instance="docs",outcome="success"} 1"#,
            #"aisearch_sync_uploads_total{instance="handbook",outcome="failure"} 0"#,
            #"aisearch_sync_api_requests_total{status="error"} 1"#,
            #"aisearch_sync_rescans_total{instance="docs",reason="overflow"} 1"#,
            #"aisearch_sync_files_tracked{instance="docs"} 42"#,
            "aisearch_sync_api_budget_remaining 1190",
            #"aisearch_sync_hashed_bytes_total{instance="docs"} 1048576"#,
            #"aisearch_sync_event_to_indexed_seconds_bucket{instance="docs",le="0.5"} 0"#,
            #"aisearch_sync_event_to_indexed_seconds_bucket{instance="docs",le="1"} 1"#,
            #"aisearch_sync_event_to_indexed_seconds_bucket{instance="handbook",le="+Inf"} 0"#,
            #"aisearch_sync_event_to_accepted_seconds_count{instance="docs"} 1"#,
        ] {
            #expect(text.contains(line + "\n"), "missing: \(line)")
        }
        #expect(AgentMetrics.eventToIndexedBuckets.first == 0.05 && AgentMetrics.eventToIndexedBuckets.last == 120)
    }

    @Test func concurrentUpdatesAreNotLost() async {
        let metrics = AgentMetrics()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 {
                        metrics.recordUpload(instance: "docs", outcome: .success)
                        metrics.observeEventToIndexed(.milliseconds(10), instance: "docs")
                    }
                }
            }
        }
        #expect(metrics.registry.value("aisearch_sync_uploads_total", labels: ["instance": "docs", "outcome": "success"]) == 4000)
        #expect(metrics.registry.render().contains(#"aisearch_sync_event_to_indexed_seconds_count{instance="docs"} 4000"#))
    }

    @Test func validatorCatchesBrokenExpositions() {
        let cases: [(String, String)] = [
            ("demo 1\n", "sample before its TYPE line"),
            ("# TYPE demo counter\ndemo{a=\"x\\q\"} 1\n", "not a valid sample line"),
            ("# TYPE demo counter\ndemo one\n", "not a valid sample line"),
            ("# TYPE demo counter\ndemo 1\n# HELP demo late\n", "HELP after the family's samples"),
            ("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "bucket counts decrease"),
            ("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n", "+Inf bucket 2.0 != _count 3.0"),
            ("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_count 2\n", "no le=\"+Inf\" bucket"),
            ("# TYPE a counter\n# TYPE b counter\na 1\nb 1\na{x=\"1\"} 1\n", "not contiguous"),
            ("# TYPE demo counter\ndemo 1", "does not end with a newline"),
        ]
        for (text, expected) in cases {
            let problems = PrometheusTextValidator.validate(text)
            #expect(problems.contains { $0.contains(expected) }, "\(text.debugDescription): \(problems)")
        }
    }

    /// `promtool check metrics` (from Debian's `prometheus` package), when installed.
    @Test func promtoolAcceptsTheAgentMetrics() async throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile)
        else { return }
        let metrics = AgentMetrics(instances: ["docs"])
        metrics.recordUpload(instance: "docs", outcome: .success)
        metrics.observeEventToIndexed(.seconds(2), instance: "docs")
        let check = try await runChildProcess(promtool, ["check", "metrics"], input: Data(metrics.registry.render().utf8))
        let report = check.output
        #expect(check.status == 0, "\(report)")
        #expect(report.isEmpty, "promtool lint: \(report)")
    }
}

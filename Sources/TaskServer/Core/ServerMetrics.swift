import Foundation
import Prometheus
import Synchronization
import TaskService

/// What /metrics shows, in Prometheus' text format: requests and their latency by route,
/// the queue's depth, enrichment passes (how many tasks each took, how long), forward-pass time,
/// the result cache's hits.
/// A registry per server (not the process-wide MetricsSystem), so tests can run several.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let queueDepth: Gauge
    let batchSize: ValueHistogram
    let passDuration: DurationHistogram
    let jobsEnriched: Counter
    let jobsFailed: Counter

    static let latencyBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000].map { .milliseconds($0) }

    init() {
        queueDepth = registry.makeGauge(name: "smart_todo_queue_depth", help: "Enrichment jobs pending in the database")
        batchSize = registry.makeValueHistogram(name: "smart_todo_batch_tasks", buckets: [1, 2, 4, 8, 16, 32, 64],
                                                help: "Tasks enriched together in one forward pass (dynamic batching)")
        passDuration = registry.makeDurationHistogram(name: "smart_todo_forward_pass_seconds", buckets: Self.latencyBuckets,
                                                      help: "Time of one enrichment pass: the batch's forward pass and its decisions")
        jobsEnriched = registry.makeCounter(name: "smart_todo_jobs_enriched_total", help: "Enrichment jobs done")
        jobsFailed = registry.makeCounter(name: "smart_todo_jobs_failed_total", help: "Enrichment jobs that failed (retried later)")
    }

    /// A batch a PostgreSQL replica enriched from the shared queue (a SQLite server records its
    /// passes where it runs them, `EnrichmentPasses`).
    func batch(claimed: Int, applied: Int, duration: Duration) {
        guard claimed > 0 else { return }
        batchSize.record(Double(claimed))
        passDuration.record(duration)
        jobsEnriched.increment(by: Int64(applied))
    }

    /// One request: counted by route pattern (not path: ids would make a series each) and status.
    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "smart_todo_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))],
                             help: "HTTP requests answered").increment()
        registry.makeDurationHistogram(name: "smart_todo_http_request_duration_seconds", labels: [("route", route), ("method", method)],
                                       buckets: Self.latencyBuckets, help: "HTTP request latency").record(duration)
    }

    /// The result cache's counts, where they are kept (SQLite's; a PostgreSQL database counts
    /// no hits, so a replica shows none of these rather than zeros).
    func cache(_ statistics: ResultCache.Statistics) {
        registry.makeGauge(name: "smart_todo_cache_hits", help: "Result-cache hits over the database's life").set(Double(statistics.hits))
        registry.makeGauge(name: "smart_todo_cache_entries", help: "Result-cache entries (each one a miss computed once)").set(Double(statistics.entries))
        let lookups = statistics.hits + statistics.entries
        registry.makeGauge(name: "smart_todo_cache_hit_ratio", help: "hits / (hits + entries): the share of lookups the cache answered")
            .set(lookups == 0 ? 0 : Double(statistics.hits) / Double(lookups))
    }

    func text() -> String { registry.emitToString() }
}

import Foundation
import Inference
import TaskService
import Tokenizers
import SeededRandom

/// The task-level benchmarks: search over 100,000 tasks and `todo add` as a fresh process.
extension BenchCommand {
    /// 100,000 synthetic tasks with random unit vectors (search speed does not depend on the
    /// vectors' content); real query embeddings. Warm = index in memory (a long-running
    /// process; the topic term included); cold = what each `todo search` process pays to load
    /// the index from SQLite.
    func benchSearch(_ report: inout BenchReport, taskCount: Int = 100_000) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-search-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try TaskStore(url: directory.appendingPathComponent("tasks.sqlite"))
        Console.error("search: building \(taskCount) synthetic tasks")
        let subjects = ["invoice", "dentist", "passport", "groceries", "slides", "lease", "flight", "running", "course", "backup"]
        let verbs = ["Pay", "Book", "Renew", "Buy", "Prepare", "Sign", "Check", "Plan", "Finish", "Review"]
        _ = try store.importTasks((0..<taskCount).map { i in
            TodoTask(title: "\(verbs[i % 10]) \(subjects[(i / 10) % 10]) \(i)", description: i % 7 == 0 ? "details for item \(i)" : "")
        })
        var rng = SeededGenerator(seed: 7)
        func unit() -> [Float] { Self.randomUnit(384, &rng) }
        let ids = try store.tasks(TaskFilter(status: nil)).map { $0.id! }
        let bundle = try openEmbeddingBundle(model)
        let embedder = try SentenceEmbedder(bundle: bundle)
        let embeddings = TaskEmbeddings(store: store, embedder: embedder)
        for start in stride(from: 0, to: ids.count, by: 5_000) {
            try embeddings.saveVectors(ids[start..<min(start + 5_000, ids.count)].map { id in
                let v = unit()
                return (id, v, v, v)
            })
        }
        // What each `todo search` process pays before its query: finding stale vectors, then loading the index.
        let staleness = try Timing.measure(iterations: 3, warmup: 0) { _ = try embeddings.refresh() }
        let cold = try Timing.measure(iterations: 3, warmup: 0) { _ = try embeddings.index() }
        let index = try embeddings.index()
        let topics = try embeddings.topicBridge()
        let search = TaskSearch(embeddings: embeddings)
        let queries = (0..<60).map { "\(["paying", "doctor visit", "travel papers", "food shopping", "presentation"][$0 % 5]) \($0)" }
        var next = 0
        // Each query is new: its embedding is computed, not cached.
        let warm = try Timing.measure(iterations: 50, warmup: 2) {
            _ = try search.search(queries[next % queries.count], in: index, topics: topics, limit: 10)
            next += 1
        }
        report.add("search_100k_ms", warm.median, "search 100,000 tasks (warm index, median)", unit: "ms")
        report.add("search_100k_p95_ms", warm.p95, "search 100,000 tasks (warm index, p95)", unit: "ms")
        report.add("search_staleness_check_100k_ms", staleness.median, "find tasks whose vectors are stale, 100,000 tasks", unit: "ms")
        report.add("search_index_load_100k_ms", cold.median, "load the 100,000-task index from SQLite", unit: "ms")
    }

    /// `todo add` as fresh processes on a scratch database: a new text (model load and
    /// inline enrichment), the same text again (cache hit), and `todo list` as the
    /// baseline every process pays (start, open the database).
    func benchAdd(_ report: inout BenchReport) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-add-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("tasks.sqlite").path
        let timer = ProcessTimer()
        var peakKiB = 0
        func run(_ args: [String]) throws -> Double {
            let r = try timer.run(args + ["--db", db])
            if args.first == "add" { peakKiB = max(peakKiB, r.peakKiB) }
            return r.milliseconds
        }
        Console.error("add: fresh processes")
        _ = try run(["add", "Warm the caches of the built-in banks"])  // first run embeds the banks once
        let fresh = Timing(samples: try (0..<15).map { try run(["add", "Call the garage about the winter tyres, case \($0 * 7919)"]) })
        let hit = Timing(samples: try (0..<15).map { _ in try run(["add", "Call the garage about the winter tyres, case 0"]) })
        let baseline = Timing(samples: try (0..<15).map { _ in try run(["list"]) })
        report.add("add_ms", fresh.median, "todo add, new text, inline AI (process, median)", unit: "ms")
        report.add("add_cache_hit_ms", hit.median, "todo add, cached text (process, median)", unit: "ms")
        report.add("process_baseline_ms", baseline.median, "todo list (process start + open database)", unit: "ms")
        report.add("add_cache_hit_work_ms", hit.median - baseline.median, "cache hit work (add − baseline)", unit: "ms")
        report.add("add_peak_rss_mb", Double(peakKiB) / 1024, "todo add, peak RSS of the largest process", unit: "MiB")
        let registry = ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory)
        if let large = registry.embeddingModels().first(where: { !registry.sibling($0).enrichesInline }) {
            try benchBackgroundAdd(&report, model: large, database: URL(fileURLWithPath: db), run: run)
        }
    }

    /// `todo add` with a model too large to wait for: the add alone (it starts a background
    /// watcher), how long after its start the AI fields are stored, and `--wait` as before. Each
    /// sample waits for the last one's watcher to exit, so none shares the cores with another.
    private func benchBackgroundAdd(_ report: inout BenchReport, model: String, database: URL, run: ([String]) throws -> Double) throws {
        Console.error("add: fresh processes with \(model)")
        _ = try run(["add", "Warm the caches of the built-in banks", "--model", model, "--wait"])
        let store = try TaskStore(url: database)
        let queue = EnrichmentQueue(store: store), lock = WatcherLock(database: database)
        var added: [Double] = [], filled: [Double] = []
        for i in 0..<15 {
            let start = DispatchTime.now().uptimeNanoseconds
            added.append(try run(["add", "Call the garage about the winter tyres, case \(i * 7919 + 1)", "--model", model]))
            while try queue.counts().pending > 0 { usleep(2_000) }
            filled.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            while lock.isHeldElsewhere { usleep(20_000) }
        }
        let waited = Timing(samples: try (0..<15).map { try run(["add", "Call the garage about the winter tyres, case \($0 * 7919 + 2)", "--model", model, "--wait"]) })
        report.add("add_background_ms", Timing(samples: added).median, "todo add, new text, \(model) in the background (process, median)", unit: "ms")
        report.add("add_background_filled_ms", Timing(samples: filled).median, "  its AI fields stored, after the add's start (median)", unit: "ms")
        report.add("add_wait_ms", waited.median, "todo add --wait, new text, \(model) inline (process, median)", unit: "ms")
    }
}

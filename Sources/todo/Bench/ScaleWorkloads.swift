import Foundation
import Inference
import TaskService
import Tokenizers
import SeededRandom

/// Whether a command that touches a few tasks costs the same at 100,000 tasks as at 100:
/// databases of each size (imported tasks, a third filed and tagged by their user, a tenth
/// done, synthetic vectors for search), and each command as a fresh process, median of several.
extension BenchCommand {
    static let scaleSizes = [100, 10_000, 100_000]

    func benchScale(_ report: inout BenchReport, sizes: [Int] = BenchCommand.scaleSizes, runs: Int = 9) throws {
        let bundle = try openEmbeddingBundle(model)
        let embedder = try SentenceEmbedder(bundle: bundle)
        var table: [(size: Int, figures: [(key: String, label: String, ms: Double)])] = []
        for size in sizes {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smart-todo-bench-scale-\(getpid())-\(size)")
            defer { if keepDatabases { Console.error("scale: kept \(directory.path)") } else { try? FileManager.default.removeItem(at: directory) } }
            let db = directory.appendingPathComponent("tasks.sqlite")
            Console.error("scale: building \(size) tasks")
            try Self.buildScaleDatabase(at: db, size: size, embedder: embedder)
            let timer = ProcessTimer(environment: ["SMART_TODO_WEIGHTS": bundle.directory.deletingLastPathComponent().path])
            func median(_ label: String, _ args: (Int) -> [String]) throws -> Double {
                _ = try timer.run(args(-1) + ["--db", db.path])  // warm the page cache and any one-time work
                return Timing(samples: try (0..<runs).map { try timer.run(args($0) + ["--db", db.path]).milliseconds }).median
            }
            let showID = String(max(1, size / 2))
            let figures: [(String, String, Double)] = [
                ("list", "todo list --limit 20", try median("list") { _ in ["list", "--limit", "20"] }),
                ("show", "todo show ID", try median("show") { _ in ["show", showID] }),
                ("add", "todo add (new text, inline AI)", try median("add") { ["add", "Renew the parking permit for the van, case \($0 + 2) of \(size)"] }),
                ("stats", "todo stats", try median("stats") { _ in ["stats"] }),
                ("search", "todo search (new query)", try median("search") { ["search", "paperwork for the van \($0 + 2)"] }),
                ("enrich", "todo enrich (nothing queued)", try median("enrich") { _ in ["enrich"] }),
                ("done_undo", "todo done ID", try median("done") { _ in ["done", showID] }),
            ]
            table.append((size, figures.map { (key: $0.0, label: $0.1, ms: $0.2) }))
            for (key, label, ms) in figures { report.add("scale_\(key)_\(size)_ms", ms, "\(label), \(size) tasks (process, median)", unit: "ms") }
        }
        // A table a person reads: one row per command, one column per size.
        guard let first = table.first else { return }
        Console.out("")
        Console.out("| command | " + table.map { "\($0.size.formatted()) tasks" }.joined(separator: " | ") + " |")
        Console.out("|---|" + table.map { _ in "---|" }.joined())
        for (i, figure) in first.figures.enumerated() {
            Console.out("| `\(figure.label)` | " + table.map { String(format: "%.1f ms", $0.figures[i].ms) }.joined(separator: " | ") + " |")
        }
    }

    /// `size` tasks as a long-time user has them: imported (so their category and tags are the
    /// user's where given), due dates spread from overdue to next year, a tenth done, every
    /// task in the search index with a random unit vector (search speed does not depend on
    /// the vectors' content).
    static func buildScaleDatabase(at url: URL, size: Int, embedder: SentenceEmbedder) throws {
        let store = try TaskStore(url: url)
        var rng = SeededGenerator(seed: UInt64(size))
        let subjects = ["invoice", "dentist", "passport", "groceries", "slides", "lease", "flight", "running", "course", "backup", "van", "garden"]
        let verbs = ["Pay", "Book", "Renew", "Buy", "Prepare", "Sign", "Check", "Plan", "Finish", "Review"]
        let categories = ["Work", "Personal", "Finance", "Health", "Shopping", "Learning"]
        let now = Date()
        for start in stride(from: 0, to: size, by: 10_000) {
            let tasks = (start..<min(size, start + 10_000)).map { i -> TodoTask in
                let filed = i % 3 == 0
                var t = TodoTask(title: "\(verbs[i % verbs.count]) \(subjects[(i / 10) % subjects.count]) \(i)",
                                 description: i % 7 == 0 ? "details for item \(i), see the notes from last week" : "",
                                 category: filed ? categories[i % categories.count] : nil, priority: [.high, .medium, .low, nil][i % 4],
                                 tags: filed ? [subjects[i % subjects.count]] : [],
                                 due: i % 2 == 0 ? now.addingTimeInterval(Double(Int.random(in: -30...365, using: &rng)) * 86_400) : nil,
                                 now: now.addingTimeInterval(-Double(size - i) * 60))
                if i % 10 == 0 { t.status = .done; t.completed = t.created }
                return t
            }
            _ = try store.importTasks(tasks, now: now)
        }
        let embeddings = TaskEmbeddings(store: store, embedder: embedder)
        let dimension = embedder.bundle.config.model.object?["hidden_size"]?.int ?? 384
        let ids = try store.tasks().map { $0.id! }
        for start in stride(from: 0, to: ids.count, by: 5_000) {
            try embeddings.saveVectors(ids[start..<min(start + 5_000, ids.count)].map { id in
                let v = Self.randomUnit(dimension, &rng)
                return (id, v, v, v)
            })
        }
    }

    /// A random unit vector: search speed does not depend on the vectors' content.
    static func randomUnit(_ n: Int, _ rng: inout SeededGenerator) -> [Float] {
        VectorMath.normalized((0..<n).map { _ in Float.random(in: -1...1, using: &rng) })
    }
}

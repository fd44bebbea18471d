import Foundation
import Inference
import TaskPostgres
import TaskService

/// What every enriching command opens: the store, the settings, the models (loaded
/// lazily, once) and the queue.
struct EnrichmentSession {
    let store: TaskStore
    let enricher: Enricher
    let queue: EnrichmentQueue

    /// `creating`: `todo add` (and a watcher started before it) makes a database at a path that
    /// names none; every other command takes a missing file for a mistyped path (`StoreOptions.open(mustExist:)`).
    /// `quick`: a command that enriches one task inline (`todo add`, `todo edit`) leaves its search
    /// vectors to the next search when search has a bigger model of its own (`Enricher.indexesWithSearchModel`).
    init(store: StoreOptions, settings: SettingsOptions, creating: Bool = false, quick: Bool = false) throws {
        let taskStore = try store.open(mustExist: !creating)
        self.store = taskStore
        let loaded = try settings.load()
        enricher = Enricher(store: taskStore, settings: loaded, models: ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: loaded.model),
                            windowProgress: Self.longTextProgress(), indexesWithSearchModel: !quick)
        queue = EnrichmentQueue(store: taskStore)
    }

    /// "embedding: 120/470 windows" once a second while one model call over many windows (a
    /// long description: 256 tokens a window; the built-in examples, the first time on a
    /// machine) runs for more than two seconds; silent for the hundreds of short texts (titles,
    /// clauses, tag phrases) an ordinary chunk of tasks is.
    static func longTextProgress(_ label: String = "embedding") -> WindowProgress {
        let line = ProgressLine(label, unit: "windows")
        var callStart = Date(), last = (done: Int.max, total: 0)
        return WindowProgress { done, total in
            if done <= last.done || total != last.total { callStart = Date() }  // counts restart: a new call
            last = (done, total)
            if Date().timeIntervalSince(callStart) >= 2 { line.update(done, total) }
        }
    }

    /// Whether the embedding model is installed (reads its config.json only).
    var modelInstalled: Bool { enricher.models.isInstalled }

    /// How to install the model in use, then finish the queued work.
    var fetchHint: String { Self.fetchHint(for: enricher.models.embeddingModel) }

    static func fetchHint(for model: String) -> String {
        "install \(model) with `\(ModelRegistry.installCommand(for: model))`, then run `todo enrich`"
    }

    /// `todo enrich` without its model, on either engine: what stays queued, and how to go on.
    static func modelMissing(_ model: String, pending: Int) -> CommandFailure {
        CommandFailure("\(model) is not installed; \(pending) job(s) stay queued: \(fetchHint(for: model)).")
    }

    /// Runs the pending jobs (of one task, or all due ones); progress on standard error for long runs.
    func runPending(taskID: Int64? = nil, includeWaiting: Bool = false, undo: UndoStep? = nil, quiet: Bool = false) throws -> EnrichmentQueue.RunReport {
        let jobs = try queue.pending(includeWaiting: includeWaiting, taskID: taskID)
        guard !jobs.isEmpty else { return EnrichmentQueue.RunReport() }
        var lastShown = Date()
        return try enrichmentCall {
            try queue.run(enricher, jobs: jobs, undo: undo) { done, total in
                if !quiet && (Date().timeIntervalSince(lastShown) > 1 || (done == total && total > 16)) {
                    Console.error("enriching: \(done)/\(total)")
                    lastShown = Date()
                }
            }
        }
    }
}

extension EnrichmentSession {
    /// A command that enriches also finishes a few jobs left behind (an interrupted run,
    /// --async adds) once they are a minute old; never a reason to fail the command.
    func finishLeftovers(maxTextLength: Int) {
        let jobs = ((try? queue.stale(olderThan: 60, limit: 8)) ?? []).filter { job in
            guard let t = try? store.task(id: job.taskID) else { return false }
            return t.title.count + t.description.count <= maxTextLength  // long ones wait for `todo enrich`
        }
        guard !jobs.isEmpty else { return }
        if let report = try? queue.run(enricher, jobs: jobs), report.enriched > 0 {
            Console.error("note: also finished \(report.enriched) queued task(s)")
        }
    }
}

/// This command's step for `todo undo`, named by the command line as typed — a database
/// password in it replaced by "…": the entry is stored, backed up and printed.
var commandLineForUndo: UndoStep {
    UndoStep(command: (["todo"] + CommandLine.arguments.dropFirst().map(PostgresLocation.redacted).map { $0.contains(" ") ? "\"\($0)\"" : $0 }).joined(separator: " "))
}

import ArgumentParser
import Foundation
import Logging
import TaskPostgres
import TaskService

struct EnrichCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrich",
        abstract: "Fill AI fields: finish queued jobs, or re-run one task or all of them.",
        discussion: """
        Without arguments: runs every pending job (tasks added with --async, without a \
        model, with a long description, or interrupted). A failed job is retried with \
        backoff (30 s, 1 min, 2 min, …) and given up after 5 attempts; --retry runs \
        waiting and given-up jobs now. Only fields you did not set are filled; a tag you \
        removed is never added back. `todo undo` reverts a whole run. Then it indexes for \
        search every task the index lacks (after --model or --search-model changed, a \
        search embeds only 64 at a time).

        On PostgreSQL (--db postgres://… --user NAME) it runs that account's jobs here, \
        as a worker would (a `todo worker` beside it never takes the same one); an id or \
        --all queues tasks again first, and --retry gives jobs claimed 5 times without an \
        answer another round. `todo undo` reverts a run there too; the background worker \
        is `todo worker`.

        --watch keeps running as a background worker: the model is loaded once, and every \
        job is enriched as it is queued (`todo add --async`, edits, imports, retries when \
        due), a line per task. With --idle-exit it stops once the queue has been empty that \
        long; `todo add` starts such a watcher when its model is too large to wait for \
        (all-mpnet-base-v2). Ctrl-C (or SIGTERM) stops it after the batch in hand; a \
        second Ctrl-C stops at once, which loses nothing either: jobs are marked done only \
        once their results are stored. Its batches make no `todo undo` entries, so they \
        never push your own commands out of the undo history.

        Examples:
          todo enrich
          todo enrich 12
          todo enrich --all --json
          todo enrich --watch &           (then: todo add "..." --async returns at once)
          todo enrich --watch --json      (one task object per line as each is enriched)
        """
    )

    @Argument(help: "Re-enrich this task.") var id: Int64?
    @Flag(help: "Re-enrich every pending task.") var all = false
    @Flag(help: "Also run jobs waiting for their retry time, and given-up ones.") var retry = false
    @Flag(help: "Keep running and enrich jobs as they are queued (see above).") var watch = false
    @Option(parsing: .unconditional, help: "With --watch: seconds between looks at the queue.") var interval: Double = 1
    @Option(parsing: .unconditional, help: ArgumentHelp("With --watch: stop once the queue has been empty this many seconds, and start not at all while another watcher is at work (how `todo add` runs a model too large to wait for).", valueName: "seconds"))
    var idleExit: Double?
    @Flag(help: "Print one JSON object: enriched, failed, errors, queue counts, indexed (with --watch: a task object per line).") var json = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if id != nil && all { throw ValidationError("Give a task id or --all, not both.") }
        if watch && (id != nil || all) { throw ValidationError("--watch works through the queue; give no task id or --all with it.") }
        guard interval.isFinite && interval > 0 && interval <= 3600 else { throw ValidationError("--interval must be more than 0 and at most 3600 seconds.") }
        if let idleExit {
            guard watch else { throw ValidationError("--idle-exit says when a watcher stops; give it with --watch.") }
            guard idleExit.isFinite && idleExit > 0 && idleExit <= 86_400 else { throw ValidationError("--idle-exit must be more than 0 and at most 86400 seconds.") }
        }
    }

    struct Output: Encodable {
        var enriched: Int
        var failed: Int
        var errors: [String]
        var queue: EnrichmentQueue.Counts
        /// On PostgreSQL: the jobs a worker beside this command took and enriched meanwhile.
        var takenByWorkers: Int?
        /// Tasks put into the search index with no job of their own (its model was changed since).
        var indexed: Int?
    }

    func run() async throws {
        _ = try engine.applyThreads()
        if let shared = try await enrichAccount() {
            if json { Console.out(try JSONOutput.line(shared)) }
            return
        }
        // A watcher may start before the first task, as `todo serve` may: it makes the database.
        let session = try EnrichmentSession(store: store, settings: settings, creating: watch)
        guard session.modelInstalled else {
            let pending = try session.queue.counts().pending
            throw EnrichmentSession.modelMissing(session.enricher.models.embeddingModel, pending: pending)
        }
        if watch { return try QueueWatcher(session: session, interval: interval, json: json, idleExit: idleExit).run() }
        var report = EnrichmentQueue.RunReport()
        var indexed = 0
        if let id {
            _ = try storeCall { try session.store.task(id: id) }  // unknown id: a clear error first
            let enriched = try enrichmentCall { try session.enricher.enrich(ids: [id], undo: commandLineForUndo) }
            try session.queue.markDone(try session.queue.pending(includeWaiting: true, taskID: id).map(\.id))
            report.enriched = enriched.count
            if !json, let t = enriched.first { Console.out("Enriched \(id): \(t.title)\n  " + (TaskText.aiSummary(t) ?? "every AI field is set by you; nothing to fill")) }
        } else {
            if all { try session.queue.enqueue(try storeCall { try session.store.tasks(TaskFilter(status: .pending)) }.map { $0.id! }) }
            if retry { try session.queue.retryFailed() }
            report = try session.runPending(includeWaiting: retry || all, undo: commandLineForUndo)
            if !json {
                Console.out(report.enriched == 0 && report.failed == 0 ? "Nothing to enrich." : "Enriched \(report.enriched) task(s).")
                for e in report.errors { Console.out("failed (will retry): \(e)") }
            }
            indexed = try indexRest(session)
        }
        let counts = try session.queue.counts()
        if json {
            Console.out(try JSONOutput.line(Output(enriched: report.enriched, failed: report.failed, errors: report.errors, queue: counts, indexed: indexed)))
        } else if counts.failed > 0 {
            Console.out("\(counts.failed) job(s) gave up after repeated failures; `todo enrich --retry` tries them again.")
        }
        if report.failed > 0 { throw ExitStatus.partlyDone.exitCode }
    }

    /// Indexes every live task search's model has no vectors of, though it has no job: the model
    /// was changed since (`--model`, `--search-model`), and a search embeds only 64 at a time.
    /// Skipped, with a note, when search's own model is not installed: search names that itself.
    private func indexRest(_ session: EnrichmentSession) throws -> Int {
        let searchModels = session.enricher.searchModels
        guard searchModels.isInstalled else {
            Console.error("note: search's model \(searchModels.embeddingModel) is not installed, so nothing was indexed for search: `\(ModelRegistry.installCommand(for: searchModels.embeddingModel))`")
            return 0
        }
        let line = ProgressLine("indexing tasks", quietFor: 1)
        let indexed = try enrichmentCall { try session.enricher.searchEmbeddings().refreshUnindexed(progress: line.update) }
        if indexed > 0 && !json { Console.out("Indexed \(indexed) task(s) for search.") }
        return indexed
    }

    /// A worker beside this command may hold the task's job (claimed before this command could):
    /// waits for its answer, polling, and takes the job over if that worker's lease runs out.
    /// The tasks enriched here meanwhile.
    private func waitForOtherWorkers(on id: Int64, tasks: AccountTasks, worker: PostgresWorker) async throws -> Int {
        let (start, limit) = (Date(), worker.lease + .seconds(30))
        var enriched = 0, told = false
        while try await tasks.hasPendingEnrichment(id) {
            if !told { Console.error("note: a worker is enriching task \(id); waiting for it"); told = true }
            guard Date().timeIntervalSince(start) < Double(limit.components.seconds) else {
                throw CommandFailure("Task \(id)'s job is still held by another worker after \(limit); it stays queued (`todo stats --user \(tasks.account.name)` shows the queue).")
            }
            try await Task.sleep(for: .milliseconds(200))
            enriched += try await worker.drain()
        }
        return enriched
    }

    /// On PostgreSQL: the account's jobs (an id or --all queues them again first; --retry gives
    /// the given-up ones another round), run here as a worker would: claimed under a lease, so
    /// a `todo worker` beside it never takes the same one. Nil with a SQLite file.
    private func enrichAccount() async throws -> Output? {
        let loaded = try settings.load()
        return try await store.onPostgres { tasks in
            guard !watch else {
                throw CommandFailure("On PostgreSQL the background worker is `todo worker --db URL`: it enriches every account's jobs as they are queued.")
            }
            let models = ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: loaded.model)
            var scope = PostgresJobQueue.Scope.account(tasks.account.id)
            if let id {
                try await tasks.requeue(ids: [id])
                scope = .tasks([id], account: tasks.account.id)
            }
            if all { _ = try await tasks.requeuePending() }
            if retry { _ = try await tasks.retryGivenUp() }
            guard models.isInstalled else {
                let pending = try await tasks.summary(now: Date()).queue.pending
                throw EnrichmentSession.modelMissing(loaded.model, pending: pending)
            }
            let worker = PostgresWorker(store: tasks.store, settings: loaded, models: models, scope: scope, undo: commandLineForUndo,
                                        logger: Logger(label: "todo-enrich", factory: { _ in SwiftLogNoOpLogHandler() }))
            let queued = try await tasks.summary(now: Date()).queue.pending
            let progress = ProgressLine("Enriching", unit: "jobs", quietFor: 2)
            var claimed = 0
            var enriched = try await worker.drain { batch in
                claimed += batch.claimed
                progress.update(min(claimed, queued), queued)
            }
            if let id { enriched += try await waitForOtherWorkers(on: id, tasks: tasks, worker: worker) }
            let queue = try await tasks.summary(now: Date()).queue
            let taken = id == nil ? max(0, queued - enriched - queue.pending - queue.failed) : 0
            if !json {
                if let id {
                    let task = try await tasks.task(id: id)
                    Console.out("Enriched \(id): \(task.title)\n  " + (TaskText.aiSummary(task) ?? "every AI field is set by you; nothing to fill"))
                } else {
                    // Jobs still pending after the drain are held by other workers (a job nobody
                    // holds is claimed here; a given-up one counts as failed).
                    var said: [String] = []
                    if enriched > 0 { said.append("Enriched \(enriched) task(s)" + (taken > 0 ? "; the workers took \(taken) more." : ".")) }
                    if enriched == 0 && taken > 0 { said.append("The workers (`todo worker`, `todo serve`) took and enriched \(taken) task(s).") }
                    if queue.pending > 0 { said.append("\(queue.pending) job(s) are with the workers now (`todo stats --user \(tasks.account.name)` shows the queue).") }
                    said.forEach(Console.out)
                    if said.isEmpty { Console.out("Nothing to enrich.") }
                }
                if queue.failed > 0 { Console.out("\(queue.failed) job(s) gave up after repeated failures; `todo enrich --retry --user \(tasks.account.name)` tries them again.") }
            }
            return Output(enriched: enriched, failed: 0, errors: [], queue: queue, takenByWorkers: taken)
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import TaskPostgres
import TaskService

/// `todo worker`: enrichment for a shared PostgreSQL database, as many processes on as many
/// machines as the AI load asks for.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Enrich the tasks of every account of a PostgreSQL database, from its shared queue.",
        discussion: """
            Loads the embedding model once, then takes enrichment jobs in batches, each under a \
            lease it renews while it works: a worker killed mid-batch leaves its jobs to another once \
            the lease runs out (30 s by default), \
            and a result is applied only under the lease that holds its job (never twice). \
            Idle, it sleeps until a task is added (PostgreSQL's NOTIFY), not polling. SIGTERM \
            or Ctrl-C stops the batch in hand at its next window of text and gives its jobs \
            back to the queue at once (tasks of it already written stay written), then exits. \
            Run as many as the load asks for, \
            on any machine that reaches the database and has the model installed.

            Examples:
              todo worker --db postgres://smarttodo@db.internal/todo?sslmode=require
              todo worker --once          # enrich what is queued now, then exit
            """
    )

    @OptionGroup var location: PostgresOption
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Tasks claimed and decided together (1-256).") var batch = 16
    @Option(help: "Seconds a claimed batch stays held after its worker last renewed it (every third of this while it works), before other workers may take it (10-3600).")
    var lease = Int(PostgresWorker.defaultLease.components.seconds)
    @Flag(help: "Enrich what is queued now, then exit (the default waits for new tasks until stopped).") var once = false
    @Flag(help: "Print one JSON object per batch (claimed, applied).") var json = false

    func validate() throws {
        guard (1...256).contains(batch) else { throw ValidationError("--batch must be 1 to 256 (it was \(batch)).") }
        guard (10...3600).contains(lease) else { throw ValidationError("--lease must be 10 to 3600 seconds (it was \(lease)).") }
    }

    func run() async throws {
        _ = try engine.applyThreads()
        let loaded = try settings.load()
        let models = ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: loaded.model)
        // Said before any job is claimed: a worker without its model would only hold leases.
        guard models.isInstalled else {
            let missing = EnrichmentError.modelMissing(path: models.embeddingDirectory.path, name: loaded.model)
            throw CommandFailure("The worker has nothing to enrich with: \(missing) (SMART_TODO_WEIGHTS sets where models are looked for).")
        }
        let logger = Logger(label: "todo-worker") { StreamLogHandler.standardError(label: $0) }
        let (json, once, batchSize, lease) = (json, once, batch, lease)
        try await location.with("The worker takes its jobs from a PostgreSQL database") { store in
            let worker = PostgresWorker(store: store, settings: loaded, models: models, batchSize: batchSize, lease: .seconds(lease), logger: logger)
            let report: @Sendable (PostgresWorker.Batch) -> Void = { batch in
                if json {
                    Console.out((try? JSONOutput.line(BatchOutput(claimed: batch.claimed, applied: batch.applied))) ?? "")
                } else {
                    Console.out("enriched \(batch.applied) of \(batch.claimed) claimed")
                }
                // A line per batch as it is done, also into a pipe or a log file (not when the buffer fills).
                fflush(nil)
            }
            if once {
                let total = try await worker.drain(progress: report)
                if !json { Console.out("Queue empty: \(total) task\(total == 1 ? "" : "s") enriched.") }
            } else {
                if !json { Console.error("todo worker: waiting for jobs (SIGTERM or Ctrl-C stops it; a batch in hand goes back to the queue)") }
                try await worker.runUntilSignalled(progress: report)
            }
        }
    }

    struct BatchOutput: Encodable {
        var claimed: Int
        var applied: Int
    }
}

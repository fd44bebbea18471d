import Foundation
import Logging
import Synchronization
import TaskService

/// Everything the routes share, opened once at start: the store, the enricher with its model,
/// the queue, the batcher in front of the model, the event hub, the search cache, the metrics.
final class ServerState: Sendable {
    let settings: ServerSettings
    let store: TaskStore
    let enricher: Enricher
    let queue: EnrichmentQueue
    let executor: BlockingExecutor
    let events = TaskEventHub()
    let metrics = ServerMetrics()
    let search: SearchCache
    let batcher: EnrichmentBatcher
    let durable: GroupSync
    let logger: Logger
    /// Whether the embedding model is installed and loaded (else AI fields stay queued).
    let modelLoaded: Bool
    /// One enrichment pass at a time: the engine runs each on all cores (a search's query, one
    /// short pass, runs beside it: `SearchCache`).
    let model: ExclusiveWork
    /// One read-compare-write of an edit at a time (If-Match).
    let edits = ExclusiveWork()

    init(settings: ServerSettings, enrichmentSettings: EnrichmentSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        store = try TaskStore(url: settings.database, mapped: false)
        store.warnings.forEach { logger.warning("\($0)") }
        // This process acknowledges writes before the main file holds them (see `MainFile`).
        store.recordWriting()
        let models = ModelRegistry(weightsDirectory: settings.weights, embeddingModel: enrichmentSettings.model)
        enricher = Enricher(store: store, settings: enrichmentSettings, models: models)
        queue = EnrichmentQueue(store: store)
        executor = BlockingExecutor(threads: settings.blockingThreads)
        durable = GroupSync(databasePath: settings.database.path, executor: executor)
        model = ExclusiveWork()
        // Loaded once, here: the model (mmapped weights, tokenizer), the example banks and the search index.
        do {
            _ = try models.embeddingFingerprint()
            _ = try models.embedder()
            modelLoaded = true
        } catch {
            // Missing or damaged: said once, with the reason; tasks are still stored and queued.
            logger.warning("the embedding model cannot be used (\(error)): tasks are stored and their AI fields stay queued")
            modelLoaded = false
        }
        search = SearchCache(enricher: enricher)
        let passes = EnrichmentPasses(store: store, enricher: enricher, queue: queue, executor: executor, events: events,
                                      metrics: metrics, search: search, model: model, logger: logger)
        batcher = EnrichmentBatcher(characterBudget: settings.batchCharacterBudget, maxTasks: EnrichmentQueue.chunkSize,
                                    dynamic: settings.dynamicBatching) { ids in await passes.run(ids) }
        if modelLoaded {
            try? enricher.prepare()
            try? search.warm()
        }
    }

    /// Runs SQLite or model work on the blocking executor.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await executor.run(body)
    }
}

/// One piece of work at a time, on the executor's threads (a blocking lock: those threads may
/// block). One guards the model (passes, explanations), one the search cache, one the edits' read-compare-write.
final class ExclusiveWork: Sendable {
    private let lock = Mutex(())

    func use<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }
}

import Foundation
import Logging
import ServiceLifecycle
import TaskService

/// `todo serve` over a SQLite file: one user, everything opened once at start — the store, the
/// enricher with its model, the queue, the batchers in front of the model, the event hub, the
/// search cache, the metrics.
final class SQLiteBackend: ServerBackend {
    let settings: ServerSettings
    let store: TaskStore
    let enricher: Enricher
    let queue: EnrichmentQueue
    let executor: BlockingExecutor
    let events = TaskEventHub()
    let metrics = ServerMetrics()
    let search: SearchCache
    let lanes: EnrichmentLanes
    let durable: GroupSync
    let logger: Logger
    let enrichmentSettings: EnrichmentSettings
    let modelLoaded: Bool
    /// One enrichment pass at a time (the long-text lane has a gate of its own): the engine runs
    /// each on all cores (a search's query and an explanation, one short pass each, run beside
    /// it: `SearchCache`, `explain`).
    let model: ExclusiveWork
    /// The one user's tasks.
    let userTasks: TaskScope
    /// Stops a long pass whose task is deleted, and the pass in hand at shutdown.
    let passStop = PassStop()

    init(file: URL, settings: ServerSettings, enrichmentSettings: EnrichmentSettings, logger: Logger) throws {
        self.settings = settings
        self.enrichmentSettings = enrichmentSettings
        self.logger = logger
        store = try TaskStore(url: file, mapped: false)
        store.warnings.forEach { logger.warning("\($0)") }
        // This process acknowledges writes before the main file holds them (see `MainFile`).
        store.recordWriting()
        let models = ModelRegistry(weightsDirectory: settings.weights, embeddingModel: enrichmentSettings.model)
        enricher = Enricher(store: store, settings: enrichmentSettings, models: models, windowProgress: passStop.progress)
        queue = EnrichmentQueue(store: store)
        executor = BlockingExecutor(threads: settings.blockingThreads)
        durable = GroupSync(databasePath: file.path, executor: executor)
        model = ExclusiveWork()
        userTasks = TaskScope(tasks: SQLiteTasks(store: store, executor: executor, durable: durable), owner: nil)
        modelLoaded = ModelRegistry.loads(models, logger: logger)
        search = SearchCache(enricher: enricher)
        let passes = EnrichmentPasses(store: store, enricher: enricher, queue: queue, executor: executor, events: events,
                                      metrics: metrics, search: search, model: model, stop: passStop, logger: logger)
        let longTextPasses = passes.gated(by: ExclusiveWork())
        lanes = EnrichmentLanes(
            short: EnrichmentBatcher(characterBudget: settings.batchCharacterBudget, maxTasks: EnrichmentQueue.chunkSize,
                                     dynamic: settings.dynamicBatching) { ids in await passes.run(ids) },
            // One long text a pass: together they would only finish later, all of them.
            long: EnrichmentBatcher(characterBudget: 0, maxTasks: 1, dynamic: false) { ids in await longTextPasses.run(ids) },
            longText: settings.inlineTextLimit + 1)
        if modelLoaded {
            if enricher.searchHasOwnModel {
                // Loaded once, at start, as enrichment's is: a query is then one forward pass.
                do { _ = try enricher.searchModels.embedder() } catch {
                    logger.warning("search's own model cannot be used (\(error)): search answers with that error until it is installed")
                }
            }
            try? enricher.prepare()
            try? search.warm()
        }
    }

    var services: [any Service] { [QueueWorker(state: self), ExternalChanges(state: self)] }

    /// Runs SQLite or model work on the blocking executor.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await executor.run(body)
    }

    func scope(credential: [UInt8]?) async throws -> TaskScope {
        if let token = settings.token { try BearerToken.check(credential, against: Array(token.utf8)) }
        return userTasks
    }

    func changed(_ kind: TaskEvent.Kind, _ tasks: [TodoTask], in scope: TaskScope) async {
        if kind == .deleted { passStop.deleted(tasks.compactMap(\.id)) }
        search.invalidate()
        for task in tasks { await events.publish(kind, task) }
    }

    func enrichInline(_ task: TodoTask, skip: Bool, in scope: TaskScope) async -> (TodoTask, EnrichmentState) {
        let (lanes, budget) = (self.lanes, settings.inlineBudget)
        return await InlineEnrichment(settings: settings, modelLoaded: modelLoaded).enrich(task, skip: skip, in: scope.tasks) { id, characters in
            await lanes.submit([(id, characters)]).wait(timeout: budget)
        }
    }

    func search(_ query: String, limit: Int, includeDone: Bool, in scope: TaskScope) async throws -> (hits: [TaskSearch.Hit], notIndexed: Int) {
        let search = self.search
        return try await blocking { try search.results(query, limit: limit, includeDone: includeDone) }
    }

    func similar(to id: Int64, limit: Int, minimum: Float, includeDone: Bool, in scope: TaskScope) async throws -> [TaskSearch.Hit] {
        let search = self.search
        return try await blocking { try search.similar(to: id, limit: limit, minimum: minimum, includeDone: includeDone) }
    }

    /// Beside any enrichment pass, not behind it, as a search's query is (and as the team
    /// server's explain is): one task, whose decision is usually cached. Behind the gate it
    /// waited for a long text's whole pass, seconds for a pasted e-mail.
    func explain(_ task: TodoTask, in scope: TaskScope) async throws -> EnrichmentEngine.Explanation {
        let enricher = self.enricher
        return try await blocking { try enricher.explain(task) }
    }

    func readiness() async -> (writable: Bool, queueDepth: Int?) {
        let queue = self.queue
        let pending = try? await blocking { try queue.counts().pending }
        return (!store.isReadOnly && pending != nil, pending)
    }

    func refreshMetrics() async {
        let (queue, store) = (self.queue, self.store)
        if let pending = try? await blocking({ try queue.counts().pending }) { metrics.queueDepth.set(Double(pending)) }
        if let cache = try? await blocking({ try ResultCache(store: store).statistics(byOperation: false) }) { metrics.cache(cache) }
    }

    func shutdown() async { await executor.shutdown() }
}

extension ModelRegistry {
    /// Loads the embedding model (mmapped weights, tokenizer) once, at a server's start; whether
    /// it can be used. Missing or damaged: said once, with the reason — tasks are still stored
    /// and their AI fields stay queued.
    static func loads(_ models: ModelRegistry, logger: Logger) -> Bool {
        do {
            _ = try models.embeddingFingerprint()
            _ = try models.embedder()
            return true
        } catch {
            logger.warning("the embedding model cannot be used (\(error)): tasks are stored and their AI fields stay queued")
            return false
        }
    }
}

import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TaskPostgres
import TaskService

/// `todo serve` over a shared PostgreSQL database: one of several stateless replicas. Every
/// request needs an account's token and reaches that account's tasks only. Changes are told
/// by the database (`TaskNotification`), so a page on this replica sees what another replica
/// or a worker did; with the model, the replica enriches from the shared queue too, and a
/// request waits for its own task's AI fields within the inline budget.
final class PostgresBackend: ServerBackend {
    let settings: ServerSettings
    let logger: Logger
    let events: TaskEventHub
    let metrics = ServerMetrics()
    let modelLoaded: Bool
    let store: PostgresStore
    /// Enrichment from the shared queue, and each account's engine (explain).
    let worker: PostgresWorker
    let relay: NotificationRelay
    var enrichmentSettings: EnrichmentSettings { worker.settings }
    /// Each account's search index, kept current by the relay.
    let search: PostgresSearch

    private init(settings: ServerSettings, logger: Logger, modelLoaded: Bool, store: PostgresStore, worker: PostgresWorker) {
        self.settings = settings
        self.logger = logger
        self.modelLoaded = modelLoaded
        self.store = store
        self.worker = worker
        let events = TaskEventHub()
        self.events = events
        search = PostgresSearch(store: store, worker: worker)
        relay = NotificationRelay(store: store, events: events, search: search, logger: logger)
    }

    static func open(_ location: PostgresLocation, settings: ServerSettings, enrichmentSettings: EnrichmentSettings, logger: Logger) async throws -> PostgresBackend {
        // The pool's own notes (each failed reconnection while the database is away) only at warning.
        var poolLogger = logger
        poolLogger.logLevel = .warning
        // A request waits a few seconds for the database at most, then answers 503.
        let store = try await PostgresStore.open(location, logger: poolLogger, answerDeadline: .seconds(5))
        let models = ModelRegistry(weightsDirectory: settings.weights, embeddingModel: enrichmentSettings.model)
        let loaded = ModelRegistry.loads(models, logger: logger)
        let worker = PostgresWorker(store: store, settings: enrichmentSettings, models: models, logger: logger)
        return PostgresBackend(settings: settings, logger: logger, modelLoaded: loaded, store: store, worker: worker)
    }

    var services: [any Service] {
        let metrics = self.metrics
        return modelLoaded ? [relay, worker.service { metrics.batch(claimed: $0.claimed, applied: $0.applied, duration: $0.duration) }] : [relay]
    }

    func scope(credential: [UInt8]?) async throws -> TaskScope {
        guard let credential else {
            throw Problem(.unauthorized, "Unauthorized",
                          detail: "this server keeps several accounts' tasks: send Authorization: Bearer <token> (`todo users add NAME` gives an account its token)")
        }
        guard let text = String(validating: credential, as: UTF8.self), let account = try await store.account(token: APIToken(text: text)) else {
            throw Problem(.unauthorized, "Unauthorized", detail: "the bearer token is no account's, or it was revoked")
        }
        return TaskScope(tasks: AccountTasks(store: store, account: account, undo: .eachRequest), owner: account.id)
    }

    /// Told by the database's notification, to every replica's streams (this one's included).
    func changed(_ kind: TaskEvent.Kind, _ tasks: [TodoTask], in scope: TaskScope) async {}

    func enrichInline(_ task: TodoTask, skip: Bool, in scope: TaskScope) async -> (TodoTask, EnrichmentState) {
        let (relay, budget) = (self.relay, settings.inlineBudget)
        return await InlineEnrichment(settings: settings, modelLoaded: modelLoaded).enrich(task, skip: skip, in: scope.tasks) { id, _ in
            await relay.waitForEnrichment(of: id, within: budget)
        }
    }

    func search(_ query: String, limit: Int, includeDone: Bool, in scope: TaskScope) async throws -> (hits: [TaskSearch.Hit], notIndexed: Int) {
        try await search.results(query, limit: limit, includeDone: includeDone, tasks: accountTasks(scope))
    }

    func similar(to id: Int64, limit: Int, minimum: Float, includeDone: Bool, in scope: TaskScope) async throws -> [TaskSearch.Hit] {
        _ = try await scope.tasks.task(id: id)
        return try await search.similar(to: id, limit: limit, minimum: minimum, includeDone: includeDone, tasks: accountTasks(scope))
    }

    /// The scope `scope(credential:)` made.
    private func accountTasks(_ scope: TaskScope) -> AccountTasks {
        guard let tasks = scope.tasks as? AccountTasks else { preconditionFailure("a PostgreSQL request scoped to another store") }
        return tasks
    }

    func explain(_ task: TodoTask, in scope: TaskScope) async throws -> EnrichmentEngine.Explanation {
        let engine = worker.engine(for: scope.owner ?? 0)
        return try await onBlockingThread { try engine.explain(task) }
    }

    func readiness() async -> (writable: Bool, queueDepth: Int?) {
        let pending = try? await PostgresJobQueue(store: store).pendingCount()
        return (pending != nil, pending)
    }

    func refreshMetrics() async {
        if let pending = try? await PostgresJobQueue(store: store).pendingCount() { metrics.queueDepth.set(Double(pending)) }
    }

    /// The pool closes once every connection is handed back; a statement stuck on a dead
    /// connection must not keep a stopping replica alive (the process's end closes it anyway).
    func shutdown() async {
        let store = self.store
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let first = FirstToFinish(done)
            Task { await store.close(); first.finish() }
            Task { try? await Task.sleep(for: .seconds(5)); first.finish() }
        }
    }
}

/// Resumes a continuation once, when the first of several racers finishes.
private final class FirstToFinish: Sendable {
    private let waiting: Mutex<CheckedContinuation<Void, Never>?>

    init(_ continuation: CheckedContinuation<Void, Never>) { waiting = Mutex(continuation) }

    func finish() { waiting.withLock { $0.take() }?.resume() }
}

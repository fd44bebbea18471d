import Foundation
import TaskPostgres
import TaskService

/// `todo search` and `todo similar` on a PostgreSQL account: a command holds no index between
/// runs, so it reads the account's live tasks and their cached vectors (`HeldTaskIndex`, as a
/// `todo serve` replica does once) on each run — its cost grows with the account, as the
/// SQLite file's search grows with its index. A team's searches belong on a replica.
enum AccountSearchIndex {
    /// The account's index, on a thread of its own (the cache is read and the model run there).
    static func with<T: Sendable>(_ tasks: AccountTasks, settings: EnrichmentSettings,
                                  _ body: @escaping @Sendable (HeldTaskIndex, SearchRanking) throws -> T) async throws -> T {
        let models = ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: settings.model).searching(settings.search)
        guard let model = try models.embeddingFingerprint() else {
            throw CommandFailure("Search needs the embedding model \(models.embeddingModel): `\(ModelRegistry.installCommand(for: models.embeddingModel))`.")
        }
        var live: [[TodoTask]] = []
        try await tasks.forEachExportPage { live.append($0.filter { $0.status != .deleted }) }
        let (store, pages, ranking) = (tasks.store, live, SearchRanking(settings: settings.search))
        let held = try await onBlockingThread {
            let held = HeldTaskIndex(model: model, cache: PostgresResultCache(store: store)) { try models.embedder().embed($0) }
            for page in pages { try held.update(page) }
            return held
        }
        // Long texts whose vectors are not cached (any more): a worker makes them.
        try await tasks.queueForIndexing(ids: Array(held.waitingForWorker))
        return try await onBlockingThread { try body(held, ranking) }
    }
}

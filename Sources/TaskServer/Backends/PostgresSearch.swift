import Foundation
import Synchronization
import TaskPostgres
import TaskService

/// Search and `similar` on a PostgreSQL replica: per account that searched, its index held in
/// memory (`HeldTaskIndex`), read whole on its first query and then kept current from the
/// database's task notifications — the tasks they name are read again before the next query.
/// When listening (re)starts, changes may have been missed: every held index is dropped and
/// read whole again on its next query.
final class PostgresSearch: Sendable {
    let store: PostgresStore
    let worker: PostgresWorker
    /// The accounts' indexes, the most recently searched 64, none idle over 15 minutes.
    private let accounts = Mutex(RecentlyUsed<Int64, AccountIndex>(capacity: 64, maxIdle: .seconds(900)))
    /// The topics' vectors, the same for every account: read once.
    private let bridge = Mutex<TopicBridge?>(nil)
    /// How many tasks one read of a first load brings.
    static let loadPage = 1_000

    init(store: PostgresStore, worker: PostgresWorker) {
        self.store = store
        self.worker = worker
    }

    /// A task of `account` was added, changed, enriched or deleted.
    func changed(account: Int64, taskID: Int64) {
        accounts.withLock { $0.peek(account) }?.changed(taskID)
    }

    /// Notifications may have been missed: every index is read whole again when next used.
    func forgetAll() {
        accounts.withLock { $0.removeAll() }
    }

    func results(_ query: String, limit: Int, includeDone: Bool, tasks: AccountTasks) async throws -> (hits: [TaskSearch.Hit], notIndexed: Int) {
        let ranking = SearchRanking(settings: worker.settings.search)
        return try await withIndex(of: tasks) { held in
            let topics = ranking.usesTopics ? try self.topicBridge(held, ranking.topics) : nil
            return (try held.search(query, ranking: ranking, topics: topics, limit: limit, includeDone: includeDone), held.notIndexed)
        }
    }

    func similar(to id: Int64, limit: Int, minimum: Float, includeDone: Bool, tasks: AccountTasks) async throws -> [TaskSearch.Hit] {
        try await withIndex(of: tasks) { held in try held.similar(to: id, limit: limit, minimum: minimum, includeDone: includeDone) }
    }

    /// Runs `body` on the account's index brought up to date, off the cooperative pool (the
    /// model, and the cache's reads, block).
    private func withIndex<T: Sendable>(of tasks: AccountTasks, _ body: @escaping @Sendable (HeldTaskIndex) throws -> T) async throws -> T {
        let models = worker.searchModels
        let model = try models.requiredFingerprint()
        let store = store
        let account = accounts.withLock { accounts in
            accounts.use(tasks.account.id) {
                AccountIndex { HeldTaskIndex(model: model, cache: PostgresResultCache(store: store)) { texts in try models.embedder().embed(texts) } }
            }
        }
        return try await onBlockingThread { try account.use(tasks, body) }
    }

    private func topicBridge(_ held: HeldTaskIndex, _ topics: [SearchTopic]) throws -> TopicBridge {
        if let kept = bridge.withLock({ $0 }), kept.names == topics.map(\.name) { return kept }
        let made = try held.topicBridge(topics)
        bridge.withLock { $0 = made }
        return made
    }
}

/// One account's held index and the tasks changed since it was brought up to date.
private final class AccountIndex: @unchecked Sendable {
    private let gate = ExclusiveWork()
    private let fresh: @Sendable () -> HeldTaskIndex
    /// Guarded by `gate`; nil until read whole.
    private var held: HeldTaskIndex?
    /// Told by the notifications; taken by the next query.
    private let pending = Mutex<Set<Int64>>([])
    /// Tasks waiting for a worker that this index has had queued: once each.
    private var queuedForIndexing: Set<Int64> = []

    init(_ fresh: @escaping @Sendable () -> HeldTaskIndex) { self.fresh = fresh }

    func changed(_ id: Int64) { _ = pending.withLock { $0.insert(id) } }

    /// On a blocking thread: the database is waited for with `blockingWait`.
    func use<T>(_ tasks: AccountTasks, _ body: (HeldTaskIndex) throws -> T) throws -> T {
        try gate.use {
            let held = try current(tasks)
            let ask = held.waitingForWorker.subtracting(queuedForIndexing)
            if !ask.isEmpty {
                try blockingWait { try await tasks.queueForIndexing(ids: Array(ask)) }
                queuedForIndexing.formUnion(ask)
            }
            return try body(held)
        }
    }

    private func current(_ tasks: AccountTasks) throws -> HeldTaskIndex {
        // Changes told from here on are read by the next query; those before, by this one.
        let changed = pending.withLock { pending in defer { pending = [] }; return pending }
        if let held = self.held {
            let ids = Array(changed.union(held.deferred))
            guard !ids.isEmpty else { return held }
            do {
                let found = try blockingWait { try await tasks.tasks(ids: ids) }
                let gone = Set(ids).subtracting(found.compactMap(\.id))
                try held.update(found, gone: Array(gone))
            } catch {
                pending.withLock { $0.formUnion(changed) }
                throw error
            }
            return held
        }
        let held = fresh()
        let pages = try blockingWait {
            var pages: [[TodoTask]] = []
            try await tasks.forEachExportPage(size: PostgresSearch.loadPage) { pages.append($0) }
            return pages
        }
        for page in pages { try held.update(page) }
        self.held = held
        return held
    }
}

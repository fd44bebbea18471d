import Foundation
import TaskService

/// The SQLite file's tasks as a `TaskRepository`: each call on the blocking executor (never an
/// event loop), and every write synced before it returns (`GroupSync`), so what a client was
/// told is stored survives a crash.
struct SQLiteTasks: TaskRepository {
    let store: TaskStore
    let executor: BlockingExecutor
    let durable: GroupSync

    func add(_ task: TodoTask, idempotencyKey key: IdempotencyKey?) async throws -> AddedTask {
        let store = self.store
        let undo = UndoStep.request(.add)
        guard let key else { return AddedTask(task: try await synced { try store.add(task, enqueue: true, undo: undo) }, replayed: false) }
        return try await synced { try store.add(task, idempotencyKey: key, undo: undo) }
    }

    func task(id: Int64) async throws -> TodoTask {
        let store = self.store
        return try await executor.run { try Self.unknownIfDeleted { try store.task(id: id) } }
    }

    func hasPendingEnrichment(_ id: Int64) async throws -> Bool {
        let store = self.store
        return try await executor.run { try store.hasPendingEnrichment(id) }
    }

    func page(_ filter: TaskFilter, after cursor: Int64?, limit: Int, newestFirst: Bool) async throws -> TaskListPage {
        let store = self.store
        return try await executor.run {
            let page = try store.page(filter, after: cursor, limit: limit, newestFirst: newestFirst)
            return TaskListPage(tasks: page.tasks, next: page.next)
        }
    }

    func edit(id: Int64, _ change: @escaping @Sendable (TodoTask) throws -> TaskEdit) async throws -> TaskEdit {
        let store = self.store
        return try await synced { try Self.unknownIfDeleted { try store.edit(id: id, undo: .request(.edit(id)), change) } }
    }

    func markDone(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask {
        let store = self.store
        return try await synced { try Self.unknownIfDeleted { try store.markDone(ids: [id], undo: .request(.done(id)), precondition: precondition)[0] } }
    }

    func reopen(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask {
        let store = self.store
        return try await synced { try Self.unknownIfDeleted { try store.reopen(ids: [id], undo: .request(.reopen(id)), precondition: precondition)[0] } }
    }

    func delete(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask {
        let store = self.store
        return try await synced { try Self.unknownIfDeleted { try store.delete(ids: [id], undo: .request(.delete(id)), precondition: precondition)[0] } }
    }

    func summary(now: Date) async throws -> (tasks: TaskStore.Summary, queue: EnrichmentQueue.Counts) {
        let store = self.store
        return try await executor.run { (try store.summary(now: now), try EnrichmentQueue(store: store).counts()) }
    }

    func importTasks(_ tasks: [TodoTask]) async throws -> (added: [TodoTask], skipped: Int) {
        let store = self.store
        let report = try await synced { try store.importTasks(tasks, enqueue: true, undo: .request(.importTasks)) }
        return (try await executor.run { try report.addedIDs.map { try store.task(id: $0) } }, report.skipped)
    }

    func exportPage(after cursor: Int64, limit: Int) async throws -> [TodoTask] {
        let store = self.store
        return try await executor.run { try store.exportPage(after: cursor, limit: limit) }
    }

    func undo(force: Bool) async throws -> UndoLog.Undone? {
        let store = self.store
        return try await synced { try UndoLog(store: store).undo(force: force) }
    }

    /// A write, on disk before it is acknowledged.
    /// The repository's errors (`TaskRepository`): a deleted task is an unknown one, as on
    /// PostgreSQL. (The CLI, on the store itself, says it was deleted: undo may bring it back.)
    private static func unknownIfDeleted<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch StoreError.deletedTask(let id) { throw StoreError.unknownTask(id: id) }
    }

    private func synced<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result = try await executor.run(body)
        await durable.sync()
        return result
    }
}

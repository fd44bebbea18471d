import Foundation
import PostgresNIO
import TaskService

/// One account's tasks in a `PostgresStore`: every statement carries `account_id = ?`, so a
/// task of another account is, to this one, a task that does not exist — by id, by guessing
/// ids, in lists. (The whole task store behind `todo` and `todo serve` is to follow; these
/// are the operations that prove the scoping.)
public struct AccountTasks: Sendable {
    public let store: PostgresStore
    public let account: Account

    public init(store: PostgresStore, account: Account) {
        self.store = store
        self.account = account
    }

    /// Stores a new task and its enrichment job in one transaction; the task with its id.
    public func add(_ task: TodoTask) async throws -> TodoTask {
        var task = task
        let (client, logger, owner) = (store.client, store.logger, account.id)
        let (tags, provenance, removed) = (try PostgresTaskRow.json(task.tags), try PostgresTaskRow.json(task.provenance), try PostgresTaskRow.json(task.removedTags))
        let (uuid, title, description, status) = (task.uuid, task.title, task.description, task.status.rawValue)
        let (category, priority, due, created, updated, completed) = (task.category, task.priority?.rawValue, task.due, task.created, task.updated, task.completed)
        task.id = try await store.run {
            try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query("""
                    INSERT INTO task (account_id, uuid, title, description, status, category, priority, tags, due, created, updated, completed, provenance, removed_tags)
                    VALUES (\(owner), \(uuid), \(title), \(description), \(status), \(category), \(priority), \(tags)::jsonb, \(due), \(created), \(updated), \(completed),
                            \(provenance)::jsonb, \(removed)::jsonb)
                    RETURNING id
                    """, logger: logger)
                var id: Int64?
                for try await value in rows.decode(Int64.self) { id = value }
                guard let id else { throw PostgresFailure.server("no task was stored") }
                try await connection.query("INSERT INTO enrichment_job (task_id) VALUES (\(id))", logger: logger)
                try await TaskNotification(account: owner, taskID: id, kind: .created).send(on: connection, logger: logger)
                return id
            }
        }
        return task
    }

    /// The task, if this account has it (deleted ones too, as `TaskStore.task(id:)`).
    public func task(id: Int64) async throws -> TodoTask {
        guard let task = try await select("WHERE account_id = \(account.id) AND id = \(id)").first else {
            throw PostgresFailure.notFound("No task \(id).")
        }
        return task
    }

    /// This account's live tasks, newest first.
    public func tasks(limit: Int = 50) async throws -> [TodoTask] {
        try await select("WHERE account_id = \(account.id) AND status <> 'deleted' ORDER BY id DESC LIMIT \(limit)")
    }

    /// Marks the task deleted (as the CLI does: `todo undo` can bring it back).
    public func delete(id: Int64) async throws {
        let (client, logger, owner) = (store.client, store.logger, account.id)
        let changed = try await store.run { () -> Bool in
            try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query("""
                    UPDATE task SET status = 'deleted', completed = NULL, updated = greatest(now(), created) WHERE account_id = \(owner) AND id = \(id) AND status <> 'deleted' RETURNING id
                    """, logger: logger)
                for try await _ in rows.decode(Int64.self) {
                    try await TaskNotification(account: owner, taskID: id, kind: .deleted).send(on: connection, logger: logger)
                    return true
                }
                return false
            }
        }
        guard changed else { throw PostgresFailure.notFound("No task \(id).") }
    }

    private func select(_ rest: PostgresQuery) async throws -> [TodoTask] {
        let (client, logger) = (store.client, store.logger)
        return try await store.run {
            var query: PostgresQuery = "SELECT \(unescaped: PostgresTaskRow.columns) FROM task "
            query.sql += rest.sql
            query.binds = rest.binds
            var out: [TodoTask] = []
            for try await row in try await client.query(query, logger: logger) { out.append(try PostgresTaskRow.decode(row).task) }
            return out
        }
    }
}

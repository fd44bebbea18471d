import Crypto
import Foundation
import PostgresNIO
import TaskService

/// One account's tasks in a `PostgresStore`, as a `TaskRepository`: every statement carries
/// `account_id = ?`, so a task of another account is, to this one, a task that does not exist —
/// by id, by guessing ids, in lists, in exports. Every change tells the other processes
/// (`TaskNotification`) in its own transaction.
public struct AccountTasks: TaskRepository {
    public let store: PostgresStore
    public let account: Account
    /// Which changes are recorded for `todo undo` (`PostgresUndoLog`): the CLI's under its
    /// command, the service's each under its request.
    public let undo: UndoRecording

    public init(store: PostgresStore, account: Account, undo: UndoRecording = .off) {
        self.store = store
        self.account = account
        self.undo = undo
    }

    public func add(_ task: TodoTask, idempotencyKey key: IdempotencyKey?) async throws -> AddedTask {
        try Self.check(task)
        let (owner, undo) = (account.id, undo.step(.add))
        return try await transaction { connection, logger in
            if let key {
                // Two requests with one key, on two replicas at once: the second waits here, then finds the first's task.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(owner)::text || ':' || \(key.text)))", logger: logger)
                let sent = try await connection.query("""
                    SELECT idempotency_request FROM task WHERE account_id = \(owner) AND idempotency_key = \(key.text)
                    """, logger: logger)
                for try await first in sent.decode(String?.self) {
                    if let first, first != IdempotencyKey.request(task) { throw StoreError.idempotencyKeyReused(key.text) }
                    let found = try await connection.query("""
                        SELECT \(unescaped: PostgresTaskRow.columns) FROM task WHERE account_id = \(owner) AND idempotency_key = \(key.text)
                        """, logger: logger)
                    for try await row in found { return AddedTask(task: try PostgresTaskRow.decode(row).task, replayed: true) }
                }
            }
            let stored = try await Self.insert(task, owner: owner, idempotencyKey: key, on: connection, logger: logger)
            try await TaskNotification(account: owner, taskID: stored.id!, kind: .created).send(on: connection, logger: logger)
            if let undo { try await PostgresUndoLog.record([.init(id: stored.id!, before: nil)], step: undo, account: owner, on: connection, logger: logger) }
            return AddedTask(task: stored, replayed: false)
        }
    }

    /// A live task of this account (a deleted one is unknown, as `TaskStore.task(id:)`).
    public func task(id: Int64) async throws -> TodoTask {
        guard let task = try await select("WHERE account_id = \(account.id) AND id = \(id) AND status <> 'deleted'").first else {
            throw StoreError.unknownTask(id: id)
        }
        return task
    }

    public func hasPendingEnrichment(_ id: Int64) async throws -> Bool {
        try await value(Bool.self, """
            SELECT EXISTS (SELECT 1 FROM enrichment_job j JOIN task t ON t.id = j.task_id
                           WHERE t.account_id = \(account.id) AND j.task_id = \(id) AND j.state = 'pending')
            """) ?? false
    }

    public func page(_ filter: TaskFilter, after cursor: Int64?, limit: Int, newestFirst: Bool) async throws -> TaskListPage {
        var query = PostgresTaskFilter(filter, account: account.id).query
        let start = cursor ?? (newestFirst ? Int64.max : 0)
        query.sql += newestFirst ? " AND id < $\(query.binds.count + 1) ORDER BY id DESC" : " AND id > $\(query.binds.count + 1) ORDER BY id"
        query.binds.append(start)
        query.sql += " LIMIT $\(query.binds.count + 1)"
        query.binds.append(limit + 1)
        let rows = try await select(query)
        let shown = Array(rows.prefix(limit))
        return TaskListPage(tasks: shown, next: rows.count > limit ? shown.last?.id : nil)
    }

    public func edit(id: Int64, _ change: @escaping @Sendable (TodoTask) throws -> TaskEdit) async throws -> TaskEdit {
        try await changeLocked(id: id, request: .edit(id)) { current in try change(current) }
    }

    public func markDone(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask {
        try await changeLocked(id: id, request: .done(id)) { current in
            try precondition?(current)
            guard current.status != .done else { return nil }
            var task = current
            task.status = .done
            task.completed = Date()
            return TaskEdit(task: task, reenrich: false)
        }.task
    }

    public func reopen(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask {
        try await changeLocked(id: id, request: .reopen(id)) { current in
            try precondition?(current)
            guard current.status == .done else { return nil }
            var task = current
            task.status = .pending
            task.completed = nil
            return TaskEdit(task: task, reenrich: false)
        }.task
    }

    /// Marks the task deleted (as the CLI does: the row stays).
    public func delete(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask {
        try await changeLocked(id: id, request: .delete(id), kind: .deleted) { current in
            try precondition?(current)
            var task = current
            task.status = .deleted
            task.completed = nil
            return TaskEdit(task: task, reenrich: false)
        }.task
    }

    public func summary(now: Date) async throws -> (tasks: TaskStore.Summary, queue: EnrichmentQueue.Counts) {
        let owner = account.id
        return try await transaction { connection, logger in
            var s = TaskStore.Summary()
            // Kept by the database (migration v10): no task is read.
            let rows = try await connection.query("""
                SELECT status, category, priority, ai, n FROM task_summary WHERE account_id = \(owner) AND status <> 'deleted' AND n > 0
                """, logger: logger)
            for try await (status, category, priority, ai, n) in rows.decode((String, String, String, String, Int).self) {
                s.statuses[status, default: 0] += n
                guard status == TodoTask.Status.pending.rawValue else { continue }
                s.categories[category.isEmpty ? "-" : category, default: 0] += n
                s.priorities[priority.isEmpty ? "-" : priority, default: 0] += n
                for (letter, field) in zip(ai, ["category", "priority", "tags"]) where letter != "-" { s.aiFilled[field, default: 0] += n }
            }
            // Range counts on (account, status, due): the tasks they count, not the account's.
            let week = now.addingTimeInterval(7 * 86_400)
            let due = try await connection.query("""
                SELECT (SELECT count(*) FROM task WHERE account_id = \(owner) AND status = 'pending' AND due IS NOT NULL AND due < \(now)),
                       (SELECT count(*) FROM task WHERE account_id = \(owner) AND status = 'pending' AND due IS NOT NULL AND due >= \(now) AND due < \(week))
                """, logger: logger)
            for try await (overdue, soon) in due.decode((Int, Int).self) { (s.overdue, s.dueWithinWeek) = (overdue, soon) }
            // A task has one job (stored with it) or, imported whole, none: the done ones are
            // counted as the rest, so only the jobs not done are read (the queue's own index).
            var queue = EnrichmentQueue.Counts()
            let jobs = try await connection.query("""
                SELECT count(*) FILTER (WHERE j.attempts < \(PostgresJobQueue.maxAttempts)), count(*) FILTER (WHERE j.attempts >= \(PostgresJobQueue.maxAttempts)),
                       (SELECT coalesce(sum(n), 0)::bigint FROM task_summary WHERE account_id = \(owner))
                FROM enrichment_job j JOIN task t ON t.id = j.task_id WHERE j.state = 'pending' AND t.account_id = \(owner)
                """, logger: logger)
            for try await (pending, givenUp, tasks) in jobs.decode((Int, Int, Int).self) {
                (queue.pending, queue.failed, queue.done) = (pending, givenUp, max(0, tasks - pending - givenUp))
            }
            return (s, queue)
        }
    }

    /// A task keeps neither its id (ids are shared by every account) nor a uuid that another
    /// account holds: it gets one made from that uuid and this account (`copyUUID`), so the same
    /// file imported again finds its copies. A uuid this account holds is skipped.
    public func importTasks(_ tasks: [TodoTask]) async throws -> (added: [TodoTask], skipped: Int) {
        for (i, task) in tasks.enumerated() {
            if let problem = TaskRules.problem(with: task) { throw StoreError.invalid("task \(i + 1) of the import: \(problem)") }
        }
        let (owner, undo) = (account.id, undo.step(.importTasks))
        return try await transaction { connection, logger in
            var added: [TodoTask] = []
            var skipped = 0
            func holder(of uuid: UUID) async throws -> Int64? {
                for try await value in try await connection.query("SELECT account_id FROM task WHERE uuid = \(uuid)", logger: logger).decode(Int64.self) { return value }
                return nil
            }
            for var task in tasks {
                var held = try await holder(of: task.uuid)
                if held != nil && held != owner {
                    task.uuid = Self.copyUUID(of: task.uuid, for: owner)
                    held = try await holder(of: task.uuid)
                }
                if held == owner { skipped += 1; continue }
                if held != nil { task.uuid = UUID() }  // a copy's uuid taken by yet another account: not ours to reuse
                let stored = try await Self.insert(task, owner: owner, queued: task.queuedOnImport, on: connection, logger: logger)
                try await TaskNotification(account: owner, taskID: stored.id!, kind: .created).send(on: connection, logger: logger)
                added.append(stored)
            }
            if let undo {
                try await PostgresUndoLog.record(added.map { .init(id: $0.id!, before: nil) }, step: undo, account: owner, on: connection, logger: logger)
            }
            return (added, skipped)
        }
    }

    /// The uuid of account `owner`'s copy of the task `uuid` names: always the same one (a name-
    /// based UUID, version 5's layout over SHA-256), so a copy is recognised when imported again.
    static func copyUUID(of uuid: UUID, for owner: Int64) -> UUID {
        var bytes = Array(SHA256.hash(data: Data("smart-todo copy\u{1F}\(owner)\u{1F}\(uuid.uuidString.lowercased())".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    public func exportPage(after cursor: Int64, limit: Int) async throws -> [TodoTask] {
        try await select("WHERE account_id = \(account.id) AND id > \(cursor) ORDER BY id LIMIT \(limit)")
    }

    /// These of the account's tasks as they are now, deleted ones too (ids of another account's, or of none, are left out).
    public func tasks(ids: [Int64]) async throws -> [TodoTask] {
        try await select("WHERE account_id = \(account.id) AND id = ANY(\(ids))")
    }

    /// This account's live tasks, newest first.
    public func tasks(limit: Int = 50) async throws -> [TodoTask] {
        try await select("WHERE account_id = \(account.id) AND status <> 'deleted' ORDER BY id DESC LIMIT \(limit)")
    }

    // MARK: - Statements

    /// Reads the live task under a row lock, lets `change` decide (nil: nothing to change) and
    /// writes the result, with a job when `reenrich`, in one transaction.
    private func changeLocked(id: Int64, request: ServiceRequest, kind: TaskNotification.Kind = .updated,
                              _ change: @escaping @Sendable (TodoTask) throws -> TaskEdit?) async throws -> TaskEdit {
        let (owner, undo) = (account.id, undo.step(request))
        return try await transaction { connection, logger in
            guard let current = try await Self.locked(id, owner: owner, on: connection, logger: logger) else { throw StoreError.unknownTask(id: id) }
            guard let edit = try change(current), edit.reenrich || !edit.task.changesNothing(of: current) else { return TaskEdit.unchanged(current) }
            if edit.task.status != .deleted { try Self.check(edit.task) }
            let stored = try await Self.update(edit.task, on: connection, logger: logger)
            if let undo { try await PostgresUndoLog.record([.init(id: id, before: current)], step: undo, account: owner, on: connection, logger: logger) }
            if edit.reenrich {
                try await Self.queueJobs(for: [id], on: connection, logger: logger)
            }
            // A deleted task's pending job goes with it (an undo queues it again, `UndoLog.toEnrich`).
            if stored.status == .deleted { try await Self.dropPendingJobs(for: [id], on: connection, logger: logger) }
            try await TaskNotification(account: owner, taskID: id, kind: kind).send(on: connection, logger: logger)
            return TaskEdit(task: stored, reenrich: edit.reenrich)
        }
    }

    private static func check(_ task: TodoTask) throws {
        if let problem = TaskRules.problem(with: task) { throw StoreError.invalid(problem.description) }
    }

    private static func locked(_ id: Int64, owner: Int64, on connection: PostgresConnection, logger: Logger) async throws -> TodoTask? {
        guard let task = try await lockedAnyStatus(id, owner: owner, on: connection, logger: logger), task.status != .deleted else { return nil }
        return task
    }

    /// The account's task, deleted or not, under a row lock.
    static func lockedAnyStatus(_ id: Int64, owner: Int64, on connection: PostgresConnection, logger: Logger) async throws -> TodoTask? {
        let rows = try await connection.query("""
            SELECT \(unescaped: PostgresTaskRow.columns) FROM task WHERE account_id = \(owner) AND id = \(id) FOR UPDATE
            """, logger: logger)
        var task: TodoTask?
        for try await row in rows { task = try PostgresTaskRow.decode(row).task }
        return task
    }

    /// Inserts a task (a new id) and, when `queued`, its enrichment job (an imported task with
    /// every AI field filled has none; `summary` counts it with the done ones).
    private static func insert(_ task: TodoTask, owner: Int64, idempotencyKey key: IdempotencyKey? = nil, queued: Bool = true,
                               on connection: PostgresConnection, logger: Logger) async throws -> TodoTask {
        var task = task
        let (tags, provenance, removed) = (try PostgresTaskRow.json(task.tags), try PostgresTaskRow.json(task.provenance), try PostgresTaskRow.json(task.removedTags))
        let (uuid, title, description, status) = (task.uuid, task.title, task.description, task.status.rawValue)
        let (category, priority, due, created, updated, completed) = (task.category, task.priority?.rawValue, task.due, task.created, task.updated, task.completed)
        let rows = try await connection.query("""
            INSERT INTO task (account_id, uuid, title, description, status, category, priority, tags, due, created, updated, completed, provenance, removed_tags,
                              idempotency_key, idempotency_request)
            VALUES (\(owner), \(uuid), \(title), \(description), \(status), \(category), \(priority), \(tags)::jsonb, \(due), \(created), \(updated), \(completed),
                    \(provenance)::jsonb, \(removed)::jsonb, \(key?.text), \(key.map { _ in IdempotencyKey.request(task) }))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { task.id = id }
        guard let id = task.id else { throw PostgresFailure.server("no task was stored") }
        if queued { try await connection.query("INSERT INTO enrichment_job (task_id) VALUES (\(id))", logger: logger) }
        return task
    }

    /// Writes every field the user or the AI can change, stamped as updated now (`stamped`;
    /// else with its own `updated`: an undo puts a task back as it was).
    static func update(_ task: TodoTask, stamped: Bool = true, on connection: PostgresConnection, logger: Logger) async throws -> TodoTask {
        var task = task
        if stamped { task.updated = max(Date(), task.created) }
        let (tags, provenance, removed) = (try PostgresTaskRow.json(task.tags), try PostgresTaskRow.json(task.provenance), try PostgresTaskRow.json(task.removedTags))
        let (id, title, description, status) = (task.id!, task.title, task.description, task.status.rawValue)
        let (category, priority, due, updated, completed) = (task.category, task.priority?.rawValue, task.due, task.updated, task.completed)
        try await connection.query("""
            UPDATE task SET title = \(title), description = \(description), status = \(status), category = \(category), priority = \(priority),
                tags = \(tags)::jsonb, due = \(due), updated = \(updated), completed = \(completed), provenance = \(provenance)::jsonb, removed_tags = \(removed)::jsonb
            WHERE id = \(id)
            """, logger: logger)
        return task
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await store.transaction(body)
    }

    func value<T: PostgresDecodable & Sendable>(_ type: T.Type, _ query: PostgresQuery) async throws -> T? {
        let (client, logger) = (store.client, store.logger)
        return try await store.run {
            for try await value in try await client.query(query, logger: logger).decode(T.self) { return value }
            return nil
        }
    }

    func select(_ rest: PostgresQuery) async throws -> [TodoTask] {
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

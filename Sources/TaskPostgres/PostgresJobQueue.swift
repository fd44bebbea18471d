import Foundation
import Logging
import PostgresNIO
import TaskService

/// The enrichment queue in PostgreSQL, for any number of workers on any number of machines:
/// a worker claims a batch with `FOR UPDATE SKIP LOCKED` (two workers never get the same job,
/// and neither waits for the other's rows) under a lease; a worker killed mid-batch leaves its
/// jobs to be claimed again once the lease runs out. Results are applied only under the lease
/// that claimed the job, in the transaction that marks it done: at-least-once enrichment, never
/// applied twice. Each new job wakes idle workers at once (`NOTIFY smart_todo_jobs`, sent at commit).
public struct PostgresJobQueue: Sendable {
    public let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    /// Claims of a job before it is left alone: a text that kills its worker every time
    /// (or fails every time) must not take every worker down in turn, for ever.
    public static let maxAttempts = 5

    /// Jobs claimed together, under one lease.
    public struct Claim: Sendable, Equatable {
        public var lease: UUID
        public var taskIDs: [Int64]
        /// Those of `taskIDs` another lease held until it ran out: their worker was killed or
        /// its batch failed before finishing them.
        public var retaken: [Int64] = []
    }

    /// Whose jobs a claim may take.
    public enum Scope: Sendable, Equatable {
        /// Any account's: a worker, a replica.
        case everyone
        /// One account's (`todo enrich --user NAME`).
        case account(Int64)
        /// These tasks of one account (`todo enrich ID --user NAME`).
        case tasks([Int64], account: Int64)

        var account: Int64? {
            switch self {
            case .everyone: nil
            case .account(let id), .tasks(_, let id): id
            }
        }

        var taskIDs: [Int64]? {
            if case .tasks(let ids, _) = self { ids } else { nil }
        }
    }

    /// Up to `limit` pending jobs in `scope` whose lease is free or has run out, oldest first, for `lease`.
    public func claim(limit: Int, lease duration: Duration, scope: Scope = .everyone) async throws -> Claim {
        let lease = UUID()
        let seconds = Self.seconds(duration)
        let (client, logger, account, only) = (store.client, store.logger, scope.account, scope.taskIDs)
        let picked = try await store.run { () -> [(id: Int64, retaken: Bool)] in
            // NULL account or task list: no condition on it. A job with a lease id is one a
            // lease held and neither finished nor gave back (`release` clears it).
            let rows = try await client.query("""
                WITH picked AS (
                    SELECT j.task_id, j.lease_id IS NOT NULL AS retaken FROM enrichment_job j
                    WHERE j.state = 'pending' AND (j.lease_until IS NULL OR j.lease_until < now()) AND j.attempts < \(Self.maxAttempts)
                      AND (\(account)::bigint IS NULL OR EXISTS (SELECT 1 FROM task t WHERE t.id = j.task_id AND t.account_id = \(account)))
                      AND (\(only)::bigint[] IS NULL OR j.task_id = ANY(\(only)::bigint[]))
                    ORDER BY j.queued, j.task_id LIMIT \(limit) FOR UPDATE OF j SKIP LOCKED)
                UPDATE enrichment_job e SET lease_id = \(lease), lease_until = now() + make_interval(secs => \(seconds)), attempts = e.attempts + 1
                FROM picked WHERE e.task_id = picked.task_id
                RETURNING e.task_id, picked.retaken
                """, logger: logger)
            var picked: [(id: Int64, retaken: Bool)] = []
            for try await (id, retaken) in rows.decode((Int64, Bool).self) { picked.append((id, retaken)) }
            return picked.sorted { $0.id < $1.id }
        }
        return Claim(lease: lease, taskIDs: picked.map(\.id), retaken: picked.filter(\.retaken).map(\.id))
    }

    /// Holds the jobs a claim still has for `duration` more from now: a worker's heartbeat while
    /// its batch runs, so that a lease can be short (a killed worker's jobs wait little) however
    /// long a batch takes. How many it still held.
    @discardableResult
    public func renew(_ claim: Claim, lease duration: Duration) async throws -> Int {
        let (client, logger, lease, seconds) = (store.client, store.logger, claim.lease, Self.seconds(duration))
        return try await store.run {
            let rows = try await client.query("""
                UPDATE enrichment_job SET lease_until = now() + make_interval(secs => \(seconds))
                WHERE lease_id = \(lease) AND state = 'pending' RETURNING task_id
                """, logger: logger)
            var held = 0
            for try await _ in rows { held += 1 }
            return held
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The tasks of a claim, each with its owner's account id (deleted ones too: their jobs are
    /// completed with nothing applied).
    public func tasks(of claim: Claim) async throws -> [(account: Int64, task: TodoTask)] {
        let (client, logger, ids) = (store.client, store.logger, claim.taskIDs)
        return try await store.run {
            var out: [(account: Int64, task: TodoTask)] = []
            let rows = try await client.query("SELECT \(unescaped: PostgresTaskRow.columns) FROM task WHERE id = ANY(\(ids)) ORDER BY id", logger: logger)
            for try await row in rows { out.append(try PostgresTaskRow.decode(row)) }
            return out
        }
    }

    /// Applies the AI's `fields` (decided by `model`) to the task and marks its job done — only if
    /// `lease` still holds the job (not run out and claimed by another, not done already). The
    /// task is read again under a row lock: an edit made meanwhile wins, and fields the user set
    /// are kept (`AIFields.apply`). Tells every replica (`smart_todo_tasks`). With `undo`, the task
    /// as it was is recorded under that command (`todo enrich --user`). Whether it was applied.
    public func complete(taskID: Int64, lease: UUID, fields: AIFields, model: String, undo: UndoStep? = nil, now: Date = Date()) async throws -> Bool {
        return try await store.transaction { connection, logger in
            // The task's row first, then its job's: the order of an edit (`AccountTasks`), so
            // an edit and a worker's answer for one task never wait on each other in a cycle.
            var current: (account: Int64, task: TodoTask)?
            let rows = try await connection.query("SELECT \(unescaped: PostgresTaskRow.columns) FROM task WHERE id = \(taskID) FOR UPDATE", logger: logger)
            for try await row in rows { current = try PostgresTaskRow.decode(row) }
            let held = try await connection.query("""
                UPDATE enrichment_job SET state = 'done', lease_until = NULL
                WHERE task_id = \(taskID) AND lease_id = \(lease) AND state = 'pending' RETURNING task_id
                """, logger: logger)
            var applies = false
            for try await _ in held.decode(Int64.self) { applies = true }
            guard applies else { return false }
            guard let (account, before) = current, before.status != .deleted else { return true }
            var task = before
            fields.apply(to: &task, model: model, now: now)
            // Decided as before: nothing to write or undo; the streams still hear the job is done.
            if !task.changesNothing(of: before) {
                let (category, priority) = (task.category, task.priority?.rawValue)
                let (tags, provenance) = (try PostgresTaskRow.json(task.tags), try PostgresTaskRow.json(task.provenance))
                try await connection.query("""
                    UPDATE task SET category = \(category), priority = \(priority), tags = \(tags)::jsonb, provenance = \(provenance)::jsonb
                    WHERE id = \(taskID)
                    """, logger: logger)
                if let undo {
                    try await PostgresUndoLog.record([.init(id: taskID, before: before)], step: undo, account: account, on: connection, logger: logger)
                }
            }
            try await TaskNotification(account: account, taskID: taskID, kind: .enriched).send(on: connection, logger: logger)
            return true
        }
    }

    /// Gives back the jobs of a claim not completed yet, as they were before it (their attempt
    /// uncounted): a stopped worker's batch is for any worker at once, not after the lease.
    public func release(_ claim: Claim) async throws {
        let (client, logger, lease) = (store.client, store.logger, claim.lease)
        try await store.run {
            let rows = try await client.query("""
                UPDATE enrichment_job SET lease_id = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
                WHERE lease_id = \(lease) AND state = 'pending' RETURNING task_id
                """, logger: logger)
            for try await _ in rows {}  // read to the end: the connection goes back to the pool then
        }
    }

    /// Jobs not done yet.
    public func pendingCount() async throws -> Int {
        let (client, logger) = (store.client, store.logger)
        return try await store.run {
            for try await n in try await client.query("SELECT count(*)::bigint FROM enrichment_job WHERE state = 'pending'", logger: logger).decode(Int64.self) { return Int(n) }
            return 0
        }
    }

    /// Waits until a job is queued (by any process) or `timeout` passes; whether one was.
    /// An idle worker calls this instead of polling.
    public func waitForJobs(timeout: Duration, listening: @escaping @Sendable () async -> Void = {}) async throws -> Bool {
        let (client, logger) = (store.client, store.logger)
        return try await store.run(waiting: true) {
            try await client.withConnection { connection in
                try await connection.listen(on: "smart_todo_jobs") { notifications in
                    await listening()
                    return try await withThrowingTaskGroup(of: Bool.self) { group in
                        group.addTask {
                            for try await _ in notifications { return true }
                            return false
                        }
                        group.addTask { try await Task.sleep(for: timeout); return false }
                        defer { group.cancelAll() }
                        return try await group.next() ?? false
                    }
                }
            }
        }
    }
}

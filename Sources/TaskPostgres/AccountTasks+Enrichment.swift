import Foundation
import PostgresNIO
import TaskService

/// An account's enrichment jobs: queued again on demand (`todo enrich ID`, `--all`), and the
/// given-up ones given another round (`--retry`). The jobs run wherever a worker claims them.
extension AccountTasks {
    /// Queues these live tasks of the account again, all or none: an id that is not one of them
    /// is an unknown task.
    public func requeue(ids: [Int64]) async throws {
        let (owner, wanted) = (account.id, Array(Set(ids)))
        try await transaction { connection, logger in
            var found = Set<Int64>()
            let rows = try await connection.query("""
                SELECT id FROM task WHERE account_id = \(owner) AND id = ANY(\(wanted)) AND status <> 'deleted' FOR UPDATE
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { found.insert(id) }
            if let missing = ids.first(where: { !found.contains($0) }) { throw StoreError.unknownTask(id: missing) }
            try await Self.queueJobs(for: wanted, on: connection, logger: logger)
        }
    }

    /// Queues every pending task of the account again; how many.
    public func requeuePending() async throws -> Int {
        let owner = account.id
        return try await transaction { connection, logger in
            var ids: [Int64] = []
            let rows = try await connection.query("SELECT id FROM task WHERE account_id = \(owner) AND status = 'pending' ORDER BY id", logger: logger)
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            try await Self.queueJobs(for: ids, on: connection, logger: logger)
            return ids.count
        }
    }

    /// Gives the account's given-up jobs (claimed `PostgresJobQueue.maxAttempts` times without
    /// an answer) their attempts back; how many.
    public func retryGivenUp() async throws -> Int {
        let owner = account.id
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                UPDATE enrichment_job j SET attempts = 0, lease_id = NULL, lease_until = NULL
                FROM task t WHERE t.id = j.task_id AND t.account_id = \(owner) AND j.state = 'pending' AND j.attempts >= \(PostgresJobQueue.maxAttempts)
                RETURNING j.task_id
                """, logger: logger)
            var count = 0
            for try await _ in rows.decode(Int64.self) { count += 1 }
            // An UPDATE fires no `enrichment_job_queued`: idle workers are woken here.
            if count > 0 { try await connection.query("SELECT pg_notify('smart_todo_jobs', '')", logger: logger) }
            return count
        }
    }

    /// Queues the live tasks among `ids` whose job is done, leaving pending and given-up ones
    /// be: a search that lacks their vectors (the cache was cleared, the model changed) has a
    /// worker make them. The ids queued.
    @discardableResult
    public func queueForIndexing(ids: [Int64]) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        let owner = account.id
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                INSERT INTO enrichment_job (task_id)
                SELECT id FROM task WHERE account_id = \(owner) AND id = ANY(\(ids)) AND status <> 'deleted' ORDER BY id
                ON CONFLICT (task_id) DO UPDATE SET \(unescaped: Self.pendingFromNow)
                WHERE enrichment_job.state = 'done'
                RETURNING task_id
                """, logger: logger)
            var queued: [Int64] = []
            for try await id in rows.decode(Int64.self) { queued.append(id) }
            return queued
        }
    }

    /// One job per task, pending from now: a job done, given up or held by a worker is taken
    /// back (a held lease no longer applies, so that worker's answer for the old text is dropped).
    static func queueJobs(for ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("""
            INSERT INTO enrichment_job (task_id) SELECT unnest(\(ids)::bigint[]) ORDER BY 1
            ON CONFLICT (task_id) DO UPDATE SET \(unescaped: Self.pendingFromNow)
            """, logger: logger)
    }

    /// Drops the pending jobs of these tasks (deleted ones: nothing to compute, nothing to count),
    /// as `EnrichmentQueue.dropPending` does on SQLite.
    static func dropPendingJobs(for ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("DELETE FROM enrichment_job WHERE task_id = ANY(\(ids)::bigint[]) AND state = 'pending'", logger: logger)
    }

    /// A job made pending again, as if new: its attempts back, any lease let go.
    static let pendingFromNow = "state = 'pending', attempts = 0, lease_id = NULL, lease_until = NULL, queued = now()"
}

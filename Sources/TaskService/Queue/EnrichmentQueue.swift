import Foundation
import GRDB

/// The durable enrichment queue: jobs live in the task database, written in the same
/// transaction as their task, and are marked done only after the results are stored.
/// A crash (even `kill -9`) at any point leaves the task and a pending job; the next
/// `todo enrich` finishes it. Failures are retried with exponential backoff and recorded.
public struct EnrichmentQueue: Sendable {
    let store: TaskStore
    /// After this many failed attempts a job is marked failed (still listed by `todo enrich --failed`).
    public var maxAttempts = 5
    /// First retry delay; doubled after each failure.
    public var backoff: TimeInterval = 30

    public init(store: TaskStore) { self.store = store }

    /// Jobs run and marked done together: a failure retries these, a stop waits for them.
    public static let chunkSize = 16

    public struct Job: Sendable, Equatable, Codable {
        public var id: Int64
        public var taskID: Int64
        public var state: String
        public var attempts: Int
        public var notBefore: Date
        public var lastError: String?
    }

    public struct Counts: Sendable, Equatable, Codable {
        public var pending = 0
        public var done = 0
        public var failed = 0

        public init(pending: Int = 0, done: Int = 0, failed: Int = 0) {
            (self.pending, self.done, self.failed) = (pending, done, failed)
        }
    }

    static func enqueue(_ db: Database, taskID: Int64, now: Date) throws {
        // One pending job per task is enough: it enriches the task as it is when it runs.
        let exists = try Int.fetchOne(db, sql: "SELECT count(*) FROM enrichment_job WHERE task_id = ? AND state = 'pending'", arguments: [taskID]) ?? 0
        guard exists == 0 else { return }
        let t = now.timeIntervalSince1970
        try db.execute(sql: "INSERT INTO enrichment_job (task_id, state, attempts, not_before, created, updated) VALUES (?, 'pending', 0, ?, ?, ?)",
                       arguments: [taskID, t, t, t])
    }

    /// Drops the pending jobs of these tasks (deleted ones: nothing to compute, nothing to count).
    static func dropPending(_ db: Database, taskIDs: [Int64]) throws {
        for id in taskIDs { try db.execute(sql: "DELETE FROM enrichment_job WHERE task_id = ? AND state = 'pending'", arguments: [id]) }
    }

    /// Queues enrichment of existing tasks (`todo enrich --all`, edits).
    public func enqueue(_ ids: [Int64], now: Date = Date()) throws {
        try store.write { db in for id in ids { try Self.enqueue(db, taskID: id, now: now) } }
    }

    /// Pending jobs due by `now` (all of them with `includeWaiting`), oldest first.
    public func pending(now: Date = Date(), includeWaiting: Bool = false, taskID: Int64? = nil) throws -> [Job] {
        try store.writer.read { db in
            var sql = "SELECT * FROM enrichment_job WHERE state = 'pending'"
            var args: [any DatabaseValueConvertible] = []
            if !includeWaiting { sql += " AND not_before <= ?"; args.append(now.timeIntervalSince1970) }
            if let taskID { sql += " AND task_id = ?"; args.append(taskID) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(args)).map(Self.job)
        }
    }

    /// Due pending jobs older than `age` (left by an interrupted run, or queued with --async), oldest first.
    public func stale(olderThan age: TimeInterval, limit: Int, now: Date = Date()) throws -> [Job] {
        try store.writer.read { db in
            // Oldest first along (state, id), stopping at `limit`: the (state, not_before) index
            // would sort every pending job (100,000 after an import) to find the first few.
            try Row.fetchAll(db, sql: """
                SELECT * FROM enrichment_job INDEXED BY enrichment_job_oldest
                WHERE state = 'pending' AND not_before <= ? AND created <= ? ORDER BY id LIMIT ?
                """,
                             arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970 - age, limit]).map(Self.job)
        }
    }

    public func failed() throws -> [Job] {
        try store.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM enrichment_job WHERE state = 'failed' ORDER BY id").map(Self.job) }
    }

    public func counts() throws -> Counts {
        try store.writer.read { db in
            var c = Counts()
            for row in try Row.fetchAll(db, sql: "SELECT state, n FROM job_count") {  // kept by triggers: no scan of the jobs
                switch row["state"] as String {
                case "pending": c.pending = row["n"]
                case "done": c.done = row["n"]
                default: c.failed = row["n"]
                }
            }
            return c
        }
    }

    /// Puts given-up jobs back in the queue, due now.
    public func retryFailed(now: Date = Date()) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE enrichment_job SET state = 'pending', attempts = 0, not_before = ?, updated = ? WHERE state = 'failed'",
                           arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    public func markDone(_ jobIDs: [Int64], now: Date = Date()) throws {
        try store.write { db in
            for id in jobIDs {
                try db.execute(sql: "UPDATE enrichment_job SET state = 'done', updated = ?, last_error = NULL WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
            }
        }
    }

    /// Records a failure: retried after backoff × 2^(attempts−1), failed for good after `maxAttempts`.
    public func markFailed(_ jobIDs: [Int64], error: String, now: Date = Date()) throws {
        try store.write { db in
            for id in jobIDs {
                guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM enrichment_job WHERE id = ?", arguments: [id]) else { continue }
                let n = attempts + 1
                let state = n >= maxAttempts ? "failed" : "pending"
                let next = now.timeIntervalSince1970 + backoff * pow(2, Double(n - 1))
                try db.execute(sql: "UPDATE enrichment_job SET attempts = ?, state = ?, not_before = ?, last_error = ?, updated = ? WHERE id = ?",
                               arguments: [n, state, next, error, now.timeIntervalSince1970, id])
            }
        }
    }

    public struct RunReport: Sendable, Equatable, Codable {
        public var enriched = 0
        public var failed = 0
        public var errors: [String] = []

        public init() {}
    }

    /// Runs due jobs through `enricher`, in chunks, marking each chunk done once its results are stored.
    public func run(_ enricher: Enricher, jobs: [Job], undo: UndoStep? = nil, now: Date = Date(), progress: ((Int, Int) -> Void)? = nil) throws -> RunReport {
        var report = RunReport()
        for start in stride(from: 0, to: jobs.count, by: Self.chunkSize) {
            let chunk = Array(jobs[start..<min(start + Self.chunkSize, jobs.count)])
            do {
                try enricher.enrich(ids: chunk.map(\.taskID), undo: undo, now: now)
                try markDone(chunk.map(\.id))
                report.enriched += chunk.count
            } catch let error as EnrichmentError {
                throw error  // no model, or stopped: nothing to retry now, the jobs stay pending untouched
            } catch {
                try markFailed(chunk.map(\.id), error: "\(error)", now: now)
                report.failed += chunk.count
                report.errors.append("\(error)")
            }
            progress?(min(start + Self.chunkSize, jobs.count), jobs.count)
        }
        return report
    }

    private static func job(_ row: Row) -> Job {
        Job(id: row["id"], taskID: row["task_id"], state: row["state"], attempts: row["attempts"],
            notBefore: Date(timeIntervalSince1970: row["not_before"]), lastError: row["last_error"])
    }
}

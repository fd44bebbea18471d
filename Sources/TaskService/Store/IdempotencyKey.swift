import Foundation
import GRDB

/// What a client sends with a new task (`Idempotency-Key` on `POST /api/tasks`) so that sending
/// it again — after a timeout, or to another replica when one died — finds the task the first
/// request stored instead of storing it twice. One user's keys are theirs alone.
public struct IdempotencyKey: Sendable, Hashable {
    public let text: String

    /// 1 to 255 visible ASCII characters (a UUID, a hash, a counter); nil otherwise.
    public init?(_ text: String) {
        guard (1...255).contains(text.utf8.count), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        self.text = text
    }

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8 idempotency keys") { db in
            try db.execute(sql: """
                ALTER TABLE task ADD COLUMN idempotency_key TEXT;
                CREATE UNIQUE INDEX task_idempotency_key ON task(idempotency_key) WHERE idempotency_key IS NOT NULL;
                """)
        }
    }
}

/// A task `add` stored, or found stored by an earlier request with the same `IdempotencyKey`.
public struct AddedTask: Sendable {
    public var task: TodoTask
    /// The task was stored before, by a request with the same key: nothing new was stored.
    public var replayed: Bool

    public init(task: TodoTask, replayed: Bool) {
        self.task = task
        self.replayed = replayed
    }
}

extension TaskStore {
    /// Stores `task` with its enrichment job — unless a task was stored with `key` before, which
    /// is then returned as it is now (deleted or not: a retry must not bring a task back).
    public func add(_ task: TodoTask, idempotencyKey key: IdempotencyKey, now: Date = Date()) throws -> AddedTask {
        try Self.check(task, now: now)
        return try write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM task WHERE idempotency_key = ?", arguments: [key.text]),
               let stored = try TodoTask.fetchOne(db, key: id) {
                return AddedTask(task: stored, replayed: true)
            }
            var t = task
            try t.insert(db)
            try db.execute(sql: "UPDATE task SET idempotency_key = ? WHERE id = ?", arguments: [key.text, t.id!])
            try EnrichmentQueue.enqueue(db, taskID: t.id!, now: now)
            return AddedTask(task: t, replayed: false)
        }
    }
}

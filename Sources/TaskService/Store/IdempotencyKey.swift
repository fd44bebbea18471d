import Foundation
import GRDB
import Inference

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

    /// What a client sent with the key, as a hash of the task's fields before anything was
    /// filled in: a request sent again must be the same request. (Compared with the task as
    /// stored, an edit made since would look like another request.)
    public static func request(_ task: TodoTask) -> String {
        let due = task.due.map { String(Int64((($0.timeIntervalSince1970) * 1000).rounded())) } ?? ""
        let fields = [task.title, task.description, task.category ?? "", task.priority?.rawValue ?? "", task.tags.joined(separator: "\u{1E}"), due]
        return SHA256.hex(fields.joined(separator: "\u{1F}"))
    }

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8 idempotency keys") { db in
            try db.execute(sql: """
                ALTER TABLE task ADD COLUMN idempotency_key TEXT;
                CREATE UNIQUE INDEX task_idempotency_key ON task(idempotency_key) WHERE idempotency_key IS NOT NULL;
                """)
        }
        // NULL for a key stored before: any request with it replays.
        migrator.registerMigration("v9 idempotency requests") { db in
            try db.execute(sql: "ALTER TABLE task ADD COLUMN idempotency_request TEXT")
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
    /// is then returned as it is now (deleted or not: a retry must not bring a task back). The
    /// key sent with another task is `StoreError.idempotencyKeyReused`.
    public func add(_ task: TodoTask, idempotencyKey key: IdempotencyKey, undo: UndoStep? = nil, now: Date = Date()) throws -> AddedTask {
        try Self.check(task, now: now)
        let request = IdempotencyKey.request(task)
        return try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT id, idempotency_request FROM task WHERE idempotency_key = ?", arguments: [key.text]),
               let stored = try TodoTask.fetchOne(db, key: row["id"] as Int64) {
                if let first = row["idempotency_request"] as String?, first != request { throw StoreError.idempotencyKeyReused(key.text) }
                return AddedTask(task: stored, replayed: true)
            }
            var t = task
            try t.insert(db)
            try db.execute(sql: "UPDATE task SET idempotency_key = ?, idempotency_request = ? WHERE id = ?", arguments: [key.text, request, t.id!])
            try EnrichmentQueue.enqueue(db, taskID: t.id!, now: now)
            if let undo { try UndoLog.record(db, step: undo, snapshots: [.init(id: t.id!, before: nil)], now: now) }
            return AddedTask(task: t, replayed: false)
        }
    }
}

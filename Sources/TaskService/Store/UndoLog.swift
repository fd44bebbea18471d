import Foundation
import GRDB

/// One entry per mutating command, holding the affected tasks as they were before it,
/// written in the command's own transaction. `undo` restores them as a whole.
public struct UndoLog: Sendable {
    let store: TaskStore

    public init(store: TaskStore) { self.store = store }

    /// A task as it was before a command (PostgreSQL's log keeps the same, `PostgresUndoLog`).
    public struct Snapshot: Codable, Sendable {
        public var id: Int64
        /// nil: the command created the task.
        public var before: TodoTask?

        public init(id: Int64, before: TodoTask?) {
            self.id = id
            self.before = before
        }
    }

    /// Keeps the most recent entries only; older ones cannot be undone.
    public static let keep = 100

    /// Everything one process records for one command is one step for `undo`, however many transactions it took.
    static let process = UUID().uuidString

    /// The step `command`'s entries belong to, in this process.
    public static func batch(of command: String) -> String { process + " " + command }

    static func record(_ db: Database, command: String, snapshots: [Snapshot], now: Date) throws {
        guard !snapshots.isEmpty else { return }
        let data = try JSONEncoder().encode(snapshots)
        try db.execute(sql: "INSERT INTO undo_entry (command, batch, snapshot, created) VALUES (?, ?, ?, ?)",
                       arguments: [command, batch(of: command), data, now.timeIntervalSince1970])
        try db.execute(sql: "DELETE FROM undo_entry WHERE id <= (SELECT max(id) FROM undo_entry) - ?", arguments: [keep])
    }

    public struct Undone: Sendable, Equatable {
        public var command: String
        public var tasks: [TodoTask]

        public init(command: String, tasks: [TodoTask]) {
            self.command = command
            self.tasks = tasks
        }
    }

    /// The last command, if any.
    public func last() throws -> String? {
        try store.writer.read { try String.fetchOne($0, sql: "SELECT command FROM undo_entry ORDER BY id DESC LIMIT 1") }
    }

    /// Reverts the last recorded command: tasks it changed get their earlier state back, tasks it created are deleted.
    public func undo(now: Date = Date()) throws -> Undone? {
        try store.write { db in
            guard let top = try Row.fetchOne(db, sql: "SELECT command, batch FROM undo_entry ORDER BY id DESC LIMIT 1") else { return nil }
            // Newest entry first, so each task ends in its state from before the whole command.
            let rows = try Row.fetchAll(db, sql: "SELECT id, snapshot FROM undo_entry WHERE batch = ? ORDER BY id DESC", arguments: [top["batch"] as String])
            let snapshots = try rows.flatMap { try JSONDecoder().decode([Snapshot].self, from: $0["snapshot"] as Data).reversed() }
            var restored: [Int64: TodoTask] = [:]
            for s in snapshots {
                if var before = s.before {
                    before.updated = now.storedPrecision
                    try before.save(db)
                    restored[s.id] = before
                } else if var created = try TodoTask.fetchOne(db, key: s.id) {
                    created.status = .deleted
                    created.updated = now.storedPrecision
                    try created.update(db)
                    restored[s.id] = created
                }
            }
            try db.execute(sql: "DELETE FROM undo_entry WHERE batch = ?", arguments: [top["batch"] as String])
            return Undone(command: top["command"], tasks: restored.values.sorted { $0.id! < $1.id! })
        }
    }
}

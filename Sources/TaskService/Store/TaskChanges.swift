import Foundation
import GRDB

/// A task written since a look at the log (`TaskStore.changes`).
public struct TaskChange: Sendable, Equatable {
    /// The task as it is now (its last change wins).
    public var task: TodoTask
    /// Whether one of the changes made it (an add or an import, not an edit).
    public var inserted: Bool
}

/// Every write of a task, in commit order, whoever makes it (our commands, undo, imports, the
/// service, another program's SQL): SQL triggers log the task's id in `task_change`, so a
/// long-running process (`todo serve`) can tell its listeners of what other processes changed
/// by reading the log since its last look, not every task. The log keeps the last `kept`
/// changes: the trigger that adds one drops the one that many before it, so it stays the same
/// size, and each write the same cost, at any number of writes.
enum TaskChangeLog {
    static let kept = 10_000

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10 task changes in commit order") { db in
            try db.execute(sql: """
                CREATE TABLE task_change (seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL, inserted INTEGER NOT NULL);
                CREATE TRIGGER task_inserted_change AFTER INSERT ON task BEGIN
                    INSERT INTO task_change (task_id, inserted) VALUES (NEW.id, 1);
                    DELETE FROM task_change WHERE seq <= last_insert_rowid() - \(kept);
                END;
                CREATE TRIGGER task_updated_change AFTER UPDATE ON task BEGIN
                    INSERT INTO task_change (task_id, inserted) VALUES (NEW.id, 0);
                    DELETE FROM task_change WHERE seq <= last_insert_rowid() - \(kept);
                END;
                """)
        }
    }
}

extension TaskStore {
    /// The number of the last task change (0: none logged yet).
    public func lastChange() throws -> Int64 {
        try writer.read { try Int64.fetchOne($0, sql: "SELECT ifnull(max(seq), 0) FROM task_change") ?? 0 }
    }

    /// The tasks changed after change `seq` up to change `last`, each once, in the order of its
    /// last change; at most `kept` of them (older ones have left the log).
    public func changes(after seq: Int64, through last: Int64) throws -> [TaskChange] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT task_id, max(inserted) AS inserted, max(seq) AS last FROM task_change
                WHERE seq > ? AND seq <= ? GROUP BY task_id ORDER BY last
                """, arguments: [seq, last])
            let tasks = Dictionary(uniqueKeysWithValues: try TodoTask.fetchAll(db, keys: rows.map { $0["task_id"] as Int64 }).map { ($0.id!, $0) })
            return rows.compactMap { row in tasks[row["task_id"]].map { TaskChange(task: $0, inserted: row["inserted"] as Int64 != 0) } }
        }
    }
}

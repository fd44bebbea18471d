import Foundation
import PostgresNIO
import TaskService

/// `todo undo` on an account, as `UndoLog` on a file: each change a command makes records the
/// tasks as they were, in the change's own transaction, under the command's step (one process,
/// one command); `undo` restores the account's last step as a whole. Each account has its own
/// history, of the last `UndoLog.keep` entries.
enum PostgresUndoLog {
    static func record(_ snapshots: [UndoLog.Snapshot], step: UndoStep, account: Int64,
                       on connection: PostgresConnection, logger: Logger) async throws {
        guard !snapshots.isEmpty else { return }
        var snapshots = snapshots
        var left: [Int64: Date] = [:]
        for try await (id, updated) in try await connection.query("SELECT id, updated FROM task WHERE id = ANY(\(snapshots.map(\.id)))", logger: logger)
            .decode((Int64, Date).self) { left[id] = updated }
        for i in snapshots.indices { snapshots[i].after = left[snapshots[i].id] }
        let (data, command, batch) = (try JSONEncoder().encode(snapshots), step.command, step.batch)
        try await connection.query("""
            INSERT INTO undo_entry (account_id, command, batch, snapshot) VALUES (\(account), \(command), \(batch), \(data))
            """, logger: logger)
        try await connection.query("""
            DELETE FROM undo_entry WHERE account_id = \(account)
              AND id <= (SELECT id FROM undo_entry WHERE account_id = \(account) ORDER BY id DESC OFFSET \(UndoLog.keep) LIMIT 1)
            """, logger: logger)
    }
}

extension AccountTasks {
    /// Reverts the account's last recorded command: the tasks it changed get their earlier state
    /// back, the tasks it created are deleted; nil when there is nothing to undo. Two undos at
    /// once take one step each, one after the other. A task changed since the command refuses
    /// the undo (`force`: undone even then).
    public func undo(force: Bool = false) async throws -> UndoLog.Undone? {
        let owner = account.id
        return try await transaction { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('undo:' || \(owner)::text))", logger: logger)
            var top: (command: String, batch: String)?
            for try await row in try await connection.query("""
                SELECT command, batch FROM undo_entry WHERE account_id = \(owner) ORDER BY id DESC LIMIT 1
                """, logger: logger).decode((String, String).self) { top = row }
            guard let (command, batch) = top else { return nil }
            // Newest entry first, so each task ends in its state from before the whole command.
            var snapshots: [UndoLog.Snapshot] = []
            for try await data in try await connection.query("""
                SELECT snapshot FROM undo_entry WHERE account_id = \(owner) AND batch = \(batch) ORDER BY id DESC
                """, logger: logger).decode(Data.self) {
                snapshots += try JSONDecoder().decode([UndoLog.Snapshot].self, from: data).reversed()
            }
            if !force {
                var updated: [Int64: Date] = [:]
                for try await (id, time) in try await connection.query("""
                    SELECT id, updated FROM task WHERE account_id = \(owner) AND id = ANY(\(Array(Set(snapshots.map(\.id)))))
                    """, logger: logger).decode((Int64, Date).self) { updated[id] = time }
                try UndoLog.Snapshot.refuseIfChanged(snapshots, updated: updated, command: command)
            }
            var restored: [Int64: TodoTask] = [:], revived: Set<Int64> = []
            for snapshot in snapshots {
                guard var task = try await Self.lockedAnyStatus(snapshot.id, owner: owner, on: connection, logger: logger) else { continue }
                if let before = snapshot.before {
                    if before.status != .deleted && task.status == .deleted { revived.insert(snapshot.id) }
                    // With its own `updated`: the command before this one finds it as it left it.
                    task = before
                } else {
                    task.status = .deleted
                    task.completed = nil
                }
                restored[snapshot.id] = try await Self.update(task, stamped: snapshot.before == nil, on: connection, logger: logger)
                try await TaskNotification(account: owner, taskID: snapshot.id, kind: task.status == .deleted ? .deleted : .updated)
                    .send(on: connection, logger: logger)
            }
            // An undone enrichment leaves tasks without AI fields: queued again, as when they were new.
            try await Self.queueJobs(for: UndoLog.toEnrich(restored.values, revived: revived).sorted(), on: connection, logger: logger)
            try await Self.dropPendingJobs(for: UndoLog.leftDeleted(restored.values), on: connection, logger: logger)
            try await connection.query("DELETE FROM undo_entry WHERE account_id = \(owner) AND batch = \(batch)", logger: logger)
            return UndoLog.Undone(command: command, tasks: restored.values.sorted { $0.id! < $1.id! })
        }
    }
}

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
        /// When the command left the task (its `updated`), set as the entry is recorded: a task
        /// updated since was changed by something else, which an undo would lose. nil in
        /// entries from before it was kept.
        public var after: Date?

        public init(id: Int64, before: TodoTask?, after: Date? = nil) {
            self.id = id
            self.before = before
            self.after = after
        }

        /// Refuses the undo of `command` when a task of its `snapshots` (newest first) was
        /// changed since the command left it, given each task's `updated` now: the undo would
        /// lose that change.
        public static func refuseIfChanged(_ snapshots: [Snapshot], updated: [Int64: Date], command: String) throws {
            var seen = Set<Int64>(), changed: [Int64] = []
            for s in snapshots where seen.insert(s.id).inserted {
                // Milliseconds: what both engines keep of a time.
                if let after = s.after, let now = updated[s.id], abs(now.timeIntervalSince(after)) >= 0.001 { changed.append(s.id) }
            }
            guard !changed.isEmpty else { return }
            throw StoreError.changedSince(command: command, tasks: changed.sorted())
        }
    }

    /// Keeps the most recent entries only; older ones cannot be undone.
    public static let keep = 100

    /// Everything one process records for one command is one step for `undo`, however many transactions it took.
    static let process = UUID().uuidString

    static func record(_ db: Database, step: UndoStep, snapshots: [Snapshot], now: Date) throws {
        guard !snapshots.isEmpty else { return }
        var snapshots = snapshots
        let left = try updated(db, snapshots)
        for i in snapshots.indices { snapshots[i].after = left[snapshots[i].id] }
        let data = try JSONEncoder().encode(snapshots)
        try db.execute(sql: "INSERT INTO undo_entry (command, batch, snapshot, created) VALUES (?, ?, ?, ?)",
                       arguments: [step.command, step.batch, data, now.timeIntervalSince1970])
        try db.execute(sql: "DELETE FROM undo_entry WHERE id <= (SELECT max(id) FROM undo_entry) - ?", arguments: [keep])
    }

    /// Each task's `updated` as stored now.
    private static func updated(_ db: Database, _ snapshots: [Snapshot]) throws -> [Int64: Date] {
        Dictionary(try TodoTask.fetchAll(db, keys: Set(snapshots.map(\.id))).map { ($0.id!, $0.updated) }, uniquingKeysWith: { a, _ in a })
    }

    public struct Undone: Sendable, Equatable {
        public var command: String
        public var tasks: [TodoTask]

        public init(command: String, tasks: [TodoTask]) {
            self.command = command
            self.tasks = tasks
        }
    }

    /// The restored tasks an undo queues for enrichment (both engines): live ones still lacking an
    /// AI field, as after undoing `todo enrich` — else nothing would ever fill them again — and
    /// those `revived` from deletion, which took their job with them (from the cache when their
    /// text is as it was).
    public static func toEnrich(_ restored: some Sequence<TodoTask>, revived: Set<Int64> = []) -> [Int64] {
        restored.filter { $0.status != .deleted && ($0.lacksAIFields || revived.contains($0.id!)) }.compactMap(\.id)
    }

    /// The restored tasks an undo leaves deleted (an undone add, say): their pending jobs go, as a
    /// delete's do (both engines), so nothing is computed or counted for them.
    public static func leftDeleted(_ restored: some Sequence<TodoTask>) -> [Int64] {
        restored.filter { $0.status == .deleted }.compactMap(\.id)
    }

    /// The last command, if any.
    public func last() throws -> String? {
        try store.writer.read { try String.fetchOne($0, sql: "SELECT command FROM undo_entry ORDER BY id DESC LIMIT 1") }
    }

    /// Reverts the last recorded command: tasks it changed get their earlier state back, tasks
    /// it created are deleted — unless one was changed since (`force`: even then).
    public func undo(force: Bool = false, now: Date = Date()) throws -> Undone? {
        try store.write { db in
            guard let top = try Row.fetchOne(db, sql: "SELECT command, batch FROM undo_entry ORDER BY id DESC LIMIT 1") else { return nil }
            // Newest entry first, so each task ends in its state from before the whole command.
            let rows = try Row.fetchAll(db, sql: "SELECT id, snapshot FROM undo_entry WHERE batch = ? ORDER BY id DESC", arguments: [top["batch"] as String])
            let snapshots = try rows.flatMap { try JSONDecoder().decode([Snapshot].self, from: $0["snapshot"] as Data).reversed() }
            if !force { try Snapshot.refuseIfChanged(snapshots, updated: try Self.updated(db, snapshots), command: top["command"]) }
            var restored: [Int64: TodoTask] = [:], revived: Set<Int64> = []
            for s in snapshots {
                if var before = s.before {
                    if before.status != .deleted, try TodoTask.fetchOne(db, key: s.id)?.status == .deleted { revived.insert(s.id) }
                    // With its own `updated`: the task as it was, so the command before this one
                    // finds it as that command left it (and an ETag of then holds again).
                    try before.save(db)
                    restored[s.id] = before
                } else if var created = try TodoTask.fetchOne(db, key: s.id) {
                    created.status = .deleted
                    created.updated = now.storedPrecision
                    try created.update(db)
                    restored[s.id] = created
                }
            }
            // An undone enrichment leaves tasks without AI fields: queued again, as when they were new.
            for id in Self.toEnrich(restored.values, revived: revived) { try EnrichmentQueue.enqueue(db, taskID: id, now: now) }
            try EnrichmentQueue.dropPending(db, taskIDs: Self.leftDeleted(restored.values))
            try db.execute(sql: "DELETE FROM undo_entry WHERE batch = ?", arguments: [top["batch"] as String])
            return Undone(command: top["command"], tasks: restored.values.sorted { $0.id! < $1.id! })
        }
    }
}

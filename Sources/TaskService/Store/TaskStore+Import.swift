import Foundation
import GRDB

extension TaskStore {
    /// Every task, deleted ones included, in id order: what an export must hold to be lossless.
    public func allTasks() throws -> [TodoTask] {
        try writer.read { try TodoTask.order(TodoTask.Columns.id).fetchAll($0) }
    }

    public struct ImportReport: Sendable, Equatable {
        public var added = 0
        /// Tasks whose uuid is already in the database: left as they are.
        public var skipped = 0
        /// The added tasks' ids, in the order of the import.
        public var addedIDs: [Int64] = []
    }

    /// Adds `tasks` in one transaction (all or nothing). A task keeps its id when that id
    /// is free, else gets a new one; a uuid already present is skipped, never overwritten.
    public func importTasks(_ tasks: [TodoTask], enqueue: Bool = false, undo: String? = nil, now: Date = Date()) throws -> ImportReport {
        for (i, task) in tasks.enumerated() {
            if let id = task.id, !TaskRules.importableIDs.contains(id) {
                throw StoreError.invalid("task \(i + 1) of the import: id \(id) is outside \(TaskRules.importableIDs.lowerBound)…\(TaskRules.importableIDs.upperBound)")
            }
            if let problem = TaskRules.problem(with: task, now: now) { throw StoreError.invalid("task \(i + 1) of the import: \(problem)") }
        }
        return try write { db in
            var report = ImportReport()
            var created: [UndoLog.Snapshot] = []
            for var task in tasks {
                if try TodoTask.filter(Column("uuid") == task.uuid).fetchCount(db) > 0 {
                    report.skipped += 1
                    continue
                }
                if let id = task.id, try TodoTask.exists(db, key: id) { task.id = nil }
                try task.insert(db)
                report.added += 1
                report.addedIDs.append(task.id!)
                created.append(.init(id: task.id!, before: nil))
                // Tasks that arrive without AI fields get them from the queue.
                if enqueue && task.lacksAIFields {
                    try EnrichmentQueue.enqueue(db, taskID: task.id!, now: now)
                }
            }
            if let undo { try UndoLog.record(db, command: undo, snapshots: created, now: now) }
            return report
        }
    }
}

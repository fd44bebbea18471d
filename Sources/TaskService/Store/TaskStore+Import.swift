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
        /// Of the added, those deleted here before (an undone import, a backup read again):
        /// brought back as the import has them, under their id here.
        public var restored = 0
        /// The added tasks' ids, in the order of the import.
        public var addedIDs: [Int64] = []
        /// Of the added, those the file has deleted (an export is lossless: they stay deleted).
        public var deleted = 0
        /// Of the added, those queued for the AI fields they lack.
        public var queued = 0

        public init(added: Int = 0, skipped: Int = 0, restored: Int = 0, deleted: Int = 0, queued: Int = 0) {
            (self.added, self.skipped, self.restored, self.deleted, self.queued) = (added, skipped, restored, deleted, queued)
        }
    }

    /// Adds `tasks` in one transaction (all or nothing). A task keeps its id when that id
    /// is free, else gets a new one; a uuid already present is skipped, never overwritten —
    /// unless it was deleted here and the import has it alive: then it is restored.
    public func importTasks(_ tasks: [TodoTask], enqueue: Bool = false, undo: UndoStep? = nil, now: Date = Date()) throws -> ImportReport {
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
                if let here = try TodoTask.filter(Column("uuid") == task.uuid).fetchOne(db) {
                    guard here.status == .deleted, task.status != .deleted else {
                        report.skipped += 1
                        continue
                    }
                    task.id = here.id
                    try task.update(db)
                    report.restored += 1
                    created.append(.init(id: task.id!, before: here))  // undo deletes it again
                } else {
                    if let id = task.id, try TodoTask.exists(db, key: id) { task.id = nil }
                    try task.insert(db)
                    created.append(.init(id: task.id!, before: nil))
                }
                report.added += 1
                report.addedIDs.append(task.id!)
                if task.status == .deleted { report.deleted += 1 }
                // Tasks that arrive without AI fields get them from the queue.
                if enqueue && task.queuedOnImport {
                    try EnrichmentQueue.enqueue(db, taskID: task.id!, now: now)
                    report.queued += 1
                }
            }
            if let undo { try UndoLog.record(db, step: undo, snapshots: created, now: now) }
            return report
        }
    }
}

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
    }

    /// Adds `tasks` in one transaction (all or nothing). A task keeps its id when that id
    /// is free, else gets a new one; a uuid already present is skipped, never overwritten.
    public func importTasks(_ tasks: [TodoTask]) throws -> ImportReport {
        do {
            return try writer.write { db in
                var report = ImportReport()
                for var task in tasks {
                    if try TodoTask.filter(Column("uuid") == task.uuid).fetchCount(db) > 0 {
                        report.skipped += 1
                        continue
                    }
                    if let id = task.id, try TodoTask.exists(db, key: id) { task.id = nil }
                    try task.insert(db)
                    report.added += 1
                }
                return report
            }
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: location?.path ?? ":memory:")
        }
    }
}

import Foundation
import GRDB

extension TaskStore {
    /// Counts for `todo stats`, from the counts the database keeps (`BoundedSchema`) and two
    /// range counts on the due-date index: no task is read.
    public struct Summary: Sendable, Equatable {
        /// Live tasks by status.
        public var statuses: [String: Int] = [:]
        /// Pending tasks by category ("-": none) and by priority ("-": none).
        public var categories: [String: Int] = [:]
        public var priorities: [String: Int] = [:]
        /// Pending tasks per field the AI set (category, priority, tags).
        public var aiFilled: [String: Int] = [:]
        public var overdue = 0
        public var dueWithinWeek = 0

        public init() {}
    }

    public func summary(now: Date = Date()) throws -> Summary {
        try writer.read { db in
            var s = Summary()
            for row in try Row.fetchAll(db, sql: "SELECT status, category, priority, ai, n FROM task_summary WHERE status != 'deleted'") {
                let n: Int = row["n"], status: String = row["status"]
                s.statuses[status, default: 0] += n
                guard status == TodoTask.Status.pending.rawValue else { continue }
                let category: String = row["category"], priority: String = row["priority"], ai: String = row["ai"]
                s.categories[category.isEmpty ? "-" : category, default: 0] += n
                s.priorities[priority.isEmpty ? "-" : priority, default: 0] += n
                for (letter, field) in zip(ai, ["category", "priority", "tags"]) where letter != "-" { s.aiFilled[field, default: 0] += n }
            }
            let t = now.timeIntervalSince1970
            s.overdue = try Int.fetchOne(db, sql: "SELECT count(*) FROM task WHERE status = 'pending' AND due < ?", arguments: [t]) ?? 0
            s.dueWithinWeek = try Int.fetchOne(db, sql: "SELECT count(*) FROM task WHERE status = 'pending' AND due >= ? AND due < ?",
                                               arguments: [t, t + 7 * 86_400]) ?? 0
            return s
        }
    }
}

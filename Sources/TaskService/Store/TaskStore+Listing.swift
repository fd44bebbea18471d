import Foundation
import GRDB

/// Which tasks a listing shows. Tasks marked deleted are never listed.
public struct TaskFilter: Sendable, Equatable {
    /// nil: pending and done.
    public var status: TodoTask.Status?
    /// Any case.
    public var category: String?
    public var priority: TodoTask.Priority?
    /// Any case.
    public var tag: String?
    /// Due at this instant or before. A day without a time is read as its end (`DueDateParser`),
    /// so "before friday" holds all of Friday, the tasks due that day with a time and without one.
    public var dueBefore: Date?
    /// Due strictly after this instant: after a day's end, so "after friday" starts on Saturday.
    public var dueAfter: Date?

    public init(status: TodoTask.Status? = .pending, category: String? = nil, priority: TodoTask.Priority? = nil, tag: String? = nil,
                dueBefore: Date? = nil, dueAfter: Date? = nil) {
        self.status = status
        self.category = category
        self.priority = priority
        self.tag = tag
        self.dueBefore = dueBefore
        self.dueAfter = dueAfter
    }

    /// The filter as SQL over `task` (no urgency order).
    /// Whether only the status narrows the listing: its total is then read from the kept counts.
    public var selectsByStatusOnly: Bool {
        category == nil && priority == nil && tag == nil && dueBefore == nil && dueAfter == nil
    }

    func condition() -> (sql: String, arguments: [any DatabaseValueConvertible & Sendable]) {
        var sql = ["status != 'deleted'"]
        var arguments: [any DatabaseValueConvertible & Sendable] = []
        if let status { sql.append("status = ?"); arguments.append(status.rawValue) }
        if let category { sql.append("category = ? COLLATE NOCASE"); arguments.append(category) }
        if let priority { sql.append("priority = ?"); arguments.append(priority.rawValue) }
        if let tag {
            // ASCII letters compare by index; other letters' case is Swift's, as before the index.
            if tag.allSatisfy(\.isASCII) {
                sql.append("id IN (SELECT task_id FROM task_tag WHERE tag = ? COLLATE NOCASE)")
                arguments.append(tag)
            } else {
                sql.append("id IN (SELECT task_id FROM task_tag WHERE smart_todo_lower(tag) = ?)")
                arguments.append(tag.lowercased())
            }
        }
        if let dueBefore { sql.append("due IS NOT NULL AND due <= ?"); arguments.append(dueBefore.timeIntervalSince1970) }
        if let dueAfter { sql.append("due IS NOT NULL AND due > ?"); arguments.append(dueAfter.timeIntervalSince1970) }
        return (sql.joined(separator: " AND "), arguments)
    }
}

extension TaskStore {
    /// Tasks matching `filter` (by default every task not deleted), in id order.
    public func tasks(_ filter: TaskFilter = TaskFilter(status: nil)) throws -> [TodoTask] {
        try writer.read { db in
            let (condition, arguments) = filter.condition()
            return try TodoTask.fetchAll(db, sql: "SELECT * FROM task WHERE \(condition) ORDER BY id", arguments: StatementArguments(arguments))
        }
    }

    /// Tasks matching `filter`, most urgent first (`Prioritizer.urgency`, then id), the first
    /// `limit` of them, and how many match in all.
    ///
    /// With a limit nothing is sorted but what is shown: urgency is the priority's weight plus the
    /// term of the due date's `DueBucket`, so each (status, priority, bucket) is one indexed query
    /// in urgency order — by due date within a dated bucket, by id without one — taking at most
    /// `limit` rows; the most urgent are among their union.
    public func mostUrgent(_ filter: TaskFilter, limit: Int?, prioritizer: Prioritizer, now: Date = Date()) throws -> (tasks: [TodoTask], total: Int) {
        try writer.read { db in
            let (condition, arguments) = filter.condition()
            guard let limit else {
                let all = try TodoTask.fetchAll(db, sql: "SELECT * FROM task WHERE \(condition)", arguments: StatementArguments(arguments))
                return (prioritizer.mostUrgentFirst(all, now: now), all.count)
            }
            var candidates: [TodoTask] = []
            for urgencyClass in UrgencyClass.all(filter) {
                let base = "SELECT * FROM task WHERE \(condition) AND status = ? AND priority IS ?"
                let classArguments = arguments + [urgencyClass.status.rawValue, urgencyClass.priority?.rawValue]
                if let bucket = urgencyClass.bucket {
                    let (due, bounds) = bucket.sqlCondition(now: now)
                    candidates += try TodoTask.fetchAll(db, sql: "\(base) AND \(due) ORDER BY due, id LIMIT ?",
                                                        arguments: StatementArguments(classArguments + bounds + [limit]))
                } else {
                    candidates += try TodoTask.fetchAll(db, sql: "\(base) AND due IS NULL ORDER BY id LIMIT ?",
                                                        arguments: StatementArguments(classArguments + [limit]))
                }
            }
            let shown = Array(prioritizer.mostUrgentFirst(candidates, now: now).prefix(limit))
            // The total: counted by the database's counts when nothing but the status filters.
            let total: Int
            if filter.selectsByStatusOnly {
                let statusCondition = filter.status.map { "status = '\($0.rawValue)'" } ?? "status != 'deleted'"
                total = try Int.fetchOne(db, sql: "SELECT ifnull(sum(n), 0) FROM task_summary WHERE \(statusCondition)") ?? 0
            } else {
                total = try Int.fetchOne(db, sql: "SELECT count(*) FROM task WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            }
            return (shown, total)
        }
    }
}

/// Tasks of one status, one priority (or none) and one due bucket (nil: no due date) share
/// their urgency's order with the order of their due dates (by id without one): a listing of
/// the `limit` most urgent takes at most `limit` of each class, in that order, and sorts only
/// their union (`TaskStore.mostUrgent`, `AccountTasks.mostUrgent`).
public struct UrgencyClass: Sendable {
    public var status: TodoTask.Status
    public var priority: TodoTask.Priority?
    public var bucket: DueBucket?

    /// Every class `filter` can match.
    public static func all(_ filter: TaskFilter) -> [UrgencyClass] {
        let statuses = filter.status.map { [$0] } ?? [.pending, .done]
        let priorities: [TodoTask.Priority?] = filter.priority.map { [$0] } ?? TodoTask.Priority.allCases.map { $0 } + [nil]
        let buckets: [DueBucket?] = DueBucket.allCases.map { $0 } + [nil]
        return statuses.flatMap { status in priorities.flatMap { priority in buckets.map { UrgencyClass(status: status, priority: priority, bucket: $0) } } }
    }
}

extension Prioritizer {
    /// `tasks`, the most urgent first, then by id.
    public func mostUrgentFirst(_ tasks: [TodoTask], now: Date) -> [TodoTask] {
        let urgency = tasks.map { self.urgency(of: $0, now: now) }
        return tasks.indices.sorted { urgency[$0] != urgency[$1] ? urgency[$0] > urgency[$1] : tasks[$0].id! < tasks[$1].id! }.map { tasks[$0] }
    }
}

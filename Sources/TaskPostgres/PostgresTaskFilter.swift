import Foundation
import PostgresNIO
import TaskService

/// A listing's `TaskFilter` as the WHERE clause of one account's tasks, with the same meaning
/// as SQLite's (`TaskFilter.condition`): deleted tasks never listed, category and tag in any case.
struct PostgresTaskFilter {
    private(set) var query = PostgresQuery(unsafeSQL: "WHERE account_id = $1 AND status <> 'deleted'", binds: PostgresBindings())

    init(_ filter: TaskFilter, account: Int64) {
        query.binds.append(account)
        if let status = filter.status { add("status = ", status.rawValue) }
        if let category = filter.category { add("lower(category) = lower(", category, ")") }
        if let priority = filter.priority { add("priority = ", priority.rawValue) }
        if let tag = filter.tag { add("EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags) AS t(tag) WHERE lower(t.tag) = lower(", tag, "))") }
        if let before = filter.dueBefore { add("due <= ", before) }  // inclusive: see `TaskFilter.dueBefore`
        if let after = filter.dueAfter { add("due > ", after) }
    }

    private mutating func add(_ before: String, _ value: some PostgresDynamicTypeEncodable, _ after: String = "") {
        query.binds.append(value)
        query.sql += " AND \(before)$\(query.binds.count)\(after)"
    }
}

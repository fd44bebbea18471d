import Foundation
import PostgresNIO
import TaskService

extension AccountTasks {
    /// The account's tasks matching `filter`, most urgent first, the first `limit` of them, and
    /// how many match in all — as `TaskStore.mostUrgent`: at most `limit` rows of each
    /// `UrgencyClass`, through the (account, status, due) index, and only their union sorted.
    public func mostUrgent(_ filter: TaskFilter, limit: Int?, prioritizer: Prioritizer, now: Date = Date()) async throws -> (tasks: [TodoTask], total: Int) {
        let base = PostgresTaskFilter(filter, account: account.id).query
        guard let limit else {
            let all = try await select(base)
            return (prioritizer.mostUrgentFirst(all, now: now), all.count)
        }
        var candidates: [TodoTask] = []
        for urgencyClass in UrgencyClass.all(filter) {
            var query = base
            func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
                query.binds.append(value)
                return "$\(query.binds.count)"
            }
            query.sql += " AND status = \(bind(urgencyClass.status.rawValue))"
            query.sql += urgencyClass.priority.map { " AND priority = \(bind($0.rawValue))" } ?? " AND priority IS NULL"
            if let bucket = urgencyClass.bucket {
                // The bucket's bounds are seconds since 1970, each `?` one of them.
                let (condition, bounds) = bucket.sqlCondition(now: now)
                var parts = condition.split(separator: "?", omittingEmptySubsequences: false).map(String.init)
                var sql = parts.removeFirst()
                for (part, bound) in zip(parts, bounds) { sql += "to_timestamp(\(bind(bound)))" + part }
                query.sql += " AND \(sql) ORDER BY due, id LIMIT \(bind(limit))"
            } else {
                query.sql += " AND due IS NULL ORDER BY id LIMIT \(bind(limit))"
            }
            candidates += try await select(query)
        }
        let counting: PostgresQuery
        if filter.selectsByStatusOnly {
            let status = filter.status?.rawValue
            counting = "SELECT coalesce(sum(n), 0)::bigint FROM task_count WHERE account_id = \(account.id) AND (status = \(status) OR (\(status)::text IS NULL AND status <> 'deleted'))"
        } else {
            counting = PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM task " + base.sql, binds: base.binds)
        }
        let total = try await value(Int64.self, counting) ?? 0
        return (Array(prioritizer.mostUrgentFirst(candidates, now: now).prefix(limit)), Int(total))
    }
}

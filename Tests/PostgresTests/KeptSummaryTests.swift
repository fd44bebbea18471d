import Foundation
import Testing
import TestSupport
@testable import TaskService
@testable import TaskPostgres

/// `todo stats` on PostgreSQL reads counts the database keeps (migration v10) instead of the
/// account's tasks: after any mix of changes, from any number of writers at once, they equal a
/// count of the tasks themselves.
@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct KeptSummaryTests {
    /// The summary counted from the tasks, as `stats` did before the counts were kept.
    static func recount(_ db: TestDatabase, account: Int64, now: Date) throws -> TaskStore.Summary {
        var s = TaskStore.Summary()
        let rows = try TestDatabase.psql(db.url, """
            SELECT status, coalesce(category, ''), coalesce(priority, ''), (provenance ? 'category')::int, (provenance ? 'priority')::int, (provenance ? 'tags')::int, count(*)
            FROM task WHERE account_id = \(account) AND status <> 'deleted' GROUP BY 1, 2, 3, 4, 5, 6
            """)
        for line in rows.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let n = Int(f[6])!
            s.statuses[f[0], default: 0] += n
            guard f[0] == "pending" else { continue }
            s.categories[f[1].isEmpty ? "-" : f[1], default: 0] += n
            s.priorities[f[2].isEmpty ? "-" : f[2], default: 0] += n
            for (flag, field) in zip(f[3...5], ["category", "priority", "tags"]) where flag == "1" { s.aiFilled[field, default: 0] += n }
        }
        let t = Int(now.timeIntervalSince1970)
        let due = try TestDatabase.psql(db.url, """
            SELECT count(*) FILTER (WHERE due < to_timestamp(\(t))), count(*) FILTER (WHERE due >= to_timestamp(\(t)) AND due < to_timestamp(\(t + 7 * 86_400)))
            FROM task WHERE account_id = \(account) AND status = 'pending'
            """).split(separator: "|").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        (s.overdue, s.dueWithinWeek) = (due[0], due[1])
        return s
    }

    @Test func theKeptCountsEqualACountOfTheTasksAfterConcurrentChanges() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            defer { Task { await store.close() } }
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            let bob = AccountTasks(store: store, account: try await store.addAccount(name: "bob").account)
            // Whole seconds: the recount below compares with whole seconds too.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            var ids: [Int64] = []
            for i in 0..<60 {
                let task = TodoTask(title: "task \(i)", category: i % 3 == 0 ? "Work" : nil, priority: i % 4 == 0 ? .high : nil,
                                    due: i % 5 == 0 ? nil : now.addingTimeInterval(Double(i % 11 - 4) * 86_400))
                ids.append(try await alice.add(task).id!)
            }
            _ = try await bob.add(TodoTask(title: "his", category: "Home"))
            // Writers at once on one account: edits of category and priority, status changes,
            // deletes, and a worker's AI fields — each change moves a task between counts.
            let queue = PostgresJobQueue(store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (n, id) in ids.enumerated() {
                    group.addTask {
                        switch n % 5 {
                        case 0: _ = try await alice.edit(id: id) { var t = $0; t.category = ["Home", "Work", "Health"][n % 3]; return TaskEdit(task: t, reenrich: false) }
                        case 1: _ = try await alice.markDone(id: id)
                        case 2: _ = try await alice.delete(id: id)
                        case 3: _ = try await alice.edit(id: id) { var t = $0; t.priority = .low; return TaskEdit(task: t, reenrich: false) }
                        default:
                            let claim = try await queue.claim(limit: 1, lease: .seconds(60), scope: .tasks([id], account: alice.account.id))
                            let fields = AIFields(category: CategoryDecision(category: "Finance", score: 0.9, source: "m", scores: [:]),
                                                  priority: PriorityExplanation(terms: [], score: 1, priority: .medium), tags: .init(tags: ["bills"], score: 0.5))
                            for held in claim.taskIDs { _ = try await queue.complete(taskID: held, lease: claim.lease, fields: fields, model: "m") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            _ = try await alice.reopen(id: ids[1])
            let kept = try await alice.summary(now: now).tasks
            let counted = try Self.recount(db, account: alice.account.id, now: now)
            #expect(kept == counted, "kept \(kept) counted \(counted)")
            #expect(kept.statuses == ["pending": 37, "done": 11], "\(kept.statuses)")
            #expect((kept.aiFilled["tags"] ?? 0) == 12, "the worker's tags: \(kept.aiFilled)")
            #expect(try await bob.summary(now: now).tasks.categories == ["Home": 1])
            let (_, jobs) = try await alice.summary(now: now)
            // The worker's 12 are done; the 12 deleted tasks' jobs went with them, and a task
            // without a pending job counts as done, as an imported one does.
            #expect(jobs.pending == 36 && jobs.done == 24 && jobs.failed == 0, "\(jobs)")
        }
    }
}

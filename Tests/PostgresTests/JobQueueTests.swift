import Foundation
import Testing
import TestSupport
@testable import TaskService
@testable import TaskPostgres

/// The queue workers share: claims never overlap, a lease that runs out frees its jobs, a
/// result is applied once and only by the lease holding the job, and a new job wakes a waiter.
@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct JobQueueTests {
    /// What a worker's engine would have decided.
    static func fields(_ category: String, _ priority: TodoTask.Priority, _ tags: [String]) -> AIFields {
        AIFields(category: CategoryDecision(category: category, score: 0.9, source: "m", scores: [:]),
                 priority: PriorityExplanation(terms: [], score: 1, priority: priority), tags: .init(tags: tags, score: 0.5))
    }

    func setUp(_ db: TestDatabase, tasks: Int) async throws -> (PostgresStore, AccountTasks, [Int64]) {
        let store = try await PostgresStore.open(try db.location)
        let owner = AccountTasks(store: store, account: try await store.addAccount(name: "owner").account)
        var ids: [Int64] = []
        for i in 0..<tasks { ids.append(try await owner.add(TodoTask(title: "Task \(i)")).id!) }
        return (store, owner, ids)
    }

    @Test func concurrentClaimsNeverShareAJob() async throws {
        try await TestDatabase.with { db in
            let (store, _, ids) = try await setUp(db, tasks: 40)
            defer { Task { await store.close() } }
            // Eight workers, each over its own pool (as on separate machines), claiming at once:
            // all are connected before any claims (one that connected first on a busy machine
            // could otherwise take every job before the others had a connection).
            var workers: [PostgresStore] = []
            for _ in 0..<8 { workers.append(try await PostgresStore.open(try db.location)) }
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for mine in workers {
                    group.addTask {
                        var got: [Int64] = []
                        while case let claim = try await PostgresJobQueue(store: mine).claim(limit: 3, lease: .seconds(60)), !claim.taskIDs.isEmpty {
                            got += claim.taskIDs
                        }
                        return got
                    }
                }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            for mine in workers { await mine.close() }
            let all = claims.flatMap { $0 }
            #expect(all.count == 40 && Set(all) == Set(ids), "each job claimed exactly once")
            #expect(claims.filter { !$0.isEmpty }.count > 1, "the work was shared")
        }
    }

    @Test func aLeaseThatRunsOutFreesItsJobsAndFencesItsHolder() async throws {
        try await TestDatabase.with { db in
            let (store, owner, ids) = try await setUp(db, tasks: 3)
            defer { Task { await store.close() } }
            let queue = PostgresJobQueue(store: store)
            // A worker claims, then dies (it never completes).
            let dead = try await queue.claim(limit: 10, lease: .seconds(60))
            #expect(dead.taskIDs == ids && dead.retaken.isEmpty)
            #expect(try await queue.claim(limit: 10, lease: .seconds(60)).taskIDs.isEmpty, "held while the lease lasts")
            // The lease runs out (moved into the past rather than waited for: no timing in the test).
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET lease_until = now() - interval '1 second'")
            let next = try await queue.claim(limit: 10, lease: .seconds(60))
            #expect(next.taskIDs == ids, "taken again after the lease")
            #expect(next.retaken == ids, "and said to be taken back")
            // The first worker comes back to life: its results are not applied.
            let result = Self.fields("Work", .high, ["late"])
            #expect(try await queue.complete(taskID: ids[0], lease: dead.lease, fields: result, model: "m") == false)
            #expect(try await owner.task(id: ids[0]).category == nil)
            // The holder's are, once.
            #expect(try await queue.complete(taskID: ids[0], lease: next.lease, fields: result, model: "m") == true)
            #expect(try await queue.complete(taskID: ids[0], lease: next.lease, fields: Self.fields("Home", .low, []), model: "m") == false)
            let done = try await owner.task(id: ids[0])
            #expect(done.category == "Work" && done.priority == .high && done.tags == ["late"])
            #expect(done.provenance[.priority]?.model == "m" && done.setBy(.category) == .ai, "what the AI set is marked as the AI's")
            #expect(try await queue.pendingCount() == 2)
        }
    }

    /// A worker still on its batch renews the lease: nobody takes the batch, whatever the lease's
    /// length; a renewal by a lease that lost its jobs holds nothing; a released job is not retaken.
    @Test func aRenewedLeaseKeepsItsJobs() async throws {
        try await TestDatabase.with { db in
            let (store, _, ids) = try await setUp(db, tasks: 3)
            defer { Task { await store.close() } }
            let queue = PostgresJobQueue(store: store)
            let working = try await queue.claim(limit: 10, lease: .seconds(60))
            // About to run out (moved, not waited for), then renewed: still held.
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET lease_until = now() - interval '1 second'")
            #expect(try await queue.renew(working, lease: .seconds(60)) == 3)
            #expect(try await queue.claim(limit: 10, lease: .seconds(60)).taskIDs.isEmpty, "renewed: held")
            // Done with one; the rest run out unrenewed and go to the next claim.
            #expect(try await queue.complete(taskID: ids[0], lease: working.lease, fields: Self.fields("Work", .low, []), model: "m"))
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET lease_until = now() - interval '1 second' WHERE state = 'pending'")
            let next = try await queue.claim(limit: 10, lease: .seconds(60))
            #expect(next.taskIDs == [ids[1], ids[2]] && next.retaken == [ids[1], ids[2]])
            #expect(try await queue.renew(working, lease: .seconds(60)) == 0, "the old lease holds nothing now")
            // Given back (a stopping worker): free at once, and not counted as taken back.
            try await queue.release(next)
            let after = try await queue.claim(limit: 10, lease: .seconds(60))
            #expect(after.taskIDs == [ids[1], ids[2]] && after.retaken.isEmpty)
        }
    }

    /// A job whose result is what the task has (a deleted task brought back by undo is queued
    /// again) writes nothing: no new decision time, no undo step to take back before the user's own.
    @Test func aResultThatDecidesAsBeforeWritesNothing() async throws {
        try await TestDatabase.with { db in
            let (store, owner, ids) = try await setUp(db, tasks: 1)
            defer { Task { await store.close() } }
            let queue = PostgresJobQueue(store: store)
            let start = Date(timeIntervalSince1970: 1_900_000_000)
            let first = try await queue.claim(limit: 1, lease: .seconds(60))
            #expect(try await queue.complete(taskID: ids[0], lease: first.lease, fields: Self.fields("Work", .low, ["ai"]), model: "m", undo: "todo enrich", now: start))
            let decided = try await owner.task(id: ids[0])
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET state = 'pending'")
            let again = try await queue.claim(limit: 1, lease: .seconds(60))
            #expect(try await queue.complete(taskID: ids[0], lease: again.lease, fields: Self.fields("Work", .low, ["ai"]), model: "m", undo: "todo enrich 1",
                                             now: start.addingTimeInterval(60)))
            #expect(try await owner.task(id: ids[0]) == decided, "not even the decision time moved")
            #expect(try TestDatabase.psql(db.url, "SELECT string_agg(command, ',' ORDER BY id) FROM undo_entry").trimmingCharacters(in: .whitespacesAndNewlines)
                    == "todo enrich", "no step for a result that changed nothing")
        }
    }

    @Test func aResultNeverOverwritesWhatTheUserSet() async throws {
        try await TestDatabase.with { db in
            let (store, owner, _) = try await setUp(db, tasks: 0)
            defer { Task { await store.close() } }
            let id = try await owner.add(TodoTask(title: "Mine", category: "Garden", tags: ["roses"])).id!
            let queue = PostgresJobQueue(store: store)
            let claim = try await queue.claim(limit: 1, lease: .seconds(60))
            #expect(try await queue.complete(taskID: id, lease: claim.lease, fields: Self.fields("Work", .medium, ["ai"]), model: "m"))
            let task = try await owner.task(id: id)
            #expect(task.category == "Garden" && task.tags == ["roses"] && task.priority == .medium)
        }
    }

    @Test func aNewJobWakesAWaitingWorkerAtOnce() async throws {
        try await TestDatabase.with { db in
            let (store, owner, _) = try await setUp(db, tasks: 0)
            defer { Task { await store.close() } }
            let worker = try await PostgresStore.open(try db.location)
            let listening = AsyncStream<Void>.makeStream()
            // `true` only from a notification (a timeout says false); the timeout is long, since
            // the test run shares two cores and wall-clock bounds would measure that.
            let waiting = Task { try await PostgresJobQueue(store: worker).waitForJobs(timeout: .seconds(120)) { listening.continuation.yield() } }
            for await _ in listening.stream { break }
            _ = try await owner.add(TodoTask(title: "Wake up"))
            #expect(try await waiting.value == true, "woken by the notification")
            #expect(try await PostgresJobQueue(store: worker).waitForJobs(timeout: .milliseconds(300)) == false, "nothing queued: the wait times out")
            await worker.close()
        }
    }

    /// `todo enrich ID`, `--all` and `--retry` on an account: jobs queued again, a claim kept to
    /// its scope, a given-up job counted as failed until it is given its attempts back.
    @Test func anAccountRequeuesAndRetriesItsOwnJobs() async throws {
        try await TestDatabase.with { db in
            let (store, owner, ids) = try await setUp(db, tasks: 3)
            defer { Task { await store.close() } }
            let other = AccountTasks(store: store, account: try await store.addAccount(name: "other").account)
            let theirs = try await other.add(TodoTask(title: "Theirs")).id!
            let queue = PostgresJobQueue(store: store)
            for id in ids { #expect(try await queue.complete(taskID: id, lease: try await queue.claim(limit: 1, lease: .seconds(60), scope: .tasks([id], account: owner.account.id)).lease,
                                                             fields: .unchanged, model: "m")) }
            #expect(try await owner.summary(now: Date()).queue.pending == 0)

            try await owner.requeue(ids: [ids[1]])
            await #expect(throws: StoreError.unknownTask(id: theirs)) { try await owner.requeue(ids: [ids[0], theirs]) }
            #expect(try await owner.summary(now: Date()).queue.pending == 1, "all or none: \(ids[0]) was not queued")
            #expect(try await queue.claim(limit: 10, lease: .seconds(60), scope: .tasks([ids[0], theirs], account: owner.account.id)).taskIDs.isEmpty,
                    "a scope takes only its own queued jobs")

            #expect(try await owner.requeuePending() == 3)
            #expect(try await queue.claim(limit: 10, lease: .seconds(60), scope: .account(owner.account.id)).taskIDs == ids)

            // Claimed `maxAttempts` times without an answer: given up, and said so.
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET attempts = \(PostgresJobQueue.maxAttempts), lease_until = now() - interval '1 second' WHERE task_id = \(ids[2])")
            let counts = try await owner.summary(now: Date()).queue
            #expect(counts.failed == 1 && counts.pending == 2, "\(counts)")
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET lease_until = now() - interval '1 second'")
            #expect(try await queue.claim(limit: 10, lease: .seconds(60), scope: .account(owner.account.id)).taskIDs == [ids[0], ids[1]])
            #expect(try await other.retryGivenUp() == 0, "not another account's")
            #expect(try await owner.retryGivenUp() == 1)
            #expect(try await queue.claim(limit: 10, lease: .seconds(60), scope: .account(owner.account.id)).taskIDs == [ids[2]])
            #expect(try await queue.claim(limit: 10, lease: .seconds(60)).taskIDs == [theirs])
        }
    }
}

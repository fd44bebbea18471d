import Foundation
import Synchronization
import Testing
import TestSupport
import TaskPostgres
import TaskService
@testable import TaskServer

/// The task operations a service uses (`TaskRepository`), one suite run against both engines:
/// a SQLite file (`SQLiteTasks`, as `todo serve` opens it) and one account of a PostgreSQL
/// database (`AccountTasks`). The same calls must give the same answers and the same errors.
@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct TaskRepositoryTests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// An empty repository of `engine` as `todo serve` opens it (each request a step of `todo
    /// undo`, which POST /api/undo takes back as the CLI does), for one test, gone afterwards.
    static func with(_ engine: Engine, _ body: (any TaskRepository) async throws -> Void) async throws {
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("repository-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("tasks.sqlite")
            let executor = BlockingExecutor(threads: 2)
            let store = try TaskStore(url: file)
            try await body(SQLiteTasks(store: store, executor: executor, durable: GroupSync(databasePath: file.path, executor: executor)))
        case .postgres:
            try await TestDatabase.with { db in
                let store = try await PostgresStore.open(try db.location)
                do {
                    let (account, _) = try await store.addAccount(name: "alice")
                    let tasks = AccountTasks(store: store, account: account, undo: .eachRequest)
                    try await body(tasks)
                } catch {
                    await store.close()
                    throw error
                }
                await store.close()
            }
        }
    }

    /// A change made through the service is undone by `todo undo` like one made from a shell:
    /// each request a step of its own, named for it, newest first.
    @Test(arguments: Engine.allCases) func eachRequestIsAStepOfUndo(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let id = try #require(try await tasks.add(TodoTask(title: "Water the tomatoes")).id)
            for title in ["Water the tomatoes at 7", "Water the tomatoes at 8"] {
                _ = try await tasks.edit(id: id) { current in
                    var changed = current
                    changed.title = title
                    return TaskEdit(task: changed, reenrich: false)
                }
            }
            _ = try await tasks.markDone(id: id)
            _ = try await tasks.delete(id: id)
            await #expect(throws: StoreError.unknownTask(id: id)) { _ = try await tasks.task(id: id) }
            let undone = try #require(try await tasks.undo(force: false))
            #expect(undone.command == "DELETE /api/tasks/\(id) (todo serve)" && undone.tasks.map(\.status) == [.done])
            #expect(try await tasks.undo(force: false)?.command == "POST /api/tasks/\(id)/done (todo serve)")
            #expect(try await tasks.task(id: id).status == .pending)
            let second = try await tasks.undo(force: false)
            #expect(second?.command == "PATCH /api/tasks/\(id) (todo serve)", "two edits of one task are two steps")
            #expect(try await tasks.task(id: id).title == "Water the tomatoes at 7")
            _ = try await tasks.undo(force: false)
            #expect(try await tasks.task(id: id).title == "Water the tomatoes")
            #expect(try await tasks.undo(force: false)?.command == "POST /api/tasks (todo serve)")
            await #expect(throws: StoreError.unknownTask(id: id), "an undone add deletes the task") { _ = try await tasks.task(id: id) }
            #expect(try await tasks.undo(force: false) == nil)
        }
    }

    /// A deleted task's pending job goes with it (nothing to compute, nothing counted as
    /// pending); undoing the delete queues it again.
    @Test(arguments: Engine.allCases) func aDeletedTaskTakesItsJobAndItsUndoQueuesItAgain(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let id = try #require(try await tasks.add(TodoTask(title: "Buy toilet paper")).id)
            let kept = try #require(try await tasks.add(TodoTask(title: "Call the landlord")).id)
            #expect(try await tasks.summary(now: Date()).queue.pending == 2)
            _ = try await tasks.delete(id: id)
            let afterDelete = try await tasks.summary(now: Date()).queue.pending
            let deletedHasJob = try await tasks.hasPendingEnrichment(id)
            #expect(afterDelete == 1 && !deletedHasJob)
            #expect(try await tasks.hasPendingEnrichment(kept), "another task's job stays")
            _ = try await tasks.undo(force: false)
            let afterUndo = try await tasks.summary(now: Date()).queue.pending
            #expect(try await tasks.hasPendingEnrichment(id))
            #expect(afterUndo == 2)
            // An undone add deletes its task, and its job goes as a delete's does.
            let added = try #require(try await tasks.add(TodoTask(title: "Cancel the streaming plan")).id)
            #expect(try await tasks.summary(now: Date()).queue.pending == 3)
            _ = try await tasks.undo(force: false)
            let afterUndoneAdd = try await tasks.summary(now: Date()).queue.pending
            let undoneHasJob = try await tasks.hasPendingEnrichment(added)
            #expect(afterUndoneAdd == 2 && !undoneHasJob)
        }
    }

    @Test(arguments: Engine.allCases) func storesWhatItIsGivenAndRefusesUnknownIDs(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let due = Date(timeIntervalSince1970: 1_800_000_000)
            let given = TodoTask(title: "Renew passport ✈️", description: "photo\nform «B»", category: "Travel", priority: .high, tags: ["travel", "admin"], due: due)
            let stored = try await tasks.add(given)
            let id = try #require(stored.id)
            let read = try await tasks.task(id: id)
            #expect(read.title == given.title && read.description == given.description && read.category == "Travel" && read.priority == .high)
            #expect(read.tags == ["travel", "admin"] && read.due == due && read.status == .pending && read.uuid == stored.uuid)
            #expect(try await tasks.hasPendingEnrichment(id), "stored with its enrichment job")
            await #expect(throws: StoreError.unknownTask(id: id + 1)) { _ = try await tasks.task(id: id + 1) }
            await #expect(throws: StoreError.unknownTask(id: id + 1)) { _ = try await tasks.markDone(id: id + 1) }
            await #expect(throws: StoreError.unknownTask(id: id + 1)) { _ = try await tasks.delete(id: id + 1) }
            await #expect(throws: StoreError.self, "a NUL is refused, not cut") { _ = try await tasks.add(TodoTask(title: "a\u{0}b")) }
        }
    }

    @Test(arguments: Engine.allCases) func pagesVisitEveryTaskOnceInEitherOrder(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            var ids: [Int64] = []
            for n in 0..<25 { ids.append(try await tasks.add(TodoTask(title: "task \(n)", tags: n % 2 == 0 ? ["even"] : [])).id!) }
            for newestFirst in [false, true] {
                var seen: [Int64] = [], cursor: Int64? = nil
                repeat {
                    let page = try await tasks.page(TaskFilter(), after: cursor, limit: 10, newestFirst: newestFirst)
                    #expect(page.tasks.count <= 10)
                    seen += page.tasks.map { $0.id! }
                    cursor = page.next
                } while cursor != nil
                #expect(seen == (newestFirst ? ids.reversed() : ids))
            }
            let even = try await tasks.page(TaskFilter(tag: "even"), after: nil, limit: 100, newestFirst: false)
            #expect(even.tasks.count == 13 && even.next == nil)
        }
    }

    /// Concurrent edits of one task each see the one before: none is lost.
    @Test(arguments: Engine.allCases) func anEditIsACompareAndSet(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let id = try await tasks.add(TodoTask(title: "count")).id!
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        _ = try await tasks.edit(id: id) { current in
                            var next = current
                            next.description += "x"
                            return TaskEdit(task: next, reenrich: false)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await tasks.task(id: id).description == String(repeating: "x", count: 12))
            // A change that refuses (If-Match) stores nothing.
            struct Mismatch: Error {}
            await #expect(throws: Mismatch.self) { _ = try await tasks.edit(id: id) { _ in throw Mismatch() } }
            let renamed = try await tasks.edit(id: id) { current in
                var next = current
                next.title = "renamed"
                return TaskEdit(task: next, reenrich: true)
            }
            #expect(renamed.task.title == "renamed" && renamed.reenrich)
            #expect(try await tasks.hasPendingEnrichment(id), "a changed text is queued again")
        }
    }

    /// Done, reopen and delete check a precondition on the task as stored (If-Match): a refusal
    /// stores nothing, and the check sees the task as the last write left it.
    @Test(arguments: Engine.allCases) func doneReopenAndDeleteHonourAPrecondition(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let id = try await tasks.add(TodoTask(title: "guarded")).id!
            struct Mismatch: Error {}
            let refuse: TaskPrecondition = { _ in throw Mismatch() }
            await #expect(throws: Mismatch.self) { _ = try await tasks.markDone(id: id, precondition: refuse) }
            await #expect(throws: Mismatch.self) { _ = try await tasks.delete(id: id, precondition: refuse) }
            #expect(try await tasks.task(id: id).status == .pending, "a refused done or delete changes nothing")
            let pendingOnly: TaskPrecondition = { current in if current.status != .pending { throw Mismatch() } }
            #expect(try await tasks.markDone(id: id, precondition: pendingOnly).status == .done)
            await #expect(throws: Mismatch.self, "the check saw the task done") { _ = try await tasks.reopen(id: id, precondition: pendingOnly) }
            #expect(try await tasks.task(id: id).status == .done)
            await #expect(throws: Mismatch.self) { _ = try await tasks.delete(id: id, precondition: pendingOnly) }
            #expect(try await tasks.reopen(id: id, precondition: { _ in }).status == .pending)
            #expect(try await tasks.delete(id: id, precondition: pendingOnly).status == .deleted)
        }
    }

    @Test(arguments: Engine.allCases) func doneReopenDeleteAndTheCounts(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let a = try await tasks.add(TodoTask(title: "a")).id!, b = try await tasks.add(TodoTask(title: "b")).id!
            let c = try await tasks.add(TodoTask(title: "c", due: Date().addingTimeInterval(-3_600))).id!
            #expect(try await tasks.markDone(id: a).status == .done)
            #expect(try await tasks.reopen(id: a).status == .pending)
            #expect(try await tasks.markDone(id: b).status == .done)
            #expect(try await tasks.delete(id: c).status == .deleted)
            await #expect(throws: StoreError.unknownTask(id: c), "a deleted task is gone to every call") { _ = try await tasks.task(id: c) }
            await #expect(throws: StoreError.unknownTask(id: c)) { _ = try await tasks.delete(id: c) }
            let (summary, _) = try await tasks.summary(now: Date())
            #expect(summary.statuses["pending"] == 1 && summary.statuses["done"] == 1 && summary.overdue == 0, "\(summary.statuses)")
            // An export is lossless: the deleted task is in it, marked.
            let exported = try await tasks.exportPage(after: 0, limit: 10)
            #expect(exported.map(\.id) == [a, b, c] && exported.last?.status == .deleted)
        }
    }

    /// Tasks marked done while others are reopened, at once: every change applied, none refused
    /// (on PostgreSQL the kept counts take their rows in one order, never in a cycle), and the
    /// counts equal to the tasks.
    @Test(arguments: Engine.allCases) func concurrentStatusChangesAreAllCounted(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            var ids: [Int64] = []
            for n in 0..<8 { ids.append(try await tasks.add(TodoTask(title: "flip \(n)")).id!) }
            for id in ids where id % 2 == 0 { _ = try await tasks.markDone(id: id) }
            for _ in 0..<10 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for id in ids {
                        group.addTask {
                            if try await tasks.task(id: id).status == .done { _ = try await tasks.reopen(id: id) } else { _ = try await tasks.markDone(id: id) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let (summary, _) = try await tasks.summary(now: Date())
            #expect(summary.statuses["done"] == 4 && summary.statuses["pending"] == 4, "\(summary.statuses)")
            let listed = try await tasks.page(TaskFilter(status: .done), after: nil, limit: 100, newestFirst: false)
            #expect(listed.tasks.count == 4)
            if let account = tasks as? AccountTasks {
                // A listing's total is read from the kept counts.
                let prioritizer = Prioritizer(coefficients: PriorityCoefficients())
                #expect(try await account.mostUrgent(TaskFilter(status: .done), limit: 1, prioritizer: prioritizer).total == 4)
                #expect(try await account.mostUrgent(TaskFilter(status: nil), limit: 1, prioritizer: prioritizer).total == 8)
            }
        }
    }

    /// The same key sent again — at once from several clients, or after a delete — finds the
    /// task the first request stored; another key stores another task.
    @Test(arguments: Engine.allCases) func anIdempotencyKeyStoresATaskOnce(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let key = try #require(IdempotencyKey("client-7f3a:42"))
            let outcomes = try await withThrowingTaskGroup(of: AddedTask.self) { group in
                for _ in 0..<8 { group.addTask { try await tasks.add(TodoTask(title: "Pay the rent"), idempotencyKey: key) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { !$0.replayed }.count == 1 && Set(outcomes.map { $0.task.id }).count == 1, "one stored, seven found")
            let other = try await tasks.add(TodoTask(title: "Pay the rent"), idempotencyKey: IdempotencyKey("client-7f3a:43"))
            #expect(!other.replayed && other.task.id != outcomes[0].task.id)
            _ = try await tasks.delete(id: outcomes[0].task.id!)
            let afterDelete = try await tasks.add(TodoTask(title: "Pay the rent"), idempotencyKey: key)
            #expect(afterDelete.replayed && afterDelete.task.status == .deleted, "a retry never brings a deleted task back")
            // The key again with another task is no retry: refused, nothing stored.
            await #expect(throws: StoreError.idempotencyKeyReused(key.text)) {
                try await tasks.add(TodoTask(title: "Pay the rent", priority: .high), idempotencyKey: key)
            }
            #expect(try await tasks.exportPage(after: 0, limit: 100).count == 2)
            for bad in ["", "has space", "ünïcode", String(repeating: "k", count: 256)] { #expect(IdempotencyKey(bad) == nil, "\(bad)") }
        }
    }

    @Test(arguments: Engine.allCases) func importIsAllOrNothingAndSkipsKnownUUIDs(_ engine: Engine) async throws {
        try await Self.with(engine) { tasks in
            let batch = (0..<3).map { TodoTask(title: "imported \($0)", tags: ["moved"]) }
            let first = try await tasks.importTasks(batch)
            #expect(first.added.map(\.title) == ["imported 0", "imported 1", "imported 2"] && first.skipped == 0)
            let again = try await tasks.importTasks(batch)
            #expect(again.added.isEmpty && again.skipped == 3, "the same uuids are the same tasks")
            await #expect(throws: StoreError.self) { _ = try await tasks.importTasks([TodoTask(title: "fine"), TodoTask(title: "bad\u{0}")]) }
            let all = try await tasks.exportPage(after: 0, limit: 100)
            #expect(all.count == 3, "nothing of a refused import is kept")
        }
    }
}

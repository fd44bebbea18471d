import Foundation
import GRDB
import Testing
import Tokenizers
@testable import TaskService
import SeededRandom

@Suite struct TaskStoreTests {
    static func scratchDB() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tasks-\(UUID().uuidString)/tasks.sqlite")
    }

    @Test func addShowDoneDelete() throws {
        let store = try TaskStore()
        let a = try store.add(TodoTask(title: "Buy milk", tags: ["groceries"]))
        let b = try store.add(TodoTask(title: "Renew passport", priority: .high))
        #expect(a.id == 1 && b.id == 2)
        #expect(try store.task(id: 2).title == "Renew passport")
        let done = try store.markDone(ids: [1])[0]
        #expect(done.status == .done && done.completed != nil)
        _ = try store.delete(ids: [1])[0]
        #expect(throws: StoreError.deletedTask(id: 1)) { try store.task(id: 1) }
        #expect(throws: StoreError.deletedTask(id: 1)) { try store.markDone(ids: [1]) }
        // Ids never shift: the next task is 3, not 1 or 2.
        #expect(try store.add(TodoTask(title: "Call mom")).id == 3)
        #expect(try store.tasks().map(\.id) == [2, 3])
        #expect(throws: StoreError.unknownTask(id: 99)) { try store.task(id: 99) }
    }

    /// An edit that sets what is stored writes nothing: not `updated`, not an undo step. A due
    /// date equal at the stored precision (milliseconds) is the same date.
    /// A database a newer `todo` migrated is refused at open, saying why, and left as it was:
    /// the layout it changed would otherwise fail some later command ("no such column").
    @Test func aDatabaseFromANewerTodoIsRefusedWhole() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("newer-\(UUID().uuidString).sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) } }
        do {
            let store = try TaskStore(url: url)
            _ = try store.add(TodoTask(title: "Kept"))
            try store.writer.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from a newer todo')") }
        }
        #expect(throws: StoreError.cannotOpen(path: url.path, reason: "it was migrated by a newer Smart TODO (migration 'v99 from a newer todo'): use that version")) {
            try TaskStore(url: url)
        }
        let titles = try DatabaseQueue(path: url.path).read { try String.fetchAll($0, sql: "SELECT title FROM task") }
        #expect(titles == ["Kept"])
    }

    @Test func anEditThatChangesNothingWritesNothing() throws {
        let store = try TaskStore()
        let due = Date(timeIntervalSince1970: 1_900_000_000.123)
        let past = Date(timeIntervalSince1970: 1_700_000_000)
        let t = try store.add(TodoTask(title: "Buy milk", priority: .low, due: due, now: past), now: past)
        var same = t
        same.due = Date(timeIntervalSince1970: 1_900_000_000.1234)
        #expect(same.changesNothing(of: t) && !same.needsEnrichment(editedFrom: t, cleared: false))
        #expect(try store.update(same, undo: "todo edit 1 --due …").updated == t.updated)
        #expect(try UndoLog(store: store).last() == nil, "no undo step for a no-op")
        let edit = try store.edit(id: 1) { TaskEdit(task: $0, reenrich: false) }
        #expect(!edit.changed && edit.task.updated == t.updated)
        var moved = t
        moved.due = due.addingTimeInterval(60)
        #expect(!moved.changesNothing(of: t) && !moved.needsEnrichment(editedFrom: t, cleared: false), "the user's priority does not weigh the date")
        var retitled = t
        retitled.title = "Buy oat milk"
        #expect(retitled.needsEnrichment(editedFrom: t, cleared: false))
        let later = moved
        let stored = try store.edit(id: 1) { _ in TaskEdit(task: later, reenrich: false) }
        #expect(stored.changed && stored.task.updated > t.updated)
    }

    @Test func doneKeepsItsFirstCompletionAndReopenClearsIt() throws {
        let store = try TaskStore()
        let first = Date(timeIntervalSince1970: 1_795_687_200)
        _ = try store.add(TodoTask(title: "Buy milk"))
        let done = try store.markDone(ids: [1], now: first)[0]
        let again = try store.markDone(ids: [1], now: first.addingTimeInterval(86_400))[0]
        #expect(again.completed == done.completed && again.updated == done.updated)
        let reopened = try store.reopen(ids: [1], now: first.addingTimeInterval(100))[0]
        #expect(reopened.status == .pending && reopened.completed == nil)
        #expect(try store.task(id: 1).status == .pending)
        // A pending task is left as it is.
        #expect(try store.reopen(ids: [1], now: first.addingTimeInterval(200))[0].updated == reopened.updated)
        #expect(throws: StoreError.unknownTask(id: 9)) { try store.reopen(ids: [9])[0] }
    }

    @Test func filters() throws {
        let store = try TaskStore()
        let now = Date()
        _ = try store.add(TodoTask(title: "a", category: "Work", priority: .high, tags: ["Report"], due: now.addingTimeInterval(3600)))
        _ = try store.add(TodoTask(title: "b", category: "Personal", priority: .low, due: now.addingTimeInterval(86400 * 10)))
        _ = try store.add(TodoTask(title: "c"))
        _ = try store.add(TodoTask(title: "d", tags: ["Ärzte"]))
        #expect(try store.tasks(TaskFilter(category: "work")).map(\.title) == ["a"])
        #expect(try store.tasks(TaskFilter(priority: .low)).map(\.title) == ["b"])
        #expect(try store.tasks(TaskFilter(tag: "report")).map(\.title) == ["a"])
        #expect(try store.tasks(TaskFilter(tag: "ärzte")).map(\.title) == ["d"])  // beyond ASCII, any case too
        #expect(try store.tasks(TaskFilter(dueBefore: now.addingTimeInterval(86400))).map(\.title) == ["a"])
        #expect(try store.tasks(TaskFilter(dueAfter: now.addingTimeInterval(86400))).map(\.title) == ["b"])
    }

    /// "Before a day" holds all of that day, the tasks due at a time and those due that day
    /// without one (stored as its end); "after a day" starts the next.
    @Test func aDayAsABoundCountsWhole() throws {
        let store = try TaskStore()
        let parser = DueDateParserTests().parser, now = DueDateParserTests().now
        for (title, due) in [("at five", "today 17:00"), ("today", "today"), ("tomorrow", "tomorrow"), ("yesterday", "yesterday")] {
            _ = try store.add(TodoTask(title: title, due: try parser.parse(due, now: now), now: now))
        }
        let today = try parser.parse("today", now: now)
        #expect(try store.tasks(TaskFilter(dueBefore: today)).map(\.title) == ["at five", "today", "yesterday"])
        #expect(try store.tasks(TaskFilter(dueAfter: today)).map(\.title) == ["tomorrow"])
        #expect(try store.tasks(TaskFilter(dueBefore: today, dueAfter: try parser.parse("yesterday", now: now))).map(\.title) == ["at five", "today"])
    }

    /// The urgency order from one indexed query per priority and due bucket is the order of
    /// sorting every task by `Prioritizer.urgency`, with and without filters and limits.
    @Test func mostUrgentEqualsSortingEveryTask() throws {
        let store = try TaskStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var rng = SeededGenerator(seed: 5)
        let offsets: [Double?] = [nil, -86_400 * 3, -3600, -30, 0, 30, 90, 3600, 86_400 * 2, 86_400 * 2 + 60, 86_400 * 2 + 61, 86_400 * 5,
                                  86_400 * 7 + 60, 86_400 * 9, 86_400 * 14 + 60, 86_400 * 14 + 61, 86_400 * 40]
        for i in 0..<400 {
            let offset = offsets[Int.random(in: 0..<offsets.count, using: &rng)]
            var t = TodoTask(title: "t\(i)", category: ["Work", "Home", nil][i % 3], priority: [.high, .medium, .low, nil][Int.random(in: 0..<4, using: &rng)],
                             tags: i % 5 == 0 ? ["x"] : [], due: offset.map { now.addingTimeInterval($0) }, now: now)
            t = try store.add(t, now: now)
            if i % 7 == 0 { _ = try store.markDone(ids: [t.id!], now: now) }
            if i % 11 == 0 { _ = try store.delete(ids: [t.id!], now: now) }
        }
        let prioritizer = Prioritizer(coefficients: PriorityCoefficients())
        for filter in [TaskFilter(), TaskFilter(status: nil), TaskFilter(status: .done), TaskFilter(category: "work"), TaskFilter(tag: "X"),
                       TaskFilter(priority: .medium), TaskFilter(dueBefore: now.addingTimeInterval(86_400 * 3))] {
            let all = try store.tasks(filter)
            let urgency = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, prioritizer.urgency(of: $0, now: now)) })
            let expected = all.sorted { urgency[$0.id!]! != urgency[$1.id!]! ? urgency[$0.id!]! > urgency[$1.id!]! : $0.id! < $1.id! }.map(\.id)
            for limit in [1, 5, 20, 1000] {
                let (shown, total) = try store.mostUrgent(filter, limit: limit, prioritizer: prioritizer, now: now)
                #expect(shown.map(\.id) == Array(expected.prefix(limit)), "\(filter) limit \(limit)")
                #expect(total == all.count)
            }
            #expect(try store.mostUrgent(filter, limit: nil, prioritizer: prioritizer, now: now).tasks.map(\.id) == expected)
        }
    }

    /// "The earlier due date first among equals": a task due in a month comes before an undated
    /// one of the same priority, the longest overdue first, and the tie-break never passes a term.
    @Test func aDatedTaskComesBeforeAnUndatedEqual() throws {
        let store = try TaskStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for (title, days) in [("undated", nil), ("in a year", 365.0), ("in a month", 30), ("overdue a week", -7), ("overdue a year", -365)] as [(String, Double?)] {
            _ = try store.add(TodoTask(title: title, priority: .low, due: days.map { now.addingTimeInterval($0 * 86_400) }, now: now), now: now)
        }
        _ = try store.add(TodoTask(title: "medium, undated", priority: .medium, now: now), now: now)
        let prioritizer = Prioritizer(coefficients: PriorityCoefficients())
        for limit in [nil, 3] as [Int?] {
            let titles = try store.mostUrgent(TaskFilter(), limit: limit, prioritizer: prioritizer, now: now).tasks.map(\.title)
            let expected = ["overdue a year", "overdue a week", "medium, undated", "in a month", "in a year", "undated"]
            #expect(titles == Array(expected.prefix(limit ?? expected.count)))
        }
    }

    /// The change log tells what was written since a look, each task once, whoever wrote it,
    /// and keeps its last 10,000 changes however many there are.
    @Test func theChangeLogTellsEachChangedTaskOnce() throws {
        let store = try TaskStore()
        #expect(try store.lastChange() == 0)
        for title in ["a", "b", "c"] { _ = try store.add(TodoTask(title: title)) }
        let afterAdds = try store.lastChange()
        _ = try store.markDone(ids: [2])
        _ = try store.markDone(ids: [2])  // told once however often it was written
        let all = try store.changes(after: 0, through: try store.lastChange())
        #expect(all.map(\.task.title) == ["a", "c", "b"] && all.allSatisfy(\.inserted))
        let since = try store.changes(after: afterAdds, through: try store.lastChange())
        #expect(since.map(\.task.title) == ["b"] && since.map(\.inserted) == [false] && since[0].task.status == .done)
        _ = try store.importTasks((0..<10_050).map { TodoTask(title: "imported \($0)") })
        #expect(try store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM task_change") } == 10_000)
        #expect(try store.changes(after: 0, through: try store.lastChange()).count == 10_000)
    }

    /// One rule for where a due date stands: `explain` and `list`'s order agree at every boundary
    /// (a task due an hour ago was "due within 2 days" in one and overdue in the other).
    @Test func explainAndListAgreeOnTheDueBucket() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let prioritizer = Prioritizer(coefficients: PriorityCoefficients())
        let calm = PrioritySignals(urgencyCue: nil, urgencyMeaning: 0, stakes: 0, leadTime: 0)
        let offsets: [TimeInterval] = [-3600, -1, 59, 60, 61, 86_400 * 2 + 60, 86_400 * 2 + 61, 86_400 * 7 + 60, 86_400 * 7 + 61, 86_400 * 14 + 60, 86_400 * 14 + 61]
        for offset in offsets {
            let due = now.addingTimeInterval(offset)
            let explained = prioritizer.explain(signals: calm, due: due, created: now, now: now)
            let term = explained.terms.first { $0.name.hasPrefix("due") || $0.name == "overdue" }?.contribution ?? 0
            let task = TodoTask(title: "x", due: due, now: now)
            #expect(abs(prioritizer.urgency(of: task, now: now) - term) < 0.01, "\(offset): explain \(term), urgency \(prioritizer.urgency(of: task, now: now))")
        }
        #expect(prioritizer.explain(signals: calm, due: now.addingTimeInterval(-3600), created: now, now: now).terms.first?.name == "overdue")
        #expect(prioritizer.explain(signals: calm, due: now.addingTimeInterval(-3600), created: now, now: now).terms.first?.why == "was due 1 hour ago")
    }

    @Test func theSchemaRefusesAnEmptyTitle() throws {
        let store = try TaskStore()
        #expect(throws: StoreError.self) { try store.add(TodoTask(title: "   ")) }
        #expect(try store.count() == 0)
    }

    @Test func aFiveMegabyteDescriptionIsKeptWhole() throws {
        let store = try TaskStore()
        let description = String(repeating: "Meeting notes, paragraph after paragraph. ", count: 5_000_000 / 42)
        let t = try store.add(TodoTask(title: "Notes", description: description))
        #expect(try store.task(id: t.id!).description == description)
    }

    @Test func persistsAcrossOpens() throws {
        let url = Self.scratchDB()
        let first = try TaskStore(url: url)
        let t = try first.add(TodoTask(title: "Survives reopening", tags: ["a", "b"], due: Date(timeIntervalSince1970: 1_800_000_000)))
        let reopened = try TaskStore(url: url)
        #expect(try reopened.task(id: t.id!) == t)
    }

    /// The WAL file outlives the last connection, so the next process opens without writing
    /// (GRDB would otherwise create and drop a table to recreate it, with two fsyncs).
    @Test func theWriteAheadLogIsKeptBetweenOpens() throws {
        let url = Self.scratchDB()
        let wal = URL(fileURLWithPath: url.path + "-wal")
        do {
            let store = try TaskStore(url: url)
            _ = try store.add(TodoTask(title: "Written through the log"))
        }
        #expect(FileManager.default.fileExists(atPath: wal.path))
        let size = try FileManager.default.attributesOfItem(atPath: wal.path)[.size] as? Int ?? 0
        #expect(size > 0)
        let modified = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        do { #expect(try TaskStore(url: url).tasks().map(\.title) == ["Written through the log"]) }
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date == modified)
    }

    /// Writers on separate connections (as separate `todo` processes are) never lose a task.
    @Test func parallelWritersLoseNothing() async throws {
        let url = Self.scratchDB()
        _ = try TaskStore(url: url)
        let writers = 8, each = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let store = try TaskStore(url: url)  // its own pool, like another process
                    for i in 0..<each { _ = try store.add(TodoTask(title: "writer \(w) task \(i)")) }
                }
            }
            try await group.waitForAll()
        }
        let tasks = try TaskStore(url: url).tasks()
        #expect(tasks.count == writers * each)
        #expect(Set(tasks.map(\.id)).count == writers * each)
        #expect(Set(tasks.map(\.title)).count == writers * each)
    }

    /// Several `todo` commands opening a database that does not exist yet, at the same moment:
    /// every one succeeds (they raced to create the tables: "table task already exists").
    @Test func firstOpensRacingEachOtherAllSucceed() async throws {
        for _ in 0..<10 {
            let url = Self.scratchDB()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<6 { group.addTask { _ = try TaskStore(url: url).add(TodoTask(title: "opener \(w)")) } }
                try await group.waitForAll()
            }
            #expect(try TaskStore(url: url).tasks().count == 6)
        }
    }

    /// The same for a database one migration behind, whose last migration (v13) can run twice:
    /// the second opener to record it failed ("UNIQUE constraint failed: grdb_migrations.identifier").
    @Test func openersRacingOverTheLastMigrationAllSucceed() async throws {
        for _ in 0..<20 {
            let url = try TaskSearchTests.olderDatabase(upTo: "v12 a search block's write count beside its flags") { _ in }
            defer { try? FileManager.default.removeItem(at: url) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<6 { group.addTask { _ = try TaskStore(url: url).add(TodoTask(title: "opener \(w)")) } }
                try await group.waitForAll()
            }
            #expect(try TaskStore(url: url).tasks().count == 6)
        }
    }

    @Test func aCorruptFileGivesAClearErrorAndIsLeftAlone() throws {
        let corrupt = Self.scratchDB()
        try FileManager.default.createDirectory(at: corrupt.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: corrupt)
        #expect(throws: StoreError.corrupt(path: corrupt.path)) { try TaskStore(url: corrupt) }
        #expect(try Data(contentsOf: corrupt) == Data(repeating: 0x41, count: 8192))  // untouched
        // Read-only files and folders: ReadOnlyStoreTests.
    }
}

@Suite struct StoredDatesTests {
    /// Every millisecond value survives a store round trip exactly (it once came back 1 ms early).
    @Test func everyMillisecondRoundTrips() throws {
        let store = try TaskStore()
        let base = 1_795_687_200.0
        var expected: [Int64: Date] = [:]
        for ms in stride(from: 0, to: 1000, by: 7) {
            let due = Date(timeIntervalSince1970: base + Double(ms) / 1000)
            let t = try store.add(TodoTask(title: "t\(ms)", due: due, now: due))
            expected[t.id!] = t.due
        }
        for (id, due) in expected {
            let back = try store.task(id: id)
            #expect(back.due == due && back.created == due)
        }
        #expect(try store.tasks(TaskFilter(status: nil, dueBefore: Date(timeIntervalSince1970: base + 0.5))).count == 72)
    }
}

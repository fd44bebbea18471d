import Foundation
import GRDB
import Testing
import Tokenizers
@testable import TaskService
import SeededRandom

/// The counts the database keeps by triggers (`BoundedSchema`) equal counting from scratch,
/// after any mix of writes — ours, undo's, and another program's plain SQL.
@Suite struct KeptCountsTests {
    /// Each kept table beside the same counts computed from the rows.
    func expectCountsMatch(_ store: TaskStore, _ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try store.writer.read { db in
            let pairs: [(kept: String, counted: String)] = [
                ("SELECT tag, n FROM user_tag ORDER BY tag",
                 "SELECT j.value, count(DISTINCT task.id) FROM task, json_each(task.tags) j WHERE j.type = 'text' AND \(BoundedSchema.userTagged("task")) GROUP BY j.value ORDER BY j.value"),
                ("SELECT status, category, priority, ai, n FROM task_summary ORDER BY 1, 2, 3, 4",
                 "SELECT status, ifnull(category, ''), ifnull(priority, ''), \(BoundedSchema.aiFields("task")), count(*) FROM task GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
                ("SELECT task_id, tag FROM task_tag ORDER BY 1, 2",
                 "SELECT DISTINCT task.id, j.value FROM task, json_each(task.tags) j WHERE j.type = 'text' ORDER BY 1, 2"),
                ("SELECT state, n FROM job_count WHERE n > 0 ORDER BY state", "SELECT state, count(*) FROM enrichment_job GROUP BY state ORDER BY state"),
                ("SELECT entries, bytes, hits FROM cache_summary", "SELECT count(*), ifnull(sum(length(value)), 0), ifnull(sum(hits), 0) FROM result_cache"),
            ]
            for (kept, counted) in pairs {
                let a = try Row.fetchAll(db, sql: kept).map { Array($0.databaseValues.map(\.description)) }
                let b = try Row.fetchAll(db, sql: counted).map { Array($0.databaseValues.map(\.description)) }
                #expect(a == b, "\(when): \(kept)", sourceLocation: sourceLocation)
            }
        }
    }

    func habits(_ store: TaskStore) throws -> String { try store.userStateDigest() }

    @Test func keptCountsFollowEveryKindOfWrite() throws {
        let store = try TaskStore()
        var rng = SeededGenerator(seed: 3)
        let tags = ["home", "Home", "work", "taxes", "ärzte", "car"]
        var ids: [Int64] = []
        for i in 0..<60 {
            var t = TodoTask(title: "task \(i)", category: i % 3 == 0 ? "Work" : nil, priority: i % 4 == 0 ? .high : nil,
                             tags: (0..<Int.random(in: 0...3, using: &rng)).map { _ in tags[Int.random(in: 0..<tags.count, using: &rng)] })
            if i % 5 == 0 { t.provenance[.tags] = .init(model: "m", score: 0.5, at: Date()) }
            ids.append(try store.add(t, enqueue: i % 2 == 0, undo: "add").id!)
        }
        try expectCountsMatch(store, "after adds")
        for (n, id) in ids.enumerated() {
            var t = try store.task(id: id)
            switch n % 6 {
            case 0: t.tags = ["car", "car"]
            case 1: t.category = "Home"; t.provenance[.category] = nil
            case 2: t.provenance[.category] = .init(model: "m", score: 0.3, at: Date()); t.category = "Finance"
            case 3: t.provenance[.tags] = nil
            case 4: t.title += " edited"
            default: t.priority = .low
            }
            _ = try store.update(t, reenrich: n % 3 == 0, undo: "edit")
        }
        try expectCountsMatch(store, "after edits")
        _ = try store.markDone(ids: Array(ids.prefix(10)), undo: "done")
        _ = try store.delete(ids: Array(ids.dropFirst(10).prefix(10)), undo: "delete")
        try expectCountsMatch(store, "after done and delete")
        _ = try UndoLog(store: store).undo()
        _ = try UndoLog(store: store).undo()
        try expectCountsMatch(store, "after undo")
        let queue = EnrichmentQueue(store: store)
        let jobs = try queue.pending(includeWaiting: true)
        try queue.markDone(jobs.prefix(5).map(\.id))
        try queue.markFailed(Array(jobs.dropFirst(5).prefix(3).map(\.id)), error: "x")
        let cache = ResultCache(store: store)
        try cache.store([CachedOutput("a", "embedding", Data(count: 10)), CachedOutput("b", "embedding", Data(count: 20))])
        try cache.store([CachedOutput("a", "embedding", Data(count: 30))])  // replaced
        _ = try cache.values(["a", "b", "zzz"])
        try expectCountsMatch(store, "after queue and cache")
        // Another program's SQL.
        let (edited, deleted, removed, job) = (ids[30], ids[31], ids[32], jobs[0].id)
        try store.write { db in
            try db.execute(sql: "UPDATE task SET tags = '[\"garden\"]', provenance = '{}' WHERE id = ?", arguments: [edited])
            try db.execute(sql: "UPDATE task SET status = 'deleted' WHERE id = ?", arguments: [deleted])
            try db.execute(sql: "DELETE FROM task WHERE id = ?", arguments: [removed])
            try db.execute(sql: "DELETE FROM result_cache WHERE key = 'b'")
            try db.execute(sql: "DELETE FROM enrichment_job WHERE id = ?", arguments: [job])
        }
        try expectCountsMatch(store, "after plain SQL")
        _ = try cache.clear()
        try expectCountsMatch(store, "after clearing the cache")
    }

    /// The number behind cached decisions changes when what enrichment learns from the user
    /// changes, and only then.
    @Test func habitsChangeWithTheUsersTagsAndFilingOnly() throws {
        let store = try TaskStore()
        var last = try habits(store)
        func changed(_ what: String, _ expected: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let now = try habits(store)
            #expect((now != last) == expected, "\(what)", sourceLocation: sourceLocation)
            last = now
        }
        let plain = try store.add(TodoTask(title: "Buy milk"))
        try changed("a task without the user's category or tags", false)
        var ai = plain
        ai.category = "Shopping"; ai.provenance[.category] = .init(model: "m", score: 1, at: Date())
        ai.tags = ["milk"]; ai.provenance[.tags] = .init(model: "m", score: 1, at: Date())
        ai.priority = .low
        _ = try store.update(ai)
        try changed("AI fields", false)
        _ = try store.markDone(ids: [plain.id!])
        try changed("done, not the user's", false)
        let filed = try store.add(TodoTask(title: "Quarterly report", category: "Work"))
        try changed("the user files a task", true)
        var retitled = filed
        retitled.title = "Quarterly report draft"
        _ = try store.update(retitled)
        try changed("the text of a filed task", true)
        _ = try store.add(TodoTask(title: "x", tags: ["garden"]))
        try changed("a tag of the user's", true)
        _ = try store.add(TodoTask(title: "y", tags: ["garden"]))
        try changed("the same tag again (its count)", true)
        _ = try store.delete(ids: [filed.id!])
        try changed("a filed task deleted", true)
    }
}

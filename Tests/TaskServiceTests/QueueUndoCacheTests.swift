import Foundation
import GRDB
import Inference
import Synchronization
import Testing
@testable import TaskService

/// The durable queue, the undo log and the result cache, on the store alone.
@Suite struct QueueUndoCacheTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aTaskIsStoredWithItsJobInOneTransaction() throws {
        let store = try TaskStore()
        let queue = EnrichmentQueue(store: store)
        let t = try store.add(TodoTask(title: "Pay rent"), enqueue: true, now: now)
        #expect(try queue.pending(now: now).map(\.taskID) == [t.id!])
        try queue.enqueue([t.id!], now: now)  // one pending job per task is enough
        #expect(try queue.pending(now: now).count == 1)
        // A failing insert stores neither the task nor its job.
        #expect(throws: StoreError.self) { try store.add(TodoTask(title: "   "), enqueue: true, now: now) }
        #expect(try queue.counts() == EnrichmentQueue.Counts(pending: 1, done: 0, failed: 0))
    }

    @Test func failuresBackOffAndAreRecorded() throws {
        let store = try TaskStore()
        var queue = EnrichmentQueue(store: store)
        queue.maxAttempts = 3
        let t = try store.add(TodoTask(title: "x"), enqueue: true, now: now)
        let job = try queue.pending(now: now)[0]
        try queue.markFailed([job.id], error: "model crashed", now: now)
        #expect(try queue.pending(now: now).isEmpty)                                        // waiting 30 s
        #expect(try queue.pending(now: now.addingTimeInterval(31)).first?.lastError == "model crashed")
        try queue.markFailed([job.id], error: "again", now: now.addingTimeInterval(31))
        #expect(try queue.pending(now: now.addingTimeInterval(31 + 59)).isEmpty)            // then 60 s
        #expect(try queue.pending(now: now.addingTimeInterval(31 + 61)).first?.attempts == 2)
        try queue.markFailed([job.id], error: "third", now: now.addingTimeInterval(100))
        #expect(try queue.failed().map(\.taskID) == [t.id!])                                 // given up
        #expect(try queue.pending(now: now.addingTimeInterval(1e6), includeWaiting: true).isEmpty)
        try queue.retryFailed(now: now)
        #expect(try queue.pending(now: now).first?.attempts == 0)
    }

    @Test func staleJobsAreTheOldDueOnes() throws {
        let store = try TaskStore()
        let queue = EnrichmentQueue(store: store)
        let old = try store.add(TodoTask(title: "left by a killed run"), enqueue: true, now: now)
        _ = try store.add(TodoTask(title: "just added"), enqueue: true, now: now.addingTimeInterval(50))
        #expect(try queue.stale(olderThan: 60, limit: 8, now: now.addingTimeInterval(70)).map(\.taskID) == [old.id!])
        try queue.markFailed([try queue.pending(now: now)[0].id], error: "x", now: now.addingTimeInterval(70))  // waiting for its retry
        #expect(try queue.stale(olderThan: 60, limit: 8, now: now.addingTimeInterval(80)).isEmpty)
    }

    @Test func withoutAModelJobsStayPendingUntouched() throws {
        let store = try TaskStore()
        let queue = EnrichmentQueue(store: store)
        _ = try store.add(TodoTask(title: "Book dentist"), enqueue: true, now: now)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-weights-\(UUID().uuidString)")
        let enricher = Enricher(store: store, settings: EnrichmentSettings(), models: ModelRegistry(weightsDirectory: empty))
        #expect(throws: EnrichmentError.self) { try queue.run(enricher, jobs: try queue.pending(now: now)) }
        let job = try queue.pending(now: now)[0]
        #expect(job.attempts == 0 && job.lastError == nil)
    }

    /// A task changed after the command (by the server, which records no undo) is not reverted
    /// silently: the undo is refused unless forced.
    @Test func undoRefusesToLoseALaterChange() throws {
        let store = try TaskStore()
        let log = UndoLog(store: store)
        var task = try store.add(TodoTask(title: "Plan the garden"), undo: "todo add", now: now)
        task.title = "Plan the vegetable garden"
        task = try store.update(task, undo: "todo edit 1", now: now.addingTimeInterval(1))
        task.priority = .high
        _ = try store.update(task, now: now.addingTimeInterval(2))  // from the server: no undo entry
        #expect(throws: StoreError.changedSince(command: "todo edit 1", tasks: [1])) { try log.undo(now: now.addingTimeInterval(3)) }
        #expect(StoreError.changedSince(command: "todo edit 1", tasks: [1]).description
                == "task 1 was changed after `todo edit 1`, and undoing it would lose that change; nothing was undone (`todo undo --force` reverts it anyway)")
        #expect(try store.task(id: 1).priority == .high, "nothing was undone")
        #expect(try log.undo(force: true, now: now.addingTimeInterval(3))?.tasks.first?.title == "Plan the garden")
        // The step before finds the task as it left it: no refusal.
        #expect(try log.undo(now: now.addingTimeInterval(4))?.command == "todo add")
    }

    @Test func undoRevertsWholeCommands() throws {
        let store = try TaskStore()
        let log = UndoLog(store: store)
        let a = try store.add(TodoTask(title: "Pay rent"), undo: "todo add", now: now)
        var edited = a
        edited.title = "Pay rent and deposit"
        edited.priority = .high
        _ = try store.update(edited, undo: "todo edit", now: now)
        _ = try store.markDone(ids: [a.id!], undo: "todo done", now: now)
        #expect(try log.last() == "todo done")
        #expect(try log.undo(now: now)?.command == "todo done")
        #expect(try store.task(id: a.id!).status == .pending)
        #expect(try log.undo(now: now)?.command == "todo edit")
        let back = try store.task(id: a.id!)
        #expect(back.title == "Pay rent" && back.priority == nil)
        #expect(try log.undo(now: now)?.command == "todo add")
        #expect(throws: StoreError.self) { try store.task(id: a.id!) }  // an undone add is deleted
        #expect(try log.undo(now: now) == nil)
    }

    @Test func undoOfAnImportRemovesEveryImportedTask() throws {
        let store = try TaskStore()
        _ = try store.importTasks([TodoTask(title: "a"), TodoTask(title: "b"), TodoTask(title: "c")], undo: "todo import", now: now)
        #expect(try store.tasks().count == 3)
        #expect(try UndoLog(store: store).undo(now: now)?.tasks.count == 3)
        #expect(try store.tasks().isEmpty)
    }

    @Test func cacheKeysChangeWithModelOperationParametersAndText() {
        let k = ResultCache.key(model: "m1", operation: "zero-shot", parameters: "Work,Home", text: "Buy milk")
        #expect(k == ResultCache.key(model: "m1", operation: "zero-shot", parameters: "Work,Home", text: "  Buy \n milk "))  // normalised
        #expect(k != ResultCache.key(model: "m2", operation: "zero-shot", parameters: "Work,Home", text: "Buy milk"))
        #expect(k != ResultCache.key(model: "m1", operation: "embedding", parameters: "Work,Home", text: "Buy milk"))
        #expect(k != ResultCache.key(model: "m1", operation: "zero-shot", parameters: "Work,Home,Health", text: "Buy milk"))
        #expect(k != ResultCache.key(model: "m1", operation: "zero-shot", parameters: "Work,Home", text: "buy milk"))
        // Fields cannot run into each other.
        #expect(ResultCache.key(model: "ab", operation: "c", parameters: "", text: "x") != ResultCache.key(model: "a", operation: "bc", parameters: "", text: "x"))
    }

    /// The banks' vector set is read back a row at a time, a vector whole; bytes of another shape are neither.
    @Test func aVectorSetReadsBackRowByRowAndAWrongShapeIsRefused() {
        let rows: [[Float]] = [[1, 2, 3], [4, 5, 6]]
        let data = ResultCache.encodeEmbedding(.init(vector: rows.flatMap { $0 }, windows: 2))
        #expect(ResultCache.decodeRows(data, count: 2) == rows)
        #expect(ResultCache.decodeRows(data, count: 3) == nil)
        #expect(ResultCache.decodeRows(data.dropLast(4), count: 2) == nil)  // five floats are not two rows
        #expect(ResultCache.decodeRows(data.dropLast(2), count: 2) == nil)  // not whole floats
        #expect(ResultCache.decodeRows(ResultCache.encodeEmbedding(.init(vector: [], windows: 0)), count: 0) == [])
        // The same shape rule for one vector, also read from the middle of a larger buffer.
        let one = ResultCache.encodeEmbedding(.init(vector: [0.5, -1, 2], windows: 3))
        let decoded = ResultCache.decodeEmbedding((Data([9, 9]) + one).dropFirst(2))
        #expect(decoded?.vector == [0.5, -1, 2] && decoded?.windows == 3)
        #expect(ResultCache.decodeEmbedding(one.dropLast(1)) == nil)
        #expect(ResultCache.decodeEmbedding(Data([1, 0])) == nil)
    }

    /// The database reads a stored set straight from its blob (not a row fetched whole): the rows
    /// `decodeRows` gives, and nothing for a set of another shape or a key not there.
    @Test func aStoredVectorSetIsReadFromItsBlobAsDecodeRowsReadsIt() throws {
        let cache = ResultCache(store: try TaskStore())
        let rows: [[Float]] = (0..<300).map { i in (0..<384).map { Float(i * 384 + $0) / 7 } }
        let data = ResultCache.encodeEmbedding(.init(vector: rows.flatMap { $0 }, windows: rows.count))
        try cache.store([CachedOutput("set", "embedding-set", data), CachedOutput("cut", "embedding-set", data.dropLast(2)),
                         CachedOutput("none", "embedding-set", ResultCache.encodeEmbedding(.init(vector: [], windows: 0)))])
        #expect(try cache.vectorSetRows("set", count: 300) == rows)
        #expect(try cache.vectorSetRows("set", count: 300) == ResultCache.decodeRows(data, count: 300))
        #expect(try cache.vectorSetRows("set", count: 200) == nil, "the header says 300 rows")
        #expect(try cache.vectorSetRows("set", count: 7) == nil, "not whole rows")
        #expect(try cache.vectorSetRows("cut", count: 300) == nil, "not whole floats")
        #expect(try cache.vectorSetRows("none", count: 0) == [])
        #expect(try cache.vectorSetRows("absent", count: 300) == nil)
    }

    @Test func cachedVectorsAreComputedOnceAcrossRunsAndPerModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString).sqlite")
        let calls = Mutex(0)
        func fake(_ texts: [String]) -> [SentenceEmbedder.Embedding] {
            calls.withLock { $0 += texts.count }
            return texts.map { SentenceEmbedder.Embedding(vector: [Float($0.count), 1], windows: 1) }
        }
        let first = ResultCache(store: try TaskStore(url: file))
        let a = try first.vectors(model: "m", texts: ["one", "three", "one"], compute: fake)
        #expect(calls.withLock { $0 } == 2 && a[0] == a[2] && a[1].vector == [5, 1])
        // Another process (a new store on the same file) reuses them.
        let second = ResultCache(store: try TaskStore(url: file))
        #expect(try second.vectors(model: "m", texts: ["three"], compute: fake)[0].vector == [5, 1])
        #expect(calls.withLock { $0 } == 2)
        _ = try second.vectors(model: "other model", texts: ["three"], compute: fake)
        #expect(calls.withLock { $0 } == 3)
        let stats = try second.statistics()
        #expect(stats.entries == 3 && stats.hits >= 1 && stats.byOperation == ["embedding": 3])
        #expect(try second.clear() == 3 && second.statistics().entries == 0)
    }

    /// The banks' vector set is computed once per machine: a second new database reads it from
    /// the shared folder (and keeps its own copy); a damaged or cut file there is not used.
    @Test func aVectorSetIsComputedOncePerMachine() throws {
        let shared = SharedVectorSets(directory: FileManager.default.temporaryDirectory.appendingPathComponent("sets-\(UUID().uuidString)"))
        let calls = Mutex(0)
        func fake(_ texts: [String]) -> [SentenceEmbedder.Embedding] {
            calls.withLock { $0 += 1 }
            return texts.map { SentenceEmbedder.Embedding(vector: [Float($0.count), 1], windows: 1) }
        }
        let texts = ["one", "three"], expected: [[Float]] = [[3, 1], [5, 1]]
        func fresh() throws -> ResultCache { ResultCache(store: try TaskStore()) }
        #expect(try fresh().vectorSet(model: "m", texts: texts, shared: shared, compute: fake) == expected)
        let second = try fresh()
        #expect(try second.vectorSet(model: "m", texts: texts, shared: shared, compute: fake) == expected)
        #expect(calls.withLock { $0 } == 1)
        #expect(try second.statistics().byOperation == ["embedding-set": 1], "the new database keeps its own copy")
        // Another model, or other texts, are another set.
        _ = try fresh().vectorSet(model: "m2", texts: texts, shared: shared, compute: fake)
        #expect(calls.withLock { $0 } == 2)
        // A damaged file (one byte changed) or a cut one is computed again, and written whole again.
        let files = try FileManager.default.contentsOfDirectory(at: shared.directory, includingPropertiesForKeys: nil)
        #expect(files.count == 2 && files.allSatisfy { $0.pathExtension == "vectors" }, "\(files)")
        var bytes = try Data(contentsOf: files[0])
        bytes[5] ^= 0x40
        try bytes.write(to: files[0])
        for model in ["m", "m2"] { #expect(try fresh().vectorSet(model: model, texts: texts, shared: shared, compute: fake) == expected) }
        try bytes.prefix(20).write(to: files[1])
        for model in ["m", "m2"] { _ = try fresh().vectorSet(model: model, texts: texts, shared: shared, compute: fake) }
        #expect(calls.withLock { $0 } == 4, "each broken file computed once more, then read")
        // A folder that cannot be made costs time, never the call.
        let blocked = FileManager.default.temporaryDirectory.appendingPathComponent("blocked-\(UUID().uuidString)")
        try Data("a file".utf8).write(to: blocked)
        let nowhere = SharedVectorSets(directory: blocked.appendingPathComponent("sets"))
        #expect(try fresh().vectorSet(model: "m", texts: texts, shared: nowhere, compute: fake) == expected)
    }

    @Test func theSharedFolderFollowsXDG() {
        #expect(SharedVectorSets.resolve(environment: ["XDG_CACHE_HOME": "/c"], home: "/home/u")?.directory.path == "/c/smart-todo/vector-sets")
        #expect(SharedVectorSets.resolve(environment: ["XDG_CACHE_HOME": "rel"], home: "/home/u")?.directory.path == "/home/u/.cache/smart-todo/vector-sets")
        #expect(SharedVectorSets.resolve(environment: [:], home: "") == nil)
    }

    @Test func refreshingSomeTasksEmbedsOnlyThose() throws {
        let store = try TaskStore()
        let ids = try ["Pay rent", "Book dentist", "Buy milk"].map { try store.add(TodoTask(title: $0)).id! }
        let seen = Mutex<[String]>([])
        let embeddings = TaskEmbeddings(store: store, model: "fake") { texts in
            seen.withLock { $0 += texts }
            return texts.map { _ in SentenceEmbedder.Embedding(vector: [1, 0], windows: 1) }
        }
        #expect(try embeddings.refresh(ids: [ids[1]]) == 1)
        #expect(seen.withLock { $0 } == ["Book dentist"])
        #expect(try embeddings.refresh(ids: [ids[1]]) == 0)   // current: nothing to do
        #expect(try embeddings.refresh() == 2)                // the other two
    }
}

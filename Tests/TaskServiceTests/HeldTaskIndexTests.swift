import Foundation
import Inference
import Synchronization
import Testing
@testable import TaskService

/// The index a PostgreSQL replica holds per account answers search and `similar` as a SQLite
/// file's index does, follows changes task by task, and embeds no more than a command would.
@Suite struct HeldTaskIndexTests {
    static let titles = ResidentVectorsTests.titles

    /// A store searched the SQLite way, and a held index over the same tasks fed through the
    /// same store's cache (any `ModelOutputCache` will do); `embedded` counts texts the model was given.
    func setUp() throws -> (store: TaskStore, search: TaskSearch, held: HeldTaskIndex, embedded: Counter) {
        let store = try TaskStore()
        for (i, title) in Self.titles.enumerated() { _ = try store.add(TodoTask(title: title, tags: i % 3 == 0 ? ["car", "admin"] : [])) }
        let embedder = try TaskSearchTests.embedder.get()
        let search = TaskSearch(embeddings: TaskEmbeddings(store: store, embedder: embedder), settings: TaskSearchTests.topicsOn)
        _ = try search.currentIndex()
        let embedded = Counter()
        let held = HeldTaskIndex(model: embedder.bundle.config.fingerprint, cache: ResultCache(store: store)) { [embedded] texts in
            embedded.add(texts.count)
            return try embedder.embed(texts)
        }
        try held.update(try store.tasks())
        return (store, search, held, embedded)
    }

    func expectSameHits(_ search: TaskSearch, _ held: HeldTaskIndex, _ queries: [String], includeDone: Bool = false) throws {
        let bridge = try held.topicBridge(search.topics)
        for query in queries {
            let mine = try held.search(query, ranking: search.ranking, topics: bridge, limit: 5, includeDone: includeDone)
            let theirs = try search.search(query, limit: 5, includeDone: includeDone)
            #expect(mine.map(\.task.id) == theirs.map(\.task.id), "\(query)")
            for (a, b) in zip(mine, theirs) {
                #expect(abs(a.score - b.score) < 1e-4 && a.keywordShare == b.keywordShare && a.topic == b.topic, "\(query): \(a.task.title)")
            }
        }
    }

    @Test func answersAsTheDatabaseIndexDoes() throws {
        let (store, search, held, embedded) = try setUp()
        // Every vector came from the cache the SQLite index filled: nothing was embedded.
        #expect(embedded.value == 0 && held.count == Self.titles.count && held.notIndexed == 0)
        try expectSameHits(search, held, ["paperwork for the van", "toothache", "decluttering", "café", "car admin", "xyzzy"])
        let theirs = try search.similar(to: 1, limit: 5, minimum: 0.2)
        let mine = try held.similar(to: 1, limit: 5, minimum: 0.2, includeDone: false)
        #expect(!theirs.isEmpty && mine.map(\.task.id) == theirs.map(\.task.id))
        #expect(zip(mine, theirs).allSatisfy { abs($0.score - $1.score) < 1e-5 })
        #expect(throws: StoreError.self) { try held.search("  ", ranking: search.ranking, topics: nil, limit: 5, includeDone: false) }
        _ = store
    }

    @Test func followsEditsDoneAndDeletes() throws {
        let (store, search, held, _) = try setUp()
        var task = try store.task(id: 4)
        task.title = "Schedule the quarterly board meeting"
        task.tags = ["work"]
        let edited = try store.update(task)
        let done = try store.markDone(ids: [5])[0]
        let deleted = try store.delete(ids: [6])[0]
        try held.update([edited, done, deleted], gone: [999])
        _ = try search.currentIndex()
        try expectSameHits(search, held, ["board meeting", "water bill", "tax return", "dentist"])
        try expectSameHits(search, held, ["water bill", "tax return"], includeDone: true)
        #expect(held.count == Self.titles.count - 1)
        #expect(throws: StoreError.self) { try held.similar(to: 6, limit: 5, minimum: 0, includeDone: true) }
        // A new task takes the freed row and is found.
        let added = try store.add(TodoTask(title: "Water the tomato plants"))
        try held.update([added])
        let hits = try held.search("gardening", ranking: search.ranking, topics: nil, limit: 1, includeDone: false)
        #expect(hits.first?.task.id == added.id && held.count == Self.titles.count)
    }

    /// Texts the cache lacks are embedded here for a few short tasks per update; a long one
    /// waits for the worker, and the rest of the short ones for the next update.
    @Test func embedsNoMoreThanACommandWould() throws {
        let (store, search, held, embedded) = try setUp()
        let long = try store.add(TodoTask(title: "Read the lease", description: String(repeating: "clause about the deposit and repairs. ", count: 80)))
        let short = try (0..<(TaskSearch.inlineTasks + 6)).map { try store.add(TodoTask(title: "Unique errand number \($0) for the bakery")) }
        try held.update([long] + short)
        #expect(held.notIndexed == 7 && held.deferred.count == 6 && held.count == Self.titles.count + TaskSearch.inlineTasks)
        #expect(embedded.value == TaskSearch.inlineTasks)  // a title is its whole text: one vector each; none for the long one
        try held.update(try held.deferred.map { try store.task(id: $0) })
        #expect(held.notIndexed == 1 && held.deferred.isEmpty)
        // Once the worker has cached the long text's vectors it is searchable like any other.
        _ = try search.currentIndex()
        _ = try TaskEmbeddings(store: store, embedder: try TaskSearchTests.embedder.get()).refresh(ids: [long.id!])
        try held.update([long])
        #expect(held.notIndexed == 0)
        #expect(try held.search("rental deposit", ranking: search.ranking, topics: nil, limit: 1, includeDone: false).first?.task.id == long.id)
    }
}

/// How many texts the model was given.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ n: Int) { count.withLock { $0 += n } }
}

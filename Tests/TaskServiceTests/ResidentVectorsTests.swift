import Foundation
import Testing
@testable import TaskService

/// The search index a server holds in memory answers as the database's does, and follows
/// changes by reading only the blocks written since.
@Suite struct ResidentVectorsTests {
    static let titles = ["Renew the van insurance", "Take the van for its service", "Vanilla pods for the cake", "Book a dentist appointment",
                         "Pay the water bill", "File the tax return", "Café receipts for the trip", "Declutter the garage",
                         "Buy printer paper", "Plan the team offsite", "Call the plumber about the leak", "Renew passport before the trip"]

    func setUp() throws -> (TaskStore, TaskSearch, TopicBridge) {
        let store = try TaskStore()
        for t in Self.titles { _ = try store.add(TodoTask(title: t)) }
        let search = TaskSearch(embeddings: TaskEmbeddings(store: store, embedder: try TaskSearchTests.embedder.get()), settings: TaskSearchTests.topicsOn)
        _ = try search.currentIndex()  // embeds every task into the database's index
        return (store, search, try search.embeddings.topicBridge(search.topics))
    }

    func expectSameHits(_ search: TaskSearch, _ held: SearchIndex, _ bridge: TopicBridge, _ queries: [String]) throws {
        let stored = try search.embeddings.index()
        for query in queries {
            let mine = try search.search(query, in: held, topics: bridge, limit: 5)
            let theirs = try search.search(query, in: stored, topics: bridge, limit: 5)
            #expect(mine.map(\.task.id) == theirs.map(\.task.id), "\(query)")
            for (a, b) in zip(mine, theirs) {
                #expect(abs(a.similarity - b.similarity) < 1e-3 && a.keywordShare == b.keywordShare && abs(a.topicBonus - b.topicBonus) < 1e-3)
            }
        }
        for stems in [["van"], ["the", "for"], ["va"], ["café"], ["zzz"]] { #expect(try held.keywordCounts(stems) == stored.keywordCounts(stems)) }
    }

    @Test func answersAsTheDatabaseIndexDoes() throws {
        let (_, search, bridge) = try setUp()
        let resident = ResidentVectors(embeddings: search.embeddings)
        let (held, read) = try resident.index(topics: bridge)
        #expect(read == 1 && held.count == 1024)
        try expectSameHits(search, held, bridge, ["paperwork for the van", "toothache", "decluttering", "café", "travel documents", "xyzzy"])
        #expect(try resident.index(topics: bridge).blocksRead == 0)  // nothing written since
    }

    @Test func followsEditsAddsAndDeletesBlockByBlock() throws {
        let (store, search, bridge) = try setUp()
        let resident = ResidentVectors(embeddings: search.embeddings)
        _ = try resident.index(topics: bridge)
        // An edit: stale at once (flags), and read again once embedded (its block's version).
        var task = try store.task(id: 4)
        task.title = "Schedule the quarterly board meeting"
        _ = try store.update(task)
        let stale = try resident.index(topics: bridge).index
        #expect(try search.search("dentist", in: stale, topics: bridge, limit: 3).allSatisfy { $0.task.id != 4 })
        _ = try search.currentIndex()
        let (edited, read) = try resident.index(topics: bridge)
        #expect(read == 1)
        #expect(try search.search("board meeting", in: edited, topics: bridge, limit: 1).first?.task.id == 4)
        // Added and deleted tasks.
        let added = try store.add(TodoTask(title: "Repaint the garden fence"))
        _ = try store.delete(ids: [1])
        _ = try search.currentIndex()
        let (after, _) = try resident.index(topics: bridge)
        #expect(try search.search("fence painting", in: after, topics: bridge, limit: 1).first?.task.id == added.id)
        #expect(try search.search("van insurance", in: after, topics: bridge, limit: 5).allSatisfy { $0.task.id != 1 })
        try expectSameHits(search, after, bridge, ["paperwork for the van", "board meeting", "garden", "dentist"])
    }

    /// The server's path: a new task is counted and queued for the worker, not embedded; an
    /// edited one is embedded again at once, so the edit never hides it from search.
    @Test func aHeldIndexQueuesNewTasksAndReembedsEditedOnes() throws {
        let (store, search, bridge) = try setUp()
        let resident = ResidentVectors(embeddings: search.embeddings)
        let fresh = try store.add(TodoTask(title: "Order new running shoes"))
        var edited = try store.task(id: 5)
        edited.tags = ["utilities", "monthly"]
        _ = try store.update(edited)
        let (index, notIndexed) = try search.currentIndex(held: resident, topics: bridge)
        #expect(notIndexed == 1 && !index.ids.contains(fresh.id!))
        #expect(try EnrichmentQueue(store: store).counts().pending >= 1)
        #expect(index.staleIDs.isEmpty, "the edited task was embedded again")
        #expect(try search.search("utilities", in: index, topics: bridge, limit: 1).first?.task.id == 5)
    }
}

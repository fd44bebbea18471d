import Foundation
import TestSupport
import GRDB
import Inference
import Synchronization
import Testing
@testable import TaskService

/// Embeddings stored with tasks, and hybrid search, on the real all-MiniLM-L6-v2 bundle.
@Suite struct TaskSearchTests {
    static let embedder: Result<SentenceEmbedder, Error> = Result {
        try SentenceEmbedder(bundle: ModelBundle(directory: PackagePaths.weights.appendingPathComponent("all-MiniLM-L6-v2")))
    }

    /// The topic term is off by default; these tests turn it on to test it.
    static let topicWeight: Float = 0.3
    static var topicsOn: SearchSettings {
        var settings = SearchSettings()
        settings.topicWeight = topicWeight
        return settings
    }

    func setUp(_ titles: [String]) throws -> (TaskStore, TaskSearch) {
        let store = try TaskStore()
        for t in titles { _ = try store.add(TodoTask(title: t)) }
        return (store, TaskSearch(embeddings: TaskEmbeddings(store: store, embedder: try Self.embedder.get())))
    }

    @Test func findsByMeaningWithoutSharedWords() throws {
        let (_, search) = try setUp(["Buy diapers and baby formula", "Submit expense receipts to accounting", "Book a dentist appointment",
                                     "Fix the leaking kitchen tap", "Renew passport before the trip"])
        #expect(try search.search("newborn", limit: 1).first?.task.title == "Buy diapers and baby formula")
        #expect(try search.search("getting my money back", limit: 1).first?.task.title == "Submit expense receipts to accounting")
        #expect(try search.search("plumbing", limit: 1).first?.task.title == "Fix the leaking kitchen tap")
        #expect(try search.search("travel documents", limit: 1).first?.task.title == "Renew passport before the trip")
    }

    @Test func topicsBringTasksOfTheQuerysKind() throws {
        let titles = ["Take three bags of toys to the thrift store", "Buy storage boxes for the attic", "Pay the water bill", "Book a haircut",
                      "Renew the residence permit at the immigration office", "Print the holiday photos", "Buy printer paper"]
        let (_, plain) = try setUp(titles)
        #expect(plain.topicWeight == 0)  // off unless the settings turn it on
        var search = plain
        search.topicWeight = Self.topicWeight
        // By meaning alone MiniLM ranks a haircut and printer paper first; through the topics
        // "decluttering" and "paperwork" meet the tasks of their kind.
        #expect(try plain.search("decluttering", limit: 1).first?.task.title == "Book a haircut")
        #expect(try plain.search("paperwork", limit: 1).first?.task.title == "Buy printer paper")
        let declutter = try #require(try search.search("decluttering", limit: 1).first)
        #expect(declutter.task.title == titles[0])
        #expect(declutter.topic == "decluttering, tidying up and giving things away" && declutter.topicBonus >= 0.1)
        #expect(abs(declutter.score - (declutter.similarity + search.keywordWeight * declutter.keywordShare + declutter.topicBonus)) < 1e-5)
        #expect(try search.search("paperwork", limit: 1).first?.task.title == titles[4])
        // The bonus never exceeds its weight, and a task of another kind gets next to nothing.
        let all = try search.search("decluttering", limit: titles.count)
        #expect(all.allSatisfy { $0.topicBonus >= 0 && $0.topicBonus <= search.topicWeight + 1e-6 })
        #expect(all.first { $0.task.title == "Pay the water bill" }!.topicBonus < 0.01)
        // A query about none of the topics gets no topic term at all.
        #expect(try search.search("xyzzy", limit: titles.count).allSatisfy { $0.topicBonus == 0 && $0.topic == nil })
    }

    /// A task's topic is read from its words, not from its tags: the same text with misleading
    /// tags gets the same topic bonus (the tags still count in the similarity).
    @Test func topicsComeFromTheTextNotTheTags() throws {
        let store = try TaskStore()
        let plain = try store.add(TodoTask(title: "Buy a new kettle", description: "the old one leaks from the bottom"))
        let tagged = try store.add(TodoTask(title: "Buy a new kettle", description: "the old one leaks from the bottom", tags: ["leaks", "plumbing repair"]))
        for t in ["Fix the dripping tap", "Book a haircut", "Pay the water bill"] { _ = try store.add(TodoTask(title: t)) }
        let search = TaskSearch(embeddings: TaskEmbeddings(store: store, embedder: try Self.embedder.get()), settings: Self.topicsOn)
        let hits = try search.search("kitchen gadgets", limit: 5)
        let a = try #require(hits.first { $0.task.id == plain.id }), b = try #require(hits.first { $0.task.id == tagged.id })
        #expect(a.topicBonus > 0.03 && abs(a.topicBonus - b.topicBonus) < 1e-6 && a.similarity != b.similarity, "\(a.topicBonus) \(b.topicBonus)")
        // Read from the normalized sum of the whole-text and title vectors, kept in the index.
        let stored = try search.embeddings.vectors(of: [plain.id!]).first!
        let expected = VectorMath.normalized(zip(stored.full, stored.title).map { $0 + $1 })
        let index = try search.embeddings.index()
        let got = try index.topicVectors(ofRows: [Int32(index.ids.firstIndex(of: plain.id!)!)])
        #expect(got.count == expected.count && zip(got, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func topicsOfTheUsersOwnDomainComeFromTheSettings() throws {
        let titles = ["Order pipette tips and falcon tubes", "Run the western blot on the mouse samples", "Pay the water bill",
                      "Buy milk and eggs", "Call the plumber", "Book a haircut", "Renew car insurance", "Plan the team offsite"]
        let (store, plain) = try setUp(titles)
        let builtIn = TaskSearch(embeddings: plain.embeddings, settings: Self.topicsOn)
        var settings = Self.topicsOn
        settings.addedTopics = [SearchTopic(name: "lab work and experiments", examples: [
            "Run PCR on the new samples", "Prepare buffer solutions", "Calibrate the pipettes", "Split the cell cultures",
            "Image the slides", "Restock lab consumables"])]
        let mine = TaskSearch(embeddings: builtIn.embeddings, settings: settings)
        // No built-in topic is about lab work: the pipette order stays behind the groceries.
        let before = try builtIn.search("experiments", limit: titles.count)
        #expect(before.first { $0.task.title == titles[0] }!.score < before.first { $0.task.title == "Buy milk and eggs" }!.score)
        let after = try mine.search("experiments", limit: 2)
        #expect(Set(after.map(\.task.title)) == Set(titles.prefix(2)) && after.allSatisfy { $0.topic == "lab work and experiments" },
                "\(after.map(\.task.title))")
        // No topics at all, or weight 0: no topic term.
        settings.topics = []
        settings.addedTopics = []
        #expect(try TaskSearch(embeddings: builtIn.embeddings, settings: settings).search("experiments", limit: titles.count).allSatisfy { $0.topicBonus == 0 })
        var off = SearchSettings()
        off.topicWeight = 0
        #expect(try TaskSearch(embeddings: builtIn.embeddings, settings: off).search("decluttering", limit: titles.count).allSatisfy { $0.topicBonus == 0 })
        _ = store
    }

    @Test func exactWordsGetABonus() throws {
        let (_, search) = try setUp(["Pay invoice INV-2291 from the printer vendor", "Pay the electricity bill", "Pay rent"])
        let hits = try search.search("INV-2291")
        #expect(hits.first?.task.title.contains("INV-2291") == true)
        #expect(hits.first!.keywordShare == 1 && hits.first!.score > hits.first!.similarity)
    }

    /// A task's category is one of the words search matches ("health stuff"); a new category
    /// replaces the old one's words, from whatever path it is set.
    @Test func theCategoryIsAWordSearchMatches() throws {
        let (store, search) = try setUp(["Book a dentist appointment", "Buy groceries for the week", "Finish the Q4 report"])
        var dentist = try store.task(id: 1)
        dentist.category = "Health"
        _ = try store.update(dentist)
        var hits = try search.search("health stuff")
        #expect(hits.first { $0.task.id == 1 }?.keywordShare == 0.5 && hits.filter { $0.keywordShare > 0 }.count == 1,
                "\(hits.map { ($0.task.title, $0.keywordShare) })")
        try store.writer.write { try $0.execute(sql: "UPDATE task SET category = 'Errands' WHERE id = 1") }
        hits = try search.search("health stuff")
        #expect(hits.allSatisfy { $0.keywordShare == 0 })
        #expect(try search.search("errands").first { $0.task.id == 1 }?.keywordShare == 1)
    }

    /// A new database file migrated up to `migration` only, then given `rows`: what an older
    /// `todo` left.
    static func olderDatabase(upTo migration: String, _ rows: (Database) throws -> Void) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("older-\(UUID().uuidString).sqlite")
        let old = try DatabaseQueue(path: url.path)
        try Migrations.migrator.migrate(old, upTo: migration)
        try old.write(rows)
        return url
    }

    /// A database indexed before categories were words gets them when it is opened: no task is
    /// embedded again for it.
    @Test func theIndexOfAnOlderDatabaseGetsItsCategoriesWords() throws {
        let url = try Self.olderDatabase(upTo: "v10 task changes in commit order") { db in
            try db.execute(sql: """
                INSERT INTO task (id, uuid, title, description, category, tags, status, created, updated)
                    VALUES (1, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'Dentist', '', 'Home Office', '[]', 'pending', 0, 0);
                INSERT INTO search_model (id, fingerprint, dimension) VALUES (1, 'model', 4);
                INSERT INTO search_slot (model_id, task_id, slot) VALUES (1, 1, 0);
                INSERT INTO search_word (model_id, word, slot) VALUES (1, 'dentist', 0);
                """)
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try TaskStore(url: url)
        let words = try store.writer.read { try String.fetchAll($0, sql: "SELECT word FROM search_word WHERE slot = 0 ORDER BY word") }
        #expect(words == ["dentist", "home", "office"])
    }

    /// A block's write count moves beside its flags (v12), kept as it was, so a server holding
    /// the index reads no block again for the upgrade; the column in the vectors' row goes.
    @Test func anOlderIndexKeepsItsBlocksWriteCounts() throws {
        let url = try Self.olderDatabase(upTo: "v11 a task's category is a word search matches") { db in
            try db.execute(sql: """
                INSERT INTO search_model (id, fingerprint, dimension) VALUES (1, 'model', 4), (2, 'other', 4);
                INSERT INTO search_block (model_id, block, ids, vectors, version) VALUES
                    (1, 0, zeroblob(8192), zeroblob(16384), 7), (1, 1, zeroblob(8192), zeroblob(16384), 2), (2, 0, zeroblob(8192), zeroblob(16384), 5);
                INSERT INTO search_flags (model_id, block, flags) VALUES (1, 0, :zeros), (1, 1, :zeros), (2, 0, :zeros);
                """, arguments: ["zeros": String(repeating: "0", count: 1024)])
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try TaskStore(url: url)
        let (counts, columns, versions) = try store.writer.read { db in
            (try Row.fetchAll(db, sql: "SELECT model_id, block, version FROM search_flags ORDER BY model_id, block").map { [$0[0], $0[1], $0[2]] as [Int] },
             try db.columns(in: "search_block").map(\.name),
             try SearchBlocks(modelID: 1, dimension: 4).versions(db).sorted { $0.block < $1.block }.map(\.version))
        }
        #expect(counts == [[1, 0, 7], [1, 1, 2], [2, 0, 5]])
        #expect(!columns.contains("version") && columns.contains("vectors"))
        #expect(versions == [7, 2])
    }

    /// Enrichment lists a task's tags best first, and the first weighs most in its search vector:
    /// two tasks that differ only in their tags' order are told apart by a query naming one tag.
    @Test func theFirstTagWeighsMost() throws {
        let store = try TaskStore()
        _ = try store.add(TodoTask(title: "Saturday", tags: ["dentist", "groceries", "laundry"]))
        _ = try store.add(TodoTask(title: "Saturday", tags: ["laundry", "groceries", "dentist"]))
        let search = TaskSearch(embeddings: TaskEmbeddings(store: store, embedder: try Self.embedder.get()))
        #expect(try search.search("dentist appointment").map { $0.task.id } == [1, 2])
        #expect(try search.search("washing clothes").map { $0.task.id } == [2, 1])
        // The weights: n, n − 1, …, 1; and the search vector's dot product is the weighted mean of the cosines.
        let e = (0..<3).map { i in (0..<3).map { $0 == i ? Float(1) : 0 } }
        let tags = TaskEmbeddings.tagsVector(e)
        #expect(zip(tags, [3, 2, 1].map { $0 / Float(14).squareRoot() }).allSatisfy { abs($0 - $1) < 1e-6 })
        let v = TaskEmbeddings.searchVector(full: e[0], title: e[1], tags: e[2])
        #expect(abs(v[2] - 1.5 / 3.5) < 1e-6 && abs(v[0] - 1 / 3.5) < 1e-6)
    }

    /// An index of the old search vectors (before v13) goes stale as a whole, status kept; the next
    /// search makes every row again from the result cache, past the few a search embeds with the
    /// model, and calls no model for it.
    @Test func anOlderIndexIsMadeAgainFromTheCache() throws {
        let store = try TaskStore()
        for i in 0..<(TaskSearch.inlineTasks + 16) { _ = try store.add(TodoTask(title: "task \(i)", tags: i % 2 == 0 ? ["even"] : [])) }
        _ = try store.markDone(ids: [3])[0]
        let calls = Mutex(0)
        let embeddings = TaskEmbeddings(store: store, model: "fake") { texts in
            calls.withLock { $0 += 1 }
            return texts.map { text in
                let h = Float(abs(text.hashValue % 1000)) / 1000
                return SentenceEmbedder.Embedding(vector: VectorMath.normalized([1, h, 1 - h]), windows: 1)
            }
        }
        let search = TaskSearch(embeddings: embeddings)
        #expect(try embeddings.refresh() == TaskSearch.inlineTasks + 16)
        let before = try search.results("task 7", limit: 100, includeDone: true)
        #expect(before.notIndexed == 0 && before.hits.count == TaskSearch.inlineTasks + 16)
        try store.writer.write { try SearchBlockSchema.staleAll($0) }
        #expect(try embeddings.index().staleIDs.count == TaskSearch.inlineTasks + 16)
        calls.withLock { $0 = 0 }
        let after = try search.results("task 7", limit: 100, includeDone: true)
        #expect(calls.withLock { $0 } == 0)
        #expect(after.notIndexed == 0 && after.hits.map(\.task.id) == before.hits.map(\.task.id))
        #expect(try search.results("task 7", limit: 100).hits.count == TaskSearch.inlineTasks + 15)
    }

    @Test func theV13MigrationMakesEveryRowStaleAndKeepsItsStatus() throws {
        let url = try Self.olderDatabase(upTo: "v12 a search block's write count beside its flags") { db in
            try db.execute(sql: """
                INSERT INTO task (id, uuid, title, description, tags, status, created, updated)
                    VALUES (1, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'Dentist', '', '[]', 'pending', 0, 0);
                INSERT INTO task_embedding (task_id, model, content, vector, windows) VALUES (1, 'model', 'x', zeroblob(16), 1);
                INSERT INTO search_model (id, fingerprint, dimension) VALUES (1, 'model', 4);
                INSERT INTO search_flags (model_id, block, flags) VALUES (1, 0, :flags);
                """, arguments: ["flags": "01234567" + String(repeating: "0", count: 1016)])
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try TaskStore(url: url)
        let (flags, vectors) = try store.writer.read { db in
            (try String.fetchOne(db, sql: "SELECT substr(flags, 1, 8) FROM search_flags")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM task_embedding")!)
        }
        #expect(flags == "00224466" && vectors == 0)
    }

    @Test func vectorsAreStoredOnceAndRecomputedWhenTheTextChanges() throws {
        let (store, search) = try setUp(["Call mom", "Water the plants"])
        #expect(try search.embeddings.refresh() == 2)
        #expect(try search.embeddings.refresh() == 0)
        var t = try store.task(id: 1)
        t.description = "about the birthday party on Sunday"
        _ = try store.update(t)
        #expect(try search.embeddings.refresh() == 1)
    }

    @Test func refreshReportsProgressPerBatch() throws {
        let (_, search) = try setUp(["Call mom", "Water the plants", "Pay rent", "Book flights", "Fix the tap"])
        var seen: [[Int]] = []
        #expect(try search.embeddings.refresh(batchSize: 2) { seen.append([$0, $1]) } == 5)
        #expect(seen == [[2, 5], [4, 5], [5, 5]])
        seen = []
        #expect(try search.embeddings.refresh(batchSize: 2) { seen.append([$0, $1]) } == 0)
        #expect(seen.isEmpty)
    }

    /// Whatever changes a task's text, tags or category — an edit, an undo, another program's
    /// SQL — its vectors are dropped in the same transaction, so search re-embeds exactly that
    /// task (from the result cache); other changes (done, priority) keep them.
    @Test func everyPathThatChangesTheTextMakesTheVectorsStale() throws {
        let (store, search) = try setUp(["Call mom", "Water the plants", "Pay rent"])
        #expect(try search.embeddings.refresh() == 3)
        var t = try store.task(id: 1)
        t.title = "Call mom about the party"
        _ = try store.update(t, undo: "edit 1")
        #expect(try search.embeddings.refresh() == 1)
        _ = try UndoLog(store: store).undo()
        #expect(try store.task(id: 1).title == "Call mom")
        #expect(try search.embeddings.refresh() == 1)
        try store.writer.write { try $0.execute(sql: #"UPDATE task SET tags = '["garden"]' WHERE id = 2"#) }
        #expect(try search.embeddings.refresh() == 1)
        try store.writer.write { try $0.execute(sql: "UPDATE task SET category = 'Home' WHERE id = 2") }
        #expect(try search.embeddings.refresh() == 1)
        _ = try store.markDone(ids: [3])[0]
        var p = try store.task(id: 2)
        p.priority = .high
        _ = try store.update(p)
        #expect(try search.embeddings.refresh() == 0)
        #expect(try search.search("watering the garden", limit: 1).first?.task.id == 2)
    }

    @Test func longDescriptionsAreWindowedNotCut() throws {
        let store = try TaskStore()
        let notes = String(repeating: "Quarterly planning: budget, hiring, vendor contracts and the office lease. ", count: 80)
        _ = try store.add(TodoTask(title: "Planning notes", description: notes + "Remember to book the flights to Lisbon."))
        let embeddings = TaskEmbeddings(store: store, embedder: try Self.embedder.get())
        try embeddings.refresh()
        let windows = try store.writer.read { try Int.fetchOne($0, sql: "SELECT windows FROM task_embedding") }
        #expect((windows ?? 0) > 1)
    }

    @Test func doneAndDeletedTasksAreLeftOutUnlessAsked() throws {
        let (store, search) = try setUp(["Buy running shoes", "Buy a birthday gift", "Buy groceries"])
        _ = try store.markDone(ids: [1])[0]
        _ = try store.delete(ids: [2])[0]
        #expect(try search.search("shopping").map { $0.task.id } == [3])
        #expect(Set(try search.search("shopping", includeDone: true).map { $0.task.id }) == [1, 3])
        #expect(throws: StoreError.self) { try search.search("   ") }
    }
}

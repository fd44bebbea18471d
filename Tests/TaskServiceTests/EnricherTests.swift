import Foundation
import TestSupport
import GRDB
import Synchronization
import Tokenizers
import Inference
import Testing
@testable import TaskService

/// Enrichment on the real all-MiniLM-L6-v2 bundle (installed by Tools/fetch-weights.sh).
@Suite struct EnricherTests {
    static let weights = PackagePaths.weights
    let now = Date()

    func enricher(_ store: TaskStore, settings: EnrichmentSettings = EnrichmentSettings()) -> Enricher {
        Enricher(store: store, settings: settings, models: ModelRegistry(weightsDirectory: Self.weights))
    }

    @Test func fillsCategoryPriorityAndTagsWithProvenance() throws {
        let store = try TaskStore()
        let ids = try [("Pay the electricity bill", 1.0), ("Book a dentist appointment for my toothache", nil), ("Buy new running shoes", nil)]
            .map { try store.add(TodoTask(title: $0.0, due: $0.1.map { now.addingTimeInterval($0 * 86_400) })).id! }
        let e = enricher(store)
        let out = try e.enrich(ids: ids, now: now)
        #expect(out.map(\.category) == ["Finance", "Health", "Shopping"])
        #expect(out[0].priority == .high && out[2].priority == .low)
        let fingerprint = try e.fingerprint()
        for t in out {
            #expect((2...4).contains(t.tags.count), "\(t.tags)")
            #expect(Set(t.provenance.keys) == Set(AIField.allCases))
            #expect(t.provenance.values.allSatisfy { $0.model == fingerprint && $0.score != nil })
        }
        #expect(out[2].tags.contains { $0.contains("shoe") })
        // Search vectors were stored from the same (cached) vectors.
        #expect(try TaskSearch(embeddings: e.embeddings(model: fingerprint)).search("dentist", limit: 1).first?.task.id == ids[1])
    }

    /// A long description's windows are reported as they are embedded (the CLI shows them), and
    /// its clauses stay phrases: the windows are the whole text's plus one per short text.
    @Test func longTextsReportTheirWindows() throws {
        let store = try TaskStore()
        let words = (0..<3_000).map { ["budget", "review", "client", "travel", "invoice"][$0 % 5] }.joined(separator: " ")
        let id = try store.add(TodoTask(title: "Notes", description: words)).id!
        let calls = Mutex<[(Int, Int)]>([])
        let e = Enricher(store: store, settings: EnrichmentSettings(), models: ModelRegistry(weightsDirectory: Self.weights),
                         windowProgress: WindowProgress { done, total in calls.withLock { $0.append((done, total)) } })
        _ = try e.enrich(ids: [id], now: now)
        let seen = calls.withLock { $0 }
        let total = try #require(seen.map(\.1).max())
        let counts = seen.filter { $0.1 == total }.map(\.0)  // the call that embedded the long text
        let textWindows = try TokenWindows.ranges(count: 3_001, width: 254).count  // "Notes" + 3,000 one-token words
        #expect(counts.last == total && counts == counts.sorted(), "\(seen)")
        #expect(total >= textWindows && total < textWindows + 30, "windows \(total), the text alone \(textWindows)")  // its clauses add 12, not the text again
    }

    @Test func theUserWinsAndRemovedTagsStayRemoved() throws {
        let store = try TaskStore()
        let mine = try store.add(TodoTask(title: "Pay the electricity bill", category: "Work", priority: .low))
        let e = enricher(store)
        var t = try e.enrich(ids: [mine.id!], now: now)[0]
        #expect(t.category == "Work" && t.priority == .low)
        #expect(t.provenance[.category] == nil && t.provenance[.priority] == nil && t.provenance[.tags] != nil)
        let removed = t.tags[0]
        t.tags.removeFirst()
        t.removedTags.append(removed.uppercased())
        _ = try store.update(t)
        let again = try e.enrich(ids: [mine.id!], now: now)[0]
        #expect(!again.tags.contains { TextFeatures.tagKey($0) == TextFeatures.tagKey(removed) }, "\(again.tags)")
        // Tags the user gave are the user's: not replaced.
        let tagged = try store.add(TodoTask(title: "Buy new running shoes", tags: ["sport"]))
        #expect(try e.enrich(ids: [tagged.id!], now: now)[0].tags == ["sport"])
    }

    /// The engine keeps its last context, and nothing may keep the engine in return: a store
    /// that is never released never settles (a command's writes would stay in the log, and a
    /// copy of the main file alone would miss them).
    @Test func enrichingAndSearchingLetTheStoreGo() throws {
        weak var released: TaskStore?
        try {
            let store = try TaskStore()
            let id = try store.add(TodoTask(title: "Pay the electricity bill")).id!
            let e = enricher(store)
            _ = try e.enrich(ids: [id], now: now)
            #expect(try TaskSearch(embeddings: e.embeddings(model: e.fingerprint())).search("bills").first?.task.id == id)
            released = store
        }()
        #expect(released == nil)
    }

    @Test func aCacheHitNeedsNoModelAcrossProcesses() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hit-\(UUID().uuidString).sqlite")
        let first = try TaskStore(url: file)
        let a = try first.add(TodoTask(title: "Renew the car insurance", description: "quote from two companies"))
        let warm = enricher(first)
        _ = try warm.enrich(ids: [a.id!], now: now)
        #expect(warm.models.embedderLoaded)
        // A new "process": same database, fresh registry; the same text again.
        let second = try TaskStore(url: file)
        let b = try second.add(TodoTask(title: "Renew the car insurance", description: "quote  from two companies "))
        let cold = enricher(second)
        let out = try cold.enrich(ids: [b.id!], now: now)[0]
        #expect(!cold.models.embedderLoaded)
        let firstResult = try first.task(id: a.id!)
        #expect(out.category == firstResult.category && out.tags == firstResult.tags && out.priority == firstResult.priority)
    }

    /// `Decider` starts the model loading while it builds the context: the load must happen on
    /// its own, and the caller that then asks for the model must get that one, not a second.
    @Test func aPreloadedModelIsTheOneTheNextCallerGets() throws {
        let models = ModelRegistry(weightsDirectory: Self.weights)
        models.preloadEmbedder()
        let deadline = Date().addingTimeInterval(60)
        while !models.embedderLoaded && Date() < deadline { usleep(1_000) }
        #expect(models.embedderLoaded, "the preload did not load the model within a minute")
        #expect(try models.embedder() === models.embedder())
        // A registry whose model is missing preloads nothing and still reports the missing model when asked.
        let empty = ModelRegistry(weightsDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("none-\(UUID().uuidString)"))
        empty.preloadEmbedder()
        #expect(throws: EnrichmentError.self) { try empty.embedder() }
    }

    @Test func decisionsAreCachedPerUserStateAndSettings() throws {
        let store = try TaskStore()
        let e = enricher(store)
        let a = try store.add(TodoTask(title: "Water the tomato plants"))
        _ = try e.enrich(ids: [a.id!], now: now)
        #expect(try ResultCache(store: store).statistics().byOperation?["decision"] == 1)
        let same = try store.add(TodoTask(title: "Water the tomato plants"))
        _ = try e.enrich(ids: [same.id!], now: now)
        #expect(try ResultCache(store: store).statistics().byOperation?["decision"] == 1)  // reused
        // The user files a task themselves: what decisions learn from changes, so a new decision is made.
        let mine = try store.add(TodoTask(title: "Repot the basil", category: "Personal"))
        try e.embeddings(model: e.fingerprint()).refresh(ids: [mine.id!])
        _ = try e.enrich(ids: [same.id!], now: now)
        #expect(try ResultCache(store: store).statistics().byOperation?["decision"] == 2)
        // Other settings: another decision too.
        var settings = EnrichmentSettings()
        settings.tags.count = 2
        let other = try enricher(store, settings: settings).enrich(ids: [same.id!], now: now)[0]
        #expect(other.tags.count <= 2)
        #expect(try ResultCache(store: store).statistics().byOperation?["decision"] == 3)
        // Decisions cached by older rules (an earlier release of the tagger, say) are made again.
        let older = Enricher(store: store, settings: EnrichmentSettings(), models: ModelRegistry(weightsDirectory: Self.weights),
                             rules: Enricher.currentRules - 1)
        _ = try older.enrich(ids: [same.id!], now: now)
        #expect(try ResultCache(store: store).statistics().byOperation?["decision"] == 4)
        _ = try e.enrich(ids: [same.id!], now: now)
        #expect(try ResultCache(store: store).statistics().byOperation?["decision"] == 4)  // the current rules' one is still there
    }

    @Test func categoriesAreConfigurableAndLearnFromTheUsersTasks() throws {
        var settings = EnrichmentSettings()
        settings.categories = [CategoryDefinition(name: "Alpha", description: "", examples: ["Buy milk"]),
                               CategoryDefinition(name: "Beta", description: "", examples: ["Call the bank"])]
        settings.categoryThreshold = -1
        func categorize(userTasks: [String]) throws -> TodoTask {
            let store = try TaskStore()
            let e = enricher(store, settings: settings)
            let mine = try userTasks.map { try store.add(TodoTask(title: $0, category: "Beta")).id! }
            try e.embeddings(model: e.fingerprint()).refresh(ids: mine)
            let t = try store.add(TodoTask(title: "Rake the leaves in the garden"))
            return try e.enrich(ids: [t.id!], now: now)[0]
        }
        let alone = try categorize(userTasks: [])
        #expect(["Alpha", "Beta"].contains(alone.category))
        let learned = try categorize(userTasks: ["Prune the roses", "Mow the lawn", "Plant tulip bulbs in the flower bed"])
        #expect(learned.category == "Beta")
        if alone.category == "Beta" { #expect(learned.provenance[.category]!.score! > alone.provenance[.category]!.score!) }
    }

    /// The user's filed tasks are read once per change of their habits: one cache entry per
    /// model, replaced (not added to) when they file another task.
    @Test func filedExamplesAreKeptUntilTheHabitsChange() throws {
        let store = try TaskStore()
        let e = enricher(store)
        let model = try e.fingerprint()
        func filed(_ title: String) throws {
            let id = try store.add(TodoTask(title: title, category: "Work")).id!
            try e.embeddings(model: model).refresh(ids: [id])
        }
        func entries() throws -> Int { try ResultCache(store: store).statistics().byOperation?["filed-examples"] ?? 0 }
        try filed("Prepare the quarterly report")
        #expect(try store.userCategorizedVectors(model: model).map(\.category) == ["Work"])
        #expect(try entries() == 1)
        try filed("Review the pull request")
        let two = try store.userCategorizedVectors(model: model)
        #expect(try two.count == 2 && entries() == 1)
        // Read back from the entry: the tasks' vectors are gone, the habits are the same.
        try store.writer.write { try $0.execute(sql: "DELETE FROM task_embedding") }
        #expect(try store.userCategorizedVectors(model: model) == two)
        // A cut entry is not trusted: read from the tasks again (now none has vectors).
        try store.writer.write { try $0.execute(sql: "UPDATE result_cache SET value = substr(value, 1, length(value) - 2) WHERE operation = 'filed-examples'") }
        #expect(try store.userCategorizedVectors(model: model).isEmpty)
        // The vector is the normalized sum of the whole-text and title vectors.
        #expect(abs(VectorMath.dot(two[0].vector, two[0].vector) - 1) < 1e-5)
    }

    /// Enriching again what decides as before (a deleted task brought back by undo is queued
    /// again) writes nothing: no new decision time, no undo step to take back before the user's own.
    @Test func enrichingAgainWithTheSameResultWritesNothing() throws {
        let store = try TaskStore()
        let id = try store.add(TodoTask(title: "Fix the leaking kitchen tap"), undo: "todo add").id!
        let e = enricher(store)
        let first = try e.enrich(ids: [id], undo: "todo enrich", now: now)[0]
        let again = try e.enrich(ids: [id], undo: "todo enrich 1", now: now.addingTimeInterval(60))[0]
        let stored = try store.task(id: id)
        #expect(again == first && stored == first, "not even the decision time moved")
        #expect(try UndoLog(store: store).last() == "todo enrich", "no step for an enrichment that changed nothing")
    }

    @Test func abstainsWhenNothingFits() throws {
        var settings = EnrichmentSettings()
        settings.categoryThreshold = 0.99
        let store = try TaskStore()
        let t = try store.add(TodoTask(title: "Pay the electricity bill"))
        #expect(try enricher(store, settings: settings).enrich(ids: [t.id!], now: now)[0].category == Enricher.uncategorized)
    }

    /// A text without words gets no category and no tags rather than the nearest guess; a short
    /// real title gets its one good tag, not a weak lexicon word to make two.
    @Test func noGuessesForTextsWithoutWords() throws {
        let store = try TaskStore()
        let ids = try ["🎉🎉", "???", "x", "Renew passport"].map { try store.add(TodoTask(title: $0)).id! }
        let out = try enricher(store).enrich(ids: ids, now: now)
        for t in out.prefix(3) {
            #expect(t.category == Enricher.uncategorized && t.tags.isEmpty, "\(t.title): \(t.category ?? "-") \(t.tags)")
        }
        #expect(out[3].category != Enricher.uncategorized && out[3].tags.first == "passport")
        // Beyond its own word, only tags people file such tasks by, none below the bar (which the
        // rules' relevance must clear, the learned term left out).
        let others = try enricher(store).explain(out[3], now: now).tags.dropFirst()
        #expect(others.allSatisfy { $0.filed && $0.relevance - $0.learned >= TagSettings().minimumRelevance }, "\(others)")
    }

    @Test func longDescriptionsAreEmbeddedWholeInWindows() throws {
        let store = try TaskStore()
        let notes = (1...400).map { "Item \($0): discuss the migration plan with the team and agree on owners." }.joined(separator: " ")
        let t = try store.add(TodoTask(title: "Meeting notes", description: notes))
        let e = enricher(store)
        _ = try e.enrich(ids: [t.id!], now: now)
        let windows = try store.writer.read { try Int.fetchOne($0, sql: "SELECT windows FROM task_embedding WHERE task_id = ?", arguments: [t.id!]) }
        #expect((windows ?? 0) > 10)
    }

    @Test func explainsPriorityTermByTerm() throws {
        let store = try TaskStore()
        let t = try store.add(TodoTask(title: "URGENT: rotate the leaked API key", due: now.addingTimeInterval(-86_400)))
        let e = try enricher(store).explain(t, now: now).priority
        #expect(e.priority == .high)
        #expect(e.terms.map(\.name).prefix(2) == ["overdue", "urgency in the text"])
        #expect(abs(e.score - e.terms.reduce(0) { $0 + $1.contribution }) < 1e-9)
    }

    /// `explain` gives the category the AI stored and every category's score, best first; a text
    /// without words has no scores.
    @Test func explainsTheCategoryWithEveryScore() throws {
        let store = try TaskStore()
        let ids = try ["Pay the electricity bill", "🎉"].map { try store.add(TodoTask(title: $0)).id! }
        let e = enricher(store)
        let stored = try e.enrich(ids: ids, now: now)
        let bill = try e.explain(stored[0], now: now).category
        #expect(bill.category == stored[0].category && bill.category == "Finance" && !bill.byZeroShot)
        #expect(Set(bill.scores.map(\.name)) == Set(e.settings.categories.map(\.name)))
        #expect(bill.scores.first?.name == "Finance" && zip(bill.scores, bill.scores.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(abs((bill.scores.first?.score ?? 0) - (stored[0].provenance[.category]?.score ?? -1)) < 1e-9)
        let noise = try e.explain(stored[1], now: now).category
        #expect(noise.category == nil && noise.scores.isEmpty)
    }

    /// `explain` gives each AI tag's relevance and where it came from; the sources are checked
    /// against the text, the lexicon and the user's own tags, and the stored score is their mean.
    @Test func explainsEachTagsRelevanceAndSource() throws {
        let store = try TaskStore()
        _ = try store.add(TodoTask(title: "Stretch after the long run", tags: ["fitness"]))  // tags the user set
        let ids = try [TodoTask(title: "Pay rent"), TodoTask(title: "Buy running shoes", description: "for the half marathon in spring; budget 120 EUR")]
            .map { try store.add($0).id! }
        let e = enricher(store)
        let stored = try e.enrich(ids: ids, now: now)
        var sources = Set<TagExplanation.Source>()
        for task in stored {
            let tags = try e.explain(task, now: now).tags
            #expect(tags.map(\.tag) == task.tags && !tags.isEmpty)
            let mean = tags.map(\.relevance).reduce(0, +) / Double(tags.count)
            let stored: Double = task.provenance[.tags]?.score ?? -1
            #expect(abs(mean - stored) < 1e-9)
            let title = task.title.lowercased(), description = task.description.lowercased()
            for t in tags {
                sources.insert(t.source)
                switch t.source {
                case .title: #expect(title.contains(t.tag), "\(t)")
                case .description: #expect(description.contains(t.tag) && !title.contains(t.tag), "\(t)")
                case .lexicon: #expect(Tagger.lexicon.contains(t.tag) && !title.contains(t.tag), "\(t)")
                case .yours: #expect(t.tag == "fitness", "\(t)")
                case .similarTasks:
                    #expect(LabelledTask.builtIn.contains { $0.tags.map { $0.lowercased() }.contains(t.tag) } && !title.contains(t.tag), "\(t)")
                }
            }
        }
        // "Pay rent" gets tags people file such tasks by (housing, bills…) besides its own word.
        #expect(sources.contains(.title) && (sources.contains(.lexicon) || sources.contains(.similarTasks)), "\(sources)")
    }

    /// Lead time by meaning: a notice period or a waiting list lifts a dateless task to medium; a plain errand stays low.
    @Test func leadTimeLiftsADatelessTask() throws {
        let store = try TaskStore()
        let cancel = try store.add(TodoTask(title: "Cancel the old broadband contract", description: "the notice period is one month"))
        let kettle = try store.add(TodoTask(title: "Buy a new kettle"))
        let e = enricher(store)
        let lifted = try e.explain(cancel, now: now).priority
        #expect(lifted.priority == .medium && lifted.terms.map(\.name) == ["lead time"], "\(lifted.terms)")
        #expect(try e.explain(kettle, now: now).priority.priority == .low)
    }

    @Test func missingModelIsAClearError() throws {
        let store = try TaskStore()
        let t = try store.add(TodoTask(title: "x"))
        let e = Enricher(store: store, settings: EnrichmentSettings(), models: ModelRegistry(weightsDirectory: URL(fileURLWithPath: "/nonexistent")))
        #expect(throws: EnrichmentError.modelMissing(path: "/nonexistent/all-MiniLM-L6-v2", name: "all-MiniLM-L6-v2")) { try e.enrich(ids: [t.id!]) }
        #expect(try store.task(id: t.id!).category == nil)
    }
}

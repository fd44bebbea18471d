import Foundation
import Inference

/// Measures enrichment and search against labelled tasks, the way `todo eval` reports it.
public struct Evaluation: Sendable {
    /// A labelled task: only title, description and due_in_days are given to the enrichers.
    public struct LabelledTask: Codable, Sendable {
        public var id: String
        public var title: String
        public var description: String?
        public var dueInDays: Double?
        public var category: String?
        public var priority: String?
        public var tags: [String]?

        enum CodingKeys: String, CodingKey {
            case id, title, description, dueInDays = "due_in_days", category, priority, tags
        }
    }

    public struct Query: Codable, Sendable {
        public var query: String
        public var relevant: [String]
    }

    public struct Report: Codable, Sendable, Equatable {
        /// The embedding model's name (its bundle directory); "A, search B" when search has a model of its own.
        public var model: String
        public var tasks: Int
        public var queries: Int
        public var categoryAccuracy: Double?
        public var priorityAccuracy: Double?
        public var tagOverlap: Double?
        /// Share of our tags that are among the expected ones: overlap rewards one good tag in
        /// four, this counts the other three (a good tag the labels lack counts as wrong).
        public var tagPrecision: Double?
        public var searchRecallAt5: Double?
        /// The baselines our search must beat, with the same model: tasks ranked by the cosine of
        /// the query with title + description, and by the mean of that and the cosine with the title.
        public var plainRecallAt5: Double?
        public var plainTitleMeanRecallAt5: Double?
        /// Search recall@5 with one of search's terms left out, by rule: what each one adds.
        public var searchRecallWithout: [SearchRule: Double]?
        /// The built-in labelled sets left out of the banks because they hold the measured tasks.
        public var leftOutOfBank: [String] = []
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case model, tasks, queries, seconds
            case categoryAccuracy = "category_accuracy", priorityAccuracy = "priority_accuracy", tagOverlap = "tag_overlap"
            case tagPrecision = "tag_precision", searchRecallAt5 = "search_recall_at_5"
            case plainRecallAt5 = "plain_recall_at_5", plainTitleMeanRecallAt5 = "plain_title_mean_recall_at_5"
            case searchRecallWithout = "search_recall_without", leftOutOfBank = "left_out_of_bank"
        }
    }

    /// The terms search adds to the similarity of meaning, each of which must earn its place on the blind set.
    public enum SearchRule: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
        /// The share of the query's words the task has.
        case keywords
        /// The bridge through life areas.
        case topics

        func leftOut(of search: TaskSearch) -> TaskSearch {
            var s = search
            switch self {
            case .keywords: s.keywordWeight = 0
            case .topics: s.topicWeight = 0
            }
            return s
        }
    }

    /// One wrong answer, for the error listing.
    public struct Miss: Sendable {
        public var id: String
        public var field: String
        public var expected: String
        public var got: String
        public var title: String
    }

    public let settings: EnrichmentSettings
    public let models: ModelRegistry

    public init(settings: EnrichmentSettings, models: ModelRegistry) {
        self.settings = settings
        self.models = models
    }

    /// Imports `tasks` into a fresh in-memory store (due dates relative to `now`), enriches them and compares.
    public func run(tasks: [LabelledTask], queries: [Query], now: Date = Date(),
                    progress: ((String, Int, Int) -> Void)? = nil) throws -> (report: Report, misses: [Miss]) {
        let started = Date()
        let (enricher, idOf, leftOut) = try imported(tasks, now: now)
        let store = enricher.store
        let enriched = try enricher.enrich(ids: tasks.map { idOf[$0.id]! }, now: now) { progress?("enriching", $0, $1) }
        let byID = Dictionary(uniqueKeysWithValues: enriched.map { ($0.id!, $0) })
        var misses: [Miss] = []
        var category = (right: 0, total: 0), priority = (right: 0, total: 0), tags = (right: 0, total: 0), ourTags = (right: 0, total: 0)
        for t in tasks {
            guard let got = byID[idOf[t.id]!] else { continue }
            if let expected = t.category {
                category.total += 1
                if got.category?.lowercased() == expected.lowercased() { category.right += 1 } else {
                    misses.append(Miss(id: t.id, field: "category", expected: expected, got: got.category ?? "-", title: t.title))
                }
            }
            if let expected = t.priority {
                priority.total += 1
                if got.priority?.rawValue == expected.lowercased() { priority.right += 1 } else {
                    misses.append(Miss(id: t.id, field: "priority", expected: expected, got: got.priority?.rawValue ?? "-", title: t.title))
                }
            }
            if let expected = t.tags, !expected.isEmpty {
                tags.total += 1
                let matched = Self.matchingTags(got.tags, expected: expected)
                ourTags.total += Set(got.tags.map(TextFeatures.tagKey)).count
                ourTags.right += matched
                if matched > 0 { tags.right += 1 } else {
                    misses.append(Miss(id: t.id, field: "tags", expected: expected.joined(separator: ", "), got: got.tags.joined(separator: ", "), title: t.title))
                }
            }
        }
        var recall: Double?, plain: Double?, plainTitleMean: Double?, without: [SearchRule: Double]?
        if !queries.isEmpty {
            let embeddings = try enricher.searchEmbeddings()
            let search = TaskSearch(embeddings: embeddings, settings: settings.search)
            // Enrichment made search's vectors as it went; any it did not are made here, every one
            // (a search would embed 64 at most).
            try embeddings.refresh { progress?("indexing", $0, $1) }
            let dataID = Dictionary(uniqueKeysWithValues: idOf.map { ($1, $0) })
            func tops(_ search: TaskSearch, _ phase: String) throws -> [[String]] {
                try queries.enumerated().map { i, q in
                    defer { progress?(phase, i + 1, queries.count) }
                    return try search.search(q.query, limit: 5).compactMap { $0.task.id.flatMap { dataID[$0] } }
                }
            }
            let ours = try tops(search, "searching")
            without = try Dictionary(uniqueKeysWithValues: SearchRule.allCases.map { rule in
                (rule, Self.recallAt5(try tops(rule.leftOut(of: search), "searching without \(rule.rawValue)"), queries: queries))
            })
            recall = Self.recallAt5(ours, queries: queries) { i, q, top in
                misses.append(Miss(id: "query \(i + 1)", field: "search", expected: q.relevant.sorted().joined(separator: ", "),
                                   got: top.joined(separator: ", "), title: q.query))
            }
            // The plain baselines, with search's model, from the vectors indexing already cached.
            let full = try embeddings.vectors(ofTexts: tasks.map { TaskEmbeddings.text(of: byID[idOf[$0.id]!]!) })
            let titles = try embeddings.vectors(ofTexts: tasks.map(\.title))
            let asked = try embeddings.vectors(ofTexts: queries.map(\.query))
            func ranked(_ score: ([Float]) -> [Float]) -> [[String]] {
                asked.map { q in
                    let s = score(q)
                    return Array(s.indices.sorted { s[$0] > s[$1] }.prefix(5).map { tasks[$0].id })
                }
            }
            plain = Self.recallAt5(ranked { q in full.map { VectorMath.dot(q, $0) } }, queries: queries)
            plainTitleMean = Self.recallAt5(ranked { q in zip(full, titles).map { (VectorMath.dot(q, $0) + VectorMath.dot(q, $1)) / 2 } }, queries: queries)
        }
        func share(_ x: (right: Int, total: Int)) -> Double? { x.total == 0 ? nil : Double(x.right) / Double(x.total) }
        let model = enricher.searchHasOwnModel ? "\(models.embeddingModel), search \(enricher.searchModels.embeddingModel)" : models.embeddingModel
        let report = Report(model: model, tasks: tasks.count, queries: queries.count, categoryAccuracy: share(category),
                            priorityAccuracy: share(priority), tagOverlap: share(tags), tagPrecision: share(ourTags),
                            searchRecallAt5: recall, plainRecallAt5: plain, plainTitleMeanRecallAt5: plainTitleMean, searchRecallWithout: without,
                            leftOutOfBank: leftOut, seconds: Date().timeIntervalSince(started))
        return (report, misses)
    }

    /// A fresh in-memory store holding `tasks` (due dates relative to `now`) and an enricher of it
    /// whose banks leave out any built-in labelled set holding them: a set is never measured against itself.
    private func imported(_ tasks: [LabelledTask], now: Date) throws -> (enricher: Enricher, idOf: [String: Int64], leftOut: [String]) {
        let leftOut = Self.labelledSets(holding: tasks, among: settings.labelledSets)
        var settings = settings
        settings.labelledSets.removeAll { leftOut.contains($0) }
        let store = try TaskStore()
        var idOf: [String: Int64] = [:]
        for t in tasks {
            let due = t.dueInDays.map { now.addingTimeInterval($0 * 86_400) }
            let stored = try store.add(TodoTask(title: t.title, description: t.description ?? "", due: due, now: now))
            idOf[t.id] = stored.id!
        }
        return (Enricher(store: store, settings: settings, models: models), idOf, leftOut)
    }

    /// A labelled task's tag candidates, each with whether its labels have it.
    public struct LabelledCandidates: Codable, Sendable {
        public struct Row: Codable, Sendable {
            public var candidate: TagCandidate
            public var labelled: Bool
        }
        public var id: String
        /// The labels' tags as `TextFeatures.tagKey`s.
        public var tags: [String]
        public var candidates: [Row]
    }

    /// Every labelled task's tag candidates as the learned ranking reads them, each marked with
    /// whether the task's labels have it: what `Tools/eval/fit_tag_ranking.py` fits `TagRanking` on.
    /// Tasks without labelled tags are left out.
    public func tagCandidates(tasks: [LabelledTask], now: Date = Date()) throws -> [LabelledCandidates] {
        let labelled = tasks.filter { !($0.tags ?? []).isEmpty }
        let (enricher, idOf, _) = try imported(labelled, now: now)
        let decider = try Decider(engine: enricher.engine, model: try enricher.fingerprint())
        let stored = try labelled.map { try enricher.store.task(id: idOf[$0.id]!) }
        return zip(labelled, try decider.tagCandidates(stored)).map { task, candidates in
            let keys = Set(task.tags!.map(TextFeatures.tagKey))
            return LabelledCandidates(id: task.id, tags: keys.sorted(),
                                      candidates: candidates.map { .init(candidate: $0, labelled: keys.contains($0.key)) })
        }
    }

    /// The named built-in labelled sets that hold at least half of `tasks` (the same texts). Not any
    /// one of them: short titles ("groceries") recur across sets written independently.
    static func labelledSets(holding tasks: [LabelledTask], among sets: [String]) -> [String] {
        let texts = tasks.map { TaskService.LabelledTask.text(title: $0.title, description: $0.description ?? "") }
        return sets.filter { set in
            let held = Set(TaskService.LabelledTask.builtIn(sets: [set]).map(\.text))
            return 2 * texts.filter(held.contains).count >= texts.count
        }
    }

    /// Mean over queries of |top 5 ∩ relevant| / min(5, |relevant|); `missed` hears of each query below its best.
    static func recallAt5(_ tops: [[String]], queries: [Query], missed: ((Int, Query, [String]) -> Void)? = nil) -> Double {
        var sum = 0.0
        for (i, (top, q)) in zip(tops, queries).enumerated() {
            let relevant = Set(q.relevant)
            let found = Set(top.prefix(5)).intersection(relevant).count
            sum += relevant.isEmpty ? 1 : Double(found) / Double(min(5, relevant.count))
            if found < min(5, relevant.count) { missed?(i, q, top) }
        }
        return sum / Double(queries.count)
    }

    /// How many of our (distinct) tags are expected, compared lowercased and singular.
    static func matchingTags(_ ours: [String], expected: [String]) -> Int {
        Set(ours.map(TextFeatures.tagKey)).intersection(expected.map(TextFeatures.tagKey)).count
    }
}

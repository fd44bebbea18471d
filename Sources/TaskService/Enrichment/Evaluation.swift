import Foundation
import Inference

/// Measures enrichment and search against labelled tasks, the way `todo eval` reports it.
public struct Evaluation: Sendable {
    /// A labelled task: only title, description and due_in_days are given to the enrichers.
    public struct LabelledTask: Codable, Sendable {
        public var id: String
        public var title: String
        public var description: String?
        public var due_in_days: Double?
        public var category: String?
        public var priority: String?
        public var tags: [String]?
    }

    public struct Query: Codable, Sendable {
        public var query: String
        public var relevant: [String]
    }

    public struct Report: Codable, Sendable, Equatable {
        public var tasks: Int
        public var queries: Int
        public var category_accuracy: Double?
        public var priority_accuracy: Double?
        public var tag_overlap: Double?
        /// Share of our tags that are among the expected ones: overlap rewards one good tag in
        /// four, this counts the other three (a good tag the labels lack counts as wrong).
        public var tag_precision: Double?
        public var search_recall_at_5: Double?
        public var seconds: Double
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
        let store = try TaskStore()
        var idOf: [String: Int64] = [:]
        for t in tasks {
            let due = t.due_in_days.map { now.addingTimeInterval($0 * 86_400) }
            let stored = try store.add(TodoTask(title: t.title, description: t.description ?? "", due: due, now: now))
            idOf[t.id] = stored.id!
        }
        let enricher = Enricher(store: store, settings: settings, models: models)
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
        var recall: Double?
        if !queries.isEmpty {
            let search = TaskSearch(embeddings: enricher.embeddings(model: try enricher.fingerprint()), settings: settings.search)
            let dataID = Dictionary(uniqueKeysWithValues: idOf.map { ($1, $0) })
            var sum = 0.0
            for (i, q) in queries.enumerated() {
                let top = try search.search(q.query, limit: 5).compactMap { $0.task.id.flatMap { dataID[$0] } }
                let relevant = Set(q.relevant)
                let found = Set(top).intersection(relevant).count
                sum += relevant.isEmpty ? 1 : Double(found) / Double(min(5, relevant.count))
                if found < min(5, relevant.count) {
                    misses.append(Miss(id: "query \(i + 1)", field: "search", expected: q.relevant.sorted().joined(separator: ", "),
                                       got: top.joined(separator: ", "), title: q.query))
                }
                progress?("searching", i + 1, queries.count)
            }
            recall = sum / Double(queries.count)
        }
        func share(_ x: (right: Int, total: Int)) -> Double? { x.total == 0 ? nil : Double(x.right) / Double(x.total) }
        let report = Report(tasks: tasks.count, queries: queries.count, category_accuracy: share(category), priority_accuracy: share(priority),
                            tag_overlap: share(tags), tag_precision: share(ourTags), search_recall_at_5: recall, seconds: Date().timeIntervalSince(started))
        return (report, misses)
    }

    /// How many of our (distinct) tags are expected, compared lowercased and singular.
    static func matchingTags(_ ours: [String], expected: [String]) -> Int {
        Set(ours.map(TextFeatures.tagKey)).intersection(expected.map(TextFeatures.tagKey)).count
    }
}

import Foundation
import GRDB
import Inference

/// Fills the AI fields of the tasks of a SQLite store — embedding, category, priority, tags —
/// for fields the user did not set, recording provenance and undo: the `EnrichmentEngine`
/// decides (over this store's cache and this user's habits), this applies and indexes.
public final class Enricher: Sendable {
    public let store: TaskStore
    public let engine: EnrichmentEngine
    /// The model search embeds with (`ModelRegistry.searching`): `models` itself unless the
    /// settings give search a model of its own (`search.model`).
    public let searchModels: ModelRegistry
    /// Whether enriching also makes the tasks' search vectors with search's own model. A
    /// `todo add` leaves them to the next search (loading a second, bigger model would more than
    /// double its time); with one model they always come along, from the cache.
    let indexesWithSearchModel: Bool

    /// Bump when the categorizer's, prioritizer's or tagger's code changes what they decide:
    /// decisions cached by older rules are then made again, as after a settings change. (What
    /// each version changed: docs/ai-design.md.)
    public static let currentRules = 18

    public convenience init(store: TaskStore, settings: EnrichmentSettings, models: ModelRegistry, windowProgress: WindowProgress? = nil,
                            indexesWithSearchModel: Bool = true) {
        self.init(store: store, settings: settings, models: models, rules: Self.currentRules, windowProgress: windowProgress,
                  indexesWithSearchModel: indexesWithSearchModel)
    }

    init(store: TaskStore, settings: EnrichmentSettings, models: ModelRegistry, rules: Int, windowProgress: WindowProgress? = nil,
         indexesWithSearchModel: Bool = true) {
        self.store = store
        engine = EnrichmentEngine(cache: ResultCache(store: store), habits: store, settings: settings, models: models,
                                  rules: rules, windowProgress: windowProgress)
        searchModels = models.searching(settings.search)
        self.indexesWithSearchModel = indexesWithSearchModel
    }

    /// Whether search embeds with a model other than enrichment's.
    public var searchHasOwnModel: Bool { searchModels !== models }

    public var settings: EnrichmentSettings { engine.settings }
    public var models: ModelRegistry { engine.models }

    /// Enriches `ids` (skipping deleted or missing ones) and returns the stored tasks.
    /// `progress(done, total)` is called after each chunk; `undo` names the command for `todo undo`.
    @discardableResult
    public func enrich(ids: [Int64], undo: UndoStep? = nil, now: Date = Date(), progress: ((Int, Int) -> Void)? = nil) throws -> [TodoTask] {
        let decider = try Decider(engine: engine, model: try fingerprint())
        var out: [TodoTask] = []
        for start in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = ids[start..<min(start + Self.chunkSize, ids.count)].compactMap { id in try? store.task(id: id) }
            out += try enrich(chunk, decider: decider, undo: undo, now: now)
            progress?(min(start + Self.chunkSize, ids.count), ids.count)
        }
        return out
    }

    public typealias Explanation = EnrichmentEngine.Explanation

    /// The explanation of one decision, computed even where the user set the field.
    public func explain(_ task: TodoTask, now: Date = Date()) throws -> Explanation { try engine.explain(task, now: now) }

    /// Builds the enrichment context now and keeps it (see `EnrichmentEngine.prepare`).
    public func prepare() throws { try engine.prepare() }

    /// The embedding model's fingerprint; a clear error when it is not installed.
    public func fingerprint() throws -> String { try engine.fingerprint() }

    private func enrich(_ tasks: [TodoTask], decider: Decider, undo: UndoStep?, now: Date) throws -> [TodoTask] {
        guard !tasks.isEmpty else { return [] }
        let computed = zip(tasks.map { $0.id! }, try engine.fields(for: tasks, decider: decider, now: now)).map { (id: $0, fields: $1) }
        let model = decider.model
        let stored = try store.write { db in
            var snapshots: [UndoLog.Snapshot] = []
            let stored = try computed.compactMap { id, fields -> TodoTask? in
                // Re-read inside the transaction: a user edit made meanwhile wins.
                guard let before = try TodoTask.fetchOne(db, key: id), before.status != .deleted else { return nil }
                var t = before
                fields.apply(to: &t, model: model, now: now)
                if t.changesNothing(of: before) { return before }
                snapshots.append(.init(id: id, before: before))
                try t.update(db)
                return t
            }
            if let undo { try UndoLog.record(db, step: undo, snapshots: snapshots, now: now) }
            return stored
        }
        // Search vectors: with one model every text was embedded above, so these come from the cache.
        if !searchHasOwnModel {
            try embeddings(model: model).refresh(ids: stored.map { $0.id! })
        } else if indexesWithSearchModel, searchModels.isInstalled {
            // Search's own model missing is search's error to report, not a reason to fail enrichment.
            try searchEmbeddings().refresh(ids: stored.map { $0.id! })
        }
        return stored
    }

    /// The tasks' vectors search ranks by: of search's model, loaded only if needed.
    public func searchEmbeddings() throws -> TaskEmbeddings {
        let models = searchModels
        return TaskEmbeddings(store: store, model: try models.requiredFingerprint()) { try models.embedder().embed($0) }
    }

    /// Task vectors for search, embedding through the cache and loading the model only if needed.
    public func embeddings(model: String) -> TaskEmbeddings {
        let models = self.models
        return TaskEmbeddings(store: store, model: model) { try models.embedder().embed($0) }
    }
}

/// What the categorizer concluded: the category (nil: abstain), the winner's score, the model
/// that decided (bundle fingerprint), and every category's score.
struct CategoryDecision: Sendable, Equatable {
    var category: String?
    var score: Double
    var source: String
    var scores: [String: Double]
}

/// The AI values computed for one task, applied only where the user has not set a value.
public struct AIFields: Sendable {
    struct Tags: Sendable {
        var tags: [String]
        /// Mean relevance of the tags chosen.
        var score: Double
    }

    var category: CategoryDecision?
    var priority: PriorityExplanation?
    var tags: Tags?

    /// Sets the fields the user has not set, each with its provenance.
    public func apply(to t: inout TodoTask, model: String, now: Date) {
        let at = now.storedPrecision
        if let category, !t.isUserSet(.category) {
            t.category = category.category ?? Enricher.uncategorized
            t.provenance[.category] = .init(model: category.source, score: category.score, at: at)
        }
        if let priority, !t.isUserSet(.priority) {
            t.priority = priority.priority
            t.provenance[.priority] = .init(model: model, score: priority.score, at: at)
        }
        if let tags, !t.isUserSet(.tags) {
            let removed = Set(t.removedTags.map(TextFeatures.tagKey))
            t.tags = tags.tags.filter { !removed.contains(TextFeatures.tagKey($0)) }
            t.provenance[.tags] = .init(model: model, score: tags.score, at: at)
        }
    }
}

extension AIFields {
    /// Nothing decided: applying it changes nothing.
    public static var unchanged: AIFields { AIFields() }
}

extension Enricher {
    /// Tasks decided in one batch (their texts embedded together) and stored in one transaction.
    static let chunkSize = 32

    /// The category given when no category is close enough.
    public static let uncategorized = "Uncategorized"
}

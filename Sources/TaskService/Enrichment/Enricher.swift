import Foundation
import GRDB
import Inference
import Synchronization

/// Fills the AI fields of tasks — embedding, category, priority, tags — for fields
/// the user did not set, recording provenance. Every model output goes through the
/// result cache, so the model is loaded only when something new must be computed.
public final class Enricher: Sendable {
    public let store: TaskStore
    public let settings: EnrichmentSettings
    public let models: ModelRegistry
    let cache: ResultCache
    /// The version of the rules that turn a text into a decision (part of its cache key).
    let rules: Int
    /// Told of the windows of every text embedded, as they are done (see `WindowProgress`).
    let windowProgress: WindowProgress?
    /// The last enrichment context and what it was built for (model and `Decider.parameters`):
    /// a long-running process (the service, the worker) builds the banks' vectors and the
    /// user's examples once, not on every batch, until the user's habits change.
    let keptContext = Mutex<(key: String, context: Context)?>(nil)

    /// Bump when the categorizer's, prioritizer's or tagger's code changes what they decide:
    /// decisions cached by older rules are then made again, as after a settings change. (What
    /// each version changed: docs/ai-design.md.)
    public static let currentRules = 12

    public convenience init(store: TaskStore, settings: EnrichmentSettings, models: ModelRegistry, windowProgress: WindowProgress? = nil) {
        self.init(store: store, settings: settings, models: models, rules: Self.currentRules, windowProgress: windowProgress)
    }

    init(store: TaskStore, settings: EnrichmentSettings, models: ModelRegistry, rules: Int, windowProgress: WindowProgress? = nil) {
        self.store = store
        self.settings = settings
        self.models = models
        self.cache = ResultCache(store: store)
        self.rules = rules
        self.windowProgress = windowProgress
    }

    /// Enriches `ids` (skipping deleted or missing ones) and returns the stored tasks.
    /// `progress(done, total)` is called after each chunk; `undo` names the command for `todo undo`.
    @discardableResult
    public func enrich(ids: [Int64], undo: String? = nil, now: Date = Date(), progress: ((Int, Int) -> Void)? = nil) throws -> [TodoTask] {
        let decider = try Decider(enricher: self, model: try fingerprint())
        var out: [TodoTask] = []
        for start in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = ids[start..<min(start + Self.chunkSize, ids.count)].compactMap { id in try? store.task(id: id) }
            out += try enrich(chunk, decider: decider, undo: undo, now: now)
            progress?(min(start + Self.chunkSize, ids.count), ids.count)
        }
        return out
    }

    /// Why the AI would give a task its priority, its category and its tags.
    public struct Explanation: Sendable {
        public var priority: PriorityExplanation
        public var category: CategoryExplanation
        public var tags: [TagExplanation]
    }

    /// The explanation of one decision, computed even where the user set the field.
    public func explain(_ task: TodoTask, now: Date = Date()) throws -> Explanation {
        let model = try fingerprint()
        let d = try Decider(enricher: self, model: model).decisions([task])[0]
        let priority = Prioritizer(coefficients: settings.priority).explain(signals: d.signals, due: task.due, created: task.created, now: now)
        let scores = (d.categoryScores ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Explanation(priority: priority,
                           category: CategoryExplanation(category: d.category, byZeroShot: d.categorySource != model,
                                                         scores: scores.map { .init(name: $0.key, score: $0.value) }),
                           tags: d.tagChoices ?? [])
    }

    /// Builds the enrichment context now (loading the model if its bank vectors are not cached)
    /// and keeps it: a long-running process pays it at start, not on its first task.
    public func prepare() throws {
        try Decider(enricher: self, model: try fingerprint()).prepare()
    }

    /// The embedding model's fingerprint; a clear error when it is not installed.
    public func fingerprint() throws -> String {
        guard let model = try models.embeddingFingerprint() else { throw EnrichmentError.modelMissing(path: models.embeddingDirectory.path, name: models.embeddingModel) }
        return model
    }

    func vectors(_ texts: [String], model: String) throws -> [SentenceEmbedder.Embedding] {
        try cache.vectors(model: model, texts: texts) { try models.embedder().embed($0, progress: windowProgress?.report) }
    }

    private func enrich(_ tasks: [TodoTask], decider: Decider, undo: String?, now: Date) throws -> [TodoTask] {
        guard !tasks.isEmpty else { return [] }
        var results: [(id: Int64, fields: AIFields)] = []
        for (task, d) in zip(tasks, try decider.decisions(tasks)) {
            var fields = AIFields()
            if !task.isUserSet(.category) {
                fields.category = CategoryDecision(category: d.category, score: d.categoryScore, source: d.categorySource, scores: d.categoryScores ?? [:])
            }
            if !task.isUserSet(.priority) {
                fields.priority = Prioritizer(coefficients: settings.priority).explain(signals: d.signals, due: task.due, created: task.created, now: now)
            }
            if !task.isUserSet(.tags) { fields.tags = AIFields.Tags(tags: d.tags, score: d.tagScore) }
            results.append((task.id!, fields))
        }
        let model = decider.model
        let computed = results
        let stored = try store.write { db in
            var snapshots: [UndoLog.Snapshot] = []
            let stored = try computed.compactMap { id, fields -> TodoTask? in
                // Re-read inside the transaction: a user edit made meanwhile wins.
                guard var t = try TodoTask.fetchOne(db, key: id), t.status != .deleted else { return nil }
                snapshots.append(.init(id: id, before: t))
                fields.apply(to: &t, model: model, now: now)
                try t.update(db)
                return t
            }
            if let undo { try UndoLog.record(db, command: undo, snapshots: snapshots, now: now) }
            return stored
        }
        // Search vectors: every text was embedded above, so these come from the cache.
        try embeddings(model: model).refresh(ids: stored.map { $0.id! })
        return stored
    }

    /// Task vectors for search, embedding through the cache and loading the model only if needed.
    public func embeddings(model: String) -> TaskEmbeddings {
        let models = self.models
        return TaskEmbeddings(store: store, model: model) { try models.embedder().embed($0) }
    }

    func category(for task: TodoTask, features f: TaskFeatures, context: Context) throws -> CategoryDecision {
        guard f.hasWords else { return CategoryDecision(category: nil, score: 0, source: context.zeroShot?.fingerprint ?? context.model, scores: [:]) }
        let labels = settings.categories.map(\.name)
        if let zeroShot = context.zeroShot, let scores = try zeroShotScores(f.text, labels: labels, zeroShot) {
            let best = scores.indices.max { scores[$0] < scores[$1] }!
            // Single-label softmax: abstain unless the winner clearly beats a uniform guess.
            let threshold = min(0.9, 2.0 / Double(labels.count))
            return CategoryDecision(category: Double(scores[best]) >= threshold ? labels[best] : nil, score: Double(scores[best]),
                                    source: zeroShot.fingerprint, scores: Dictionary(zip(labels, scores.map(Double.init)), uniquingKeysWith: max))
        }
        let choice = Categorizer(settings: settings).choose(taskVector: f.combined, title: task.title, description: task.description, bank: context.categoryBank)
        return CategoryDecision(category: choice.category, score: choice.score, source: context.model, scores: choice.scores)
    }

    /// The NLI model's score per label (cached), or nil for a text longer than
    /// `zeroShotMaxWindows` NLI windows: the embedding categorizer judges that one, whole.
    private func zeroShotScores(_ text: String, labels: [String], _ zeroShot: Context.ZeroShotSource) throws -> [Float]? {
        let key = ResultCache.key(model: zeroShot.fingerprint, operation: "zero-shot", parameters: labels.joined(separator: "\u{1E}") + "\u{1F}" + settings.zeroShotTemplate, text: text)
        if let data = try cache.values([key])[key], let cached = try? JSONDecoder().decode([Float].self, from: data), cached.count == labels.count {
            return cached
        }
        let classifier = try zeroShot.classifier()
        if settings.zeroShotMaxWindows > 0, try classifier.windowCount(text, labels: labels, template: settings.zeroShotTemplate) > settings.zeroShotMaxWindows {
            return nil
        }
        let result = try classifier.classify(text, labels: labels, template: settings.zeroShotTemplate, progress: windowProgress?.report)
        let scores = labels.map { result.scores[result.labels.firstIndex(of: $0)!] }
        try cache.store([(key, "zero-shot", try JSONEncoder().encode(scores))])
        return scores
    }

    /// What one pass needs besides the tasks: the vectors of the built-in banks (cached after the
    /// first run), the user's own categorized tasks and tags, and the NLI model if installed.
    final class Context: Sendable {
        let model: String
        let enricher: Enricher
        let categoryBank: Categorizer.Bank
        let urgent, lead, minor, consequential: [[Float]]
        let lexicon: [(String, [Float])]
        let knownTags: [(String, [Float])]
        let zeroShot: ZeroShotSource?

        struct ZeroShotSource: Sendable {
            let fingerprint: String
            let classifier: @Sendable () throws -> ZeroShotClassifier
        }

        /// `nliFingerprint` comes from the `Decider`, which has read it already.
        init(enricher: Enricher, model: String, userTags: [String], nliFingerprint: String?) throws {
            self.model = model
            self.enricher = enricher
            let settings = enricher.settings
            let banks = ExampleBanks(settings: settings)
            // The built-in banks are one cache entry; the user's tags change, so they are looked up one by one.
            let v = try enricher.cache.vectorSet(model: model, texts: banks.texts) { try enricher.models.embedder().embed($0) }
            func bank(_ part: ExampleBanks.Part) -> [[Float]] { banks.vectors(part, in: v) }
            // The user's own categorized tasks join the examples: the categorizer learns how this user files things.
            var examples = settings.categories.indices.map { bank(.categoryExamples($0)) }
            for example in try enricher.store.userCategorizedVectors(model: model) {
                if let i = settings.categories.firstIndex(where: { $0.name.caseInsensitiveCompare(example.category) == .orderedSame }) {
                    examples[i].append(example.vector)
                }
            }
            let descriptions = bank(.categoryDescriptions)
            categoryBank = Categorizer.Bank(names: settings.categories.map(\.name), examples: examples,
                                            descriptions: settings.categories.enumerated().map { $0.element.description.isEmpty ? [] : descriptions[$0.offset] },
                                            cues: settings.categories.map { $0.cues.map { $0.lowercased() } })
            urgent = bank(.urgent)
            lead = bank(.leadTime)
            minor = bank(.minor)
            consequential = bank(.consequential)
            lexicon = Array(zip(Tagger.lexicon, bank(.lexicon)))
            knownTags = Array(zip(userTags, try enricher.vectors(userTags, model: model).map(\.vector)))
            let models = enricher.models
            zeroShot = nliFingerprint.map { ZeroShotSource(fingerprint: $0) { try models.zeroShot()! } }
        }
    }
}

/// What enrichment concluded from a task's text, the settings and the user's own tags and
/// filing: cached whole, so a repeated task needs neither the model nor the example banks.
/// Priority keeps only its text signals; the date terms are computed when applied.
struct Decision: Codable, Sendable {
    var category: String?
    var categoryScore: Double
    var categorySource: String
    /// Every category's score, for `todo explain`.
    var categoryScores: [String: Double]?
    var signals: PrioritySignals
    var tags: [String]
    var tagScore: Double
    /// Each tag's relevance and source, for `todo explain` (absent in decisions of rules < 11).
    var tagChoices: [TagExplanation]?
}

/// Makes decisions through the cache; builds the enrichment context (banks, user examples)
/// only when some decision is missing.
final class Decider {
    let enricher: Enricher
    let model: String
    /// Settings, the user's tags and filing, the NLI model and the rules' version: what a decision depends on besides the text.
    let parameters: String
    private let nliFingerprint: String?
    private var loaded: Enricher.Context?

    init(enricher: Enricher, model: String) throws {
        self.enricher = enricher
        self.model = model
        nliFingerprint = try enricher.models.zeroShotDirectory().flatMap { try ModelRegistry.config($0)?.fingerprint }
        parameters = [enricher.settings.digest, try enricher.store.userStateDigest(), nliFingerprint ?? "",
                      "rules \(enricher.rules)"].joined(separator: "\u{1F}")
    }

    func prepare() throws { _ = try context() }

    private func context() throws -> Enricher.Context {
        if let c = loaded { return c }
        let key = model + "\u{1F}" + parameters
        if let kept = enricher.keptContext.withLock({ $0?.key == key ? $0?.context : nil }) {
            loaded = kept
            return kept
        }
        let c = try Enricher.Context(enricher: enricher, model: model, userTags: try enricher.store.userTags(), nliFingerprint: nliFingerprint)
        loaded = c
        enricher.keptContext.withLock { $0 = (key, c) }
        return c
    }

    func decisions(_ tasks: [TodoTask]) throws -> [Decision] {
        let keys = tasks.map { ResultCache.key(model: model, operation: "decision", parameters: parameters, text: TaskEmbeddings.text(of: $0)) }
        let cached = try enricher.cache.values(keys)
        func removed(_ t: TodoTask) -> Set<String> { Set(t.removedTags.map(TextFeatures.tagKey)) }
        var out = [Decision?](repeating: nil, count: tasks.count)
        var misses: [Int] = []
        for (i, t) in tasks.enumerated() {
            if let d = cached[keys[i]].flatMap({ try? JSONDecoder().decode(Decision.self, from: $0) }),
               !d.tags.contains(where: { removed(t).contains(TextFeatures.tagKey($0)) }) {
                out[i] = d
            } else {
                misses.append(i)
            }
        }
        guard !misses.isEmpty else { return out.map { $0! } }
        let context = try context()
        let features = try TaskFeatures.compute(misses.map { tasks[$0] }, context: context)
        var entries: [(key: String, operation: String, value: Data)] = []
        for (f, i) in zip(features, misses) {
            let t = tasks[i]
            let category = try enricher.category(for: t, features: f, context: context)
            let tags = f.tags(context: context, removed: removed(t))
            let d = Decision(category: category.category, categoryScore: category.score, categorySource: category.source, categoryScores: category.scores,
                             signals: f.prioritySignals(context),
                             tags: tags.map(\.choice.tag), tagScore: tags.isEmpty ? 0 : tags.map(\.choice.relevance).reduce(0, +) / Double(tags.count),
                             tagChoices: tags.map(\.choice))
            out[i] = d
            // A decision shaped by this task's removed tags is not the text's answer: not cached.
            if t.removedTags.isEmpty { entries.append((keys[i], "decision", try JSONEncoder().encode(d))) }
            // Each tag's own vector, for search (a lexicon tag's came from the bank entry).
            for tag in tags {
                guard let vector = tag.vector else { continue }
                entries.append((ResultCache.key(model: model, operation: "embedding", parameters: "", text: tag.choice.tag), "embedding",
                                ResultCache.encodeEmbedding(.init(vector: vector, windows: 1))))
            }
        }
        try enricher.cache.store(entries)
        return out.map { $0! }
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
struct AIFields: Sendable {
    struct Tags: Sendable {
        var tags: [String]
        /// Mean relevance of the tags chosen.
        var score: Double
    }

    var category: CategoryDecision?
    var priority: PriorityExplanation?
    var tags: Tags?

    func apply(to t: inout TodoTask, model: String, now: Date) {
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

extension Enricher {
    /// Tasks decided in one batch (their texts embedded together) and stored in one transaction.
    static let chunkSize = 32

    /// The category given when no category is close enough.
    public static let uncategorized = "Uncategorized"
}

import Foundation
import Inference
import Synchronization

/// Decides a task's AI fields — category, priority, tags — from its text, the settings and one
/// user's habits, through a cache of model outputs, loading the model only when something new
/// must be computed. It stores nothing of the tasks: `Enricher` applies its decisions to a
/// SQLite store, `todo worker` to a PostgreSQL one.
public final class EnrichmentEngine: Sendable {
    public let settings: EnrichmentSettings
    public let models: ModelRegistry
    let cache: any ModelOutputCache
    let habits: any UserHabits
    /// The version of the rules that turn a text into a decision (part of its cache key).
    let rules: Int
    /// Told of the windows of every text embedded, as they are done (see `WindowProgress`).
    let windowProgress: WindowProgress?
    /// The last enrichment context and what it was built for (model and `Decider.parameters`):
    /// a long-running process (the service, the worker) builds the banks' vectors and the
    /// user's examples once, not on every batch, until the user's habits change.
    let keptContext = Mutex<(key: String, context: Context)?>(nil)

    /// The last pass's context (the banks' thousands of vectors), for a short command to leave
    /// to the process's exit rather than free vector by vector after its answer (`todo add`).
    /// It holds no store: the engine's store still closes and settles.
    public var lastContext: (any AnyObject & Sendable)? { keptContext.withLock { $0?.context } }

    public init(cache: any ModelOutputCache, habits: any UserHabits, settings: EnrichmentSettings, models: ModelRegistry,
                rules: Int = Enricher.currentRules, windowProgress: WindowProgress? = nil) {
        self.cache = cache
        self.habits = habits
        self.settings = settings
        self.models = models
        self.rules = rules
        self.windowProgress = windowProgress
    }

    /// The embedding model's fingerprint; a clear error when it is not installed.
    public func fingerprint() throws -> String { try models.requiredFingerprint() }

    /// Builds the enrichment context now (loading the model if its bank vectors are not cached)
    /// and keeps it: a long-running process pays it at start, not on its first task.
    public func prepare() throws {
        try Decider(engine: self, model: try fingerprint()).prepare()
    }

    /// The AI's fields for each task (only those the user has not set), decided together.
    public func fields(for tasks: [TodoTask], now: Date = Date()) throws -> DecidedFields {
        let decider = try Decider(engine: self, model: try fingerprint())
        return DecidedFields(model: decider.model, fields: try fields(for: tasks, decider: decider, now: now))
    }

    func fields(for tasks: [TodoTask], decider: Decider, now: Date) throws -> [AIFields] {
        guard !tasks.isEmpty else { return [] }
        return zip(tasks, try decider.decisions(tasks)).map { task, d in
            var fields = AIFields()
            if !task.isUserSet(.category) {
                fields.category = CategoryDecision(category: d.category, score: d.categoryScore, source: d.categorySource, scores: d.categoryScores ?? [:])
            }
            if !task.isUserSet(.priority) {
                fields.priority = Prioritizer(coefficients: settings.priority).explain(signals: d.signals, due: task.due, created: task.created, now: now)
            }
            if !task.isUserSet(.tags) { fields.tags = AIFields.Tags(tags: d.tags, score: d.tagScore) }
            return fields
        }
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
        let d = try Decider(engine: self, model: model).decisions([task])[0]
        let priority = Prioritizer(coefficients: settings.priority).explain(signals: d.signals, due: task.due, created: task.created, now: now)
        let scores = (d.categoryScores ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Explanation(priority: priority,
                           category: CategoryExplanation(category: d.category, byZeroShot: d.categorySource != model,
                                                         scores: scores.map { .init(name: $0.key, score: $0.value) }),
                           tags: d.tagChoices ?? [])
    }

    func vectors(_ texts: [String], model: String) throws -> [SentenceEmbedder.Embedding] {
        try cache.vectors(model: model, texts: texts) { try models.embedder().embed($0, progress: windowProgress?.report) }
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
        try cache.store([CachedOutput(key, "zero-shot", try JSONEncoder().encode(scores))])
        return scores
    }

    /// What one pass needs besides the tasks: the vectors of the built-in banks (cached after the
    /// first run), the user's own categorized tasks and tags, and the NLI model if installed.
    final class Context: Sendable {
        let model: String
        /// Unowned: the engine keeps its last context (`keptContext`), and a strong reference back
        /// would keep both, with the cache and its task store, to the end of the process: the
        /// store would never settle, and a copy of the main file would miss the command's writes.
        unowned let engine: EnrichmentEngine
        let categoryBank: Categorizer.Bank
        let urgent, lead, minor, consequential: [[Float]]
        let lexicon: [(String, [Float])]
        let knownTags: [(String, [Float])]
        /// The built-in labelled tasks and their vectors, and a vector per tag they use.
        let labelled: [(task: LabelledTask, vector: [Float])]
        let labelledTagVectors: [String: [Float]]
        /// The labelled tasks' tags as `TextFeatures.tagKey`s, the phrases people file by, each with
        /// how many labelled tasks carry it.
        let labelledTagCounts: [String: Int]
        let zeroShot: ZeroShotSource?

        struct ZeroShotSource: Sendable {
            let fingerprint: String
            let classifier: @Sendable () throws -> ZeroShotClassifier
        }

        /// `nliFingerprint` comes from the `Decider`, which has read it already.
        init(engine: EnrichmentEngine, model: String, userTags: [String], nliFingerprint: String?) throws {
            self.model = model
            self.engine = engine
            let settings = engine.settings
            let banks = ExampleBanks(settings: settings)
            // The built-in banks are one cache entry; the user's tags change, so they are looked up one by one.
            // Computed once per machine (`SharedVectorSets`): some seconds, reported as a long text's windows are.
            let v = try engine.cache.vectorSet(model: model, texts: banks.texts) { try engine.models.embedder().embed($0, progress: engine.windowProgress?.report) }
            func bank(_ part: ExampleBanks.Part) -> [[Float]] { banks.vectors(part, in: v) }
            // The labelled tasks and the user's own categorized tasks join the examples: the categorizer
            // learns how people, and then this user, file things.
            var examples = settings.categories.indices.map { bank(.categoryExamples($0)) }
            // Category names compare case-insensitively; looked up, not searched: there are 3,300 labelled tasks.
            let categoryIndex = Dictionary(settings.categories.enumerated().map { ($0.element.name.lowercased(), $0.offset) },
                                           uniquingKeysWith: { first, _ in first })
            labelled = Array(zip(banks.labelled, bank(.labelled)))
            for example in labelled {
                if let i = categoryIndex[example.task.category.lowercased()] { examples[i].append(example.vector) }
            }
            labelledTagVectors = Dictionary(uniqueKeysWithValues: zip(banks.labelledTags, bank(.labelledTags)))
            // Each spelling keyed once: 7,600 tags of 3,300 tasks are 1,600 spellings, and every `add` counts them.
            var keyOf: [String: String] = [:]
            labelledTagCounts = banks.labelled.reduce(into: [:]) { counts, task in
                var keys = Set<String>()
                for tag in task.tags {
                    if let key = keyOf[tag] { keys.insert(key) } else {
                        let key = TextFeatures.tagKey(tag)
                        keyOf[tag] = key
                        keys.insert(key)
                    }
                }
                for key in keys { counts[key, default: 0] += 1 }
            }
            for example in try engine.habits.userCategorizedVectors(model: model) {
                if let i = categoryIndex[example.category.lowercased()] { examples[i].append(example.vector) }
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
            knownTags = Array(zip(userTags, try engine.vectors(userTags, model: model).map(\.vector)))
            let models = engine.models
            zeroShot = nliFingerprint.map { ZeroShotSource(fingerprint: $0) { try models.zeroShot()! } }
        }
    }
}

/// The AI's fields for a batch of tasks, in their order, and the embedding model that decided.
public struct DecidedFields: Sendable {
    public var model: String
    public var fields: [AIFields]
}

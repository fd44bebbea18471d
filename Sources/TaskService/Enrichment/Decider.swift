import Foundation

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
    let engine: EnrichmentEngine
    let model: String
    /// Settings, the user's tags and filing, the NLI model and the rules' version: what a decision depends on besides the text.
    let parameters: String
    private let nliFingerprint: String?
    private var loaded: EnrichmentEngine.Context?

    init(engine: EnrichmentEngine, model: String) throws {
        self.engine = engine
        self.model = model
        nliFingerprint = try engine.models.zeroShotDirectory().flatMap { try ModelRegistry.config($0)?.fingerprint }
        parameters = [engine.settings.digest, try engine.habits.userStateDigest(), nliFingerprint ?? "",
                      "rules \(engine.rules)"].joined(separator: "\u{1F}")
    }

    func prepare() throws { _ = try context() }

    private func context() throws -> EnrichmentEngine.Context {
        if let c = loaded { return c }
        let key = model + "\u{1F}" + parameters
        if let kept = engine.keptContext.withLock({ $0?.key == key ? $0?.context : nil }) {
            loaded = kept
            return kept
        }
        let c = try EnrichmentEngine.Context(engine: engine, model: model, userTags: try engine.habits.userTags(), nliFingerprint: nliFingerprint)
        loaded = c
        engine.keptContext.withLock { $0 = (key, c) }
        return c
    }

    /// Each task's tag candidates as the learned ranking reads them (`todo eval --tag-candidates`).
    func tagCandidates(_ tasks: [TodoTask]) throws -> [[TagCandidate]] {
        let context = try context()
        return try TaskFeatures.compute(tasks, context: context).map { $0.tagCandidates(context: context) }
    }

    func decisions(_ tasks: [TodoTask]) throws -> [Decision] {
        let keys = tasks.map { ResultCache.key(model: model, operation: "decision", parameters: parameters, text: TaskEmbeddings.text(of: $0)) }
        let cached = try engine.cache.values(keys)
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
        // The model and the context each take a fresh process about 10 ms to load, and neither
        // needs the other: on two cores `todo add` waits for the slower, not for the sum.
        engine.models.preloadEmbedder()
        let context = try context()
        let features = try TaskFeatures.compute(misses.map { tasks[$0] }, context: context)
        var entries: [CachedOutput] = []
        for (f, i) in zip(features, misses) {
            let t = tasks[i]
            let category = try engine.category(for: t, features: f, context: context)
            let tags = f.tags(context: context, removed: removed(t))
            let d = Decision(category: category.category, categoryScore: category.score, categorySource: category.source, categoryScores: category.scores,
                             signals: f.prioritySignals(context),
                             tags: tags.map(\.choice.tag), tagScore: tags.isEmpty ? 0 : tags.map(\.choice.relevance).reduce(0, +) / Double(tags.count),
                             tagChoices: tags.map(\.choice))
            out[i] = d
            // A decision shaped by this task's removed tags is not the text's answer: not cached.
            if t.removedTags.isEmpty { entries.append(CachedOutput(keys[i], "decision", try JSONEncoder().encode(d))) }
            // Each tag's own vector, for search (a lexicon tag's came from the bank entry).
            for tag in tags {
                guard let vector = tag.vector else { continue }
                entries.append(CachedOutput(ResultCache.embeddingKey(model: model, text: tag.choice.tag), "embedding",
                                ResultCache.encodeEmbedding(.init(vector: vector, windows: 1))))
            }
        }
        try engine.cache.store(entries)
        return out.map { $0! }
    }
}

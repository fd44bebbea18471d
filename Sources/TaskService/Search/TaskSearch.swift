import Foundation
import Inference

/// Hybrid search: meaning (cosine of the embedding model's vectors) plus words.
///
/// score = weighted mean of cosine(query, whole task), cosine(query, title) and cosine(query,
/// tags) (`TaskEmbeddings.searchVector`: the tags weigh 1.5, the first of them most)
/// + keywordWeight × (share of the query's word stems that start a word of the task's
/// title, description or tags, case-insensitive). The title and the tags match short queries
/// better; the whole text carries the details. Meaning finds tasks that share no word with
/// the query; the keyword term lifts exact mentions (names, codes) that embeddings blur.
///
/// Then, when topicWeight is above 0 (it is 0 by default: on labelled sets written by
/// others the topics lowered recall), topics: the 300 best tasks so far gain topicWeight ×
/// how surely they and the query are about the same life area (`TopicBridge`,
/// `SearchTopic`): "decluttering" finds a charity-shop drop-off, "doctor visits" a
/// dermatologist appointment. A task's topics are read from its whole text and title, not
/// its tags (`SearchIndex.Lookup.topicVectors`).
/// Re-ranking only the best 300 keeps a query over 100,000 tasks fast, and is exact below 300.
/// (What each part measured on the evaluation sets: docs/evaluation.md.)
public struct TaskSearch: Sendable {
    public let embeddings: TaskEmbeddings
    /// The score and its order (the formula above), on any index.
    public var ranking: SearchRanking

    public var keywordWeight: Float {
        get { ranking.keywordWeight }
        set { ranking.keywordWeight = newValue }
    }
    public var topicWeight: Float {
        get { ranking.topicWeight }
        set { ranking.topicWeight = newValue }
    }
    /// The life areas the topic term bridges through (the settings file's `search` section).
    public var topics: [SearchTopic] {
        get { ranking.topics }
        set { ranking.topics = newValue }
    }

    public init(embeddings: TaskEmbeddings, settings: SearchSettings = SearchSettings()) {
        self.embeddings = embeddings
        ranking = SearchRanking(settings: settings)
    }

    public struct Hit: Sendable, Equatable {
        public var task: TodoTask
        public var score: Float
        public var similarity: Float
        public var keywordShare: Float
        /// From the topic the query and this task share (0 when none).
        public var topicBonus: Float = 0
        /// That topic, when it added at least 0.1.
        public var topic: String?

        public init(task: TodoTask, score: Float, similarity: Float, keywordShare: Float, topicBonus: Float = 0, topic: String? = nil) {
            (self.task, self.score, self.similarity, self.keywordShare, self.topicBonus, self.topic) = (task, score, similarity, keywordShare, topicBonus, topic)
        }

        public init(task: TodoTask, ranked r: SearchRanking.Ranked) {
            let m = r.match
            self.init(task: task, score: m.score, similarity: m.similarity, keywordShare: m.keywordShare, topicBonus: m.topicBonus, topic: r.topic)
        }
    }

    /// How many tasks a search embeds before it answers (new ones, or edited since), and how long
    /// their text may be: more, or longer, wait for `todo enrich` — a search answers at once,
    /// from what is indexed, and says what is not.
    public static let inlineTasks = 64, inlineTextLength = 2_000
    /// How many edited tasks a held index embeds again before it answers (`currentIndex(held:)`).
    static let inlineEdited = 16

    /// The search index, after embedding the few short texts it lacks (see `inlineTasks`), and
    /// how many live tasks it still lacks. Those are queued for `todo enrich`.
    public func currentIndex(progress: ((Int, Int) -> Void)? = nil) throws -> (index: SearchIndex, notIndexed: Int) {
        var index = try embeddings.index()
        let missing = Array(Set(index.staleIDs + (try embeddings.unindexed(by: index, limit: Self.inlineTasks)))).sorted(by: >)
        guard !missing.isEmpty else { return (index, 0) }
        if !embeddings.store.isReadOnly, try refresh(missing, modelLimit: Self.inlineTasks, progress: progress) > 0 {
            index = try embeddings.index()
        }
        let left = try embeddings.notIndexed(by: index)
        if left > 0 && !embeddings.store.isReadOnly { try EnrichmentQueue(store: embeddings.store).enqueue(missing) }
        return (index, left)
    }

    /// The index a long-running process holds (`ResidentVectors`), and how many live tasks it
    /// lacks. New tasks are left to the server's worker (during a stream of POSTs a search would
    /// otherwise embed dozens itself), and queued for it; but a few tasks whose text or tags were
    /// edited are embedded again here, short texts only, so an edit never hides a task from search,
    /// and stale rows whose texts are all cached come back here, every one (no model is called).
    public func currentIndex(held resident: ResidentVectors, topics bridge: TopicBridge?) throws -> (index: SearchIndex, notIndexed: Int) {
        var (index, _) = try resident.index(topics: bridge)
        let edited = index.staleIDs.sorted(by: >)
        if !edited.isEmpty, !embeddings.store.isReadOnly, try refresh(edited, modelLimit: Self.inlineEdited) > 0 {
            index = try resident.index(topics: bridge).index
        }
        let left = try embeddings.notIndexed(by: index)
        if left > 0 && !embeddings.store.isReadOnly {
            let missing = Set(index.staleIDs + (try embeddings.unindexed(by: index, limit: Self.inlineTasks)))
            try EnrichmentQueue(store: embeddings.store).enqueue(missing.sorted(by: >))
        }
        return (index, left)
    }

    /// Makes the vectors of these tasks (newest first) again: every one whose texts are all cached,
    /// however many, since that calls no model (every task, once, after the search vector's formula
    /// changed); of the rest, the first `modelLimit` of short text. Returns how many were made.
    private func refresh(_ ids: [Int64], modelLimit: Int, progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        let cached = try embeddings.cached(ids)
        let rest = ids.filter { !cached.contains($0) }.prefix(modelLimit)
        return try embeddings.refresh(ids: ids.filter(cached.contains), progress: progress)
            + embeddings.refresh(ids: Array(rest), textLimit: Self.inlineTextLength, progress: progress)
    }

    /// The best tasks for `query`, and how many live tasks could not be searched yet.
    public struct Results: Sendable {
        public var hits: [Hit]
        public var notIndexed: Int

        public init(hits: [Hit], notIndexed: Int) {
            self.hits = hits
            self.notIndexed = notIndexed
        }
    }

    /// `progress(done, total)`: tasks embedded so far, when some had no current vectors.
    public func results(_ query: String, limit: Int = 10, includeDone: Bool = false, progress: ((Int, Int) -> Void)? = nil) throws -> Results {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw StoreError.invalid("the search query is empty") }
        // The query's vector (a model load and a forward pass when new) while the index is read.
        let embeddings = self.embeddings
        let vector = Concurrently { try embeddings.vector(of: query) }
        let (index, notIndexed) = try currentIndex(progress: progress)
        let bridge = topicWeight > 0 && !topics.isEmpty ? try embeddings.topicBridge(topics) : nil
        let q = try vector.value()
        let hits = try search(query, vector: q, in: index, topics: bridge, limit: limit, includeDone: includeDone)
        return Results(hits: hits, notIndexed: notIndexed)
    }

    public func search(_ query: String, limit: Int = 10, includeDone: Bool = false, progress: ((Int, Int) -> Void)? = nil) throws -> [Hit] {
        try results(query, limit: limit, includeDone: includeDone, progress: progress).hits
    }

    /// Searches a loaded index (a long-running process keeps one, and the topics' vectors;
    /// the CLI loads both per query). Without `topics` there is no topic term.
    public func search(_ query: String, in index: SearchIndex, topics: TopicBridge? = nil, limit: Int = 10,
                       includeDone: Bool = false) throws -> [Hit] {
        try search(query, vector: embeddings.vector(of: query), in: index, topics: topics, limit: limit, includeDone: includeDone)
    }

    /// The same with the query's vector already computed.
    func search(_ query: String, vector q: [Float], in index: SearchIndex, topics: TopicBridge? = nil, limit: Int = 10,
                includeDone: Bool = false) throws -> [Hit] {
        try ranking.rank(query, vector: q, in: index, topics: topics, limit: limit, includeDone: includeDone).compactMap { m in
            guard let task = try? embeddings.store.task(id: m.match.id) else { return nil }
            return Hit(task: task, ranked: m)
        }
    }

    /// Tasks most like task `id` (near-duplicates first): cosine of whole texts or of titles,
    /// whichever is higher, among the `similarDepth` nearest by search vector (all of them, in a
    /// smaller database).
    /// `index`: a held one (a long-running process), else the current one is read.
    public func similar(to id: Int64, limit: Int = 5, minimum: Float = 0.5, includeDone: Bool = false, in held: SearchIndex? = nil,
                        progress: ((Int, Int) -> Void)? = nil) throws -> [Hit] {
        let target = try embeddings.store.task(id: id)
        let index = try held ?? currentIndex(progress: progress).index
        guard let row = index.ids.indices.first(where: { index.ids[$0] == id && index.eligible($0, includeDone: true) }) else {
            throw StoreError.failed("task \(id) is not in the search index yet (a new or long text): `todo enrich` indexes it")
        }
        let scores = SearchIndex.Scores(similarities: try index.similarities(index.lookup.searchVector(ofRow: row)), keywordShares: [])
        let near = index.top(scores, keywordWeight: 0, limit: SearchRanking.similarDepth, includeDone: includeDone).map(\.id).filter { $0 != id }
        let vectors = try embeddings.vectors(of: [id] + near)
        guard let mine = vectors.first(where: { $0.id == id }) else { return [] }
        var hits: [Hit] = []
        for v in vectors where v.id != target.id {
            guard let task = try? embeddings.store.task(id: v.id), includeDone || task.status != .done else { continue }
            let similarity = SearchRanking.likeness(full: (mine.full, v.full), title: (mine.title, v.title))
            if similarity >= minimum { hits.append(Hit(task: task, score: similarity, similarity: similarity, keywordShare: 0)) }
        }
        return SearchRanking.best(hits, limit: limit)
    }
}

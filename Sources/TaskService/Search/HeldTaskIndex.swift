import Foundation
import Inference

/// One account's search index, held in memory by a server replica whose store keeps no search
/// blocks (PostgreSQL): per live task its search and topic vectors (`TaskEmbeddings.rows`, the
/// same as a SQLite file's) and its words, kept current task by task as the database tells of
/// changes. The vectors come from the shared model-output cache, where enrichment put most of
/// them; a few short texts missing there (a tag the user typed) are embedded here, as many as
/// a command would (`TaskSearch.inlineTasks` per update); the rest wait for the worker, whose
/// enrichment caches them, and are counted as not indexed until then.
///
/// Not thread-safe: one update or query at a time (the caller's gate). The index it returns
/// is a snapshot of values, unchanged by later updates.
public final class HeldTaskIndex: @unchecked Sendable {
    public let model: String
    let cache: any ModelOutputCache
    let embed: @Sendable ([String]) throws -> [SentenceEmbedder.Embedding]

    private var rowOf: [Int64: Int] = [:]
    /// Per row its task (nil: a freed row, taken by the next new task).
    private var tasks: [TodoTask?] = []
    private var freeRows: [Int] = []
    private var searchMatrix: [Float] = []
    private var topicMatrix: [Float] = []
    private var dimension = 0
    private var rowsOfWord: [String: Set<Int32>] = [:]
    private var wordsOfRow: [[String]] = []
    /// The word list sorted for stem lookups, built again only after a change.
    private var lookup: MemoryLookup?
    /// Live tasks without a row, whose vectors are not cached: long texts, which wait for the
    /// worker (its enrichment caches them, and tells), and short ones over one update's budget,
    /// which the next update should be given again (`deferred`).
    private var waiting: Set<Int64> = []
    public private(set) var deferred: Set<Int64> = []

    /// `embed` runs only for texts the cache lacks (the model, loaded once by the caller).
    public init(model: String, cache: any ModelOutputCache, embed: @escaping @Sendable ([String]) throws -> [SentenceEmbedder.Embedding]) {
        self.model = model
        self.cache = cache
        self.embed = embed
    }

    /// How many tasks are searchable.
    public var count: Int { rowOf.count }
    /// How many live tasks are not searchable yet.
    public var notIndexed: Int { waiting.count + deferred.count }
    /// The live tasks waiting for a worker to cache their vectors (long texts). Their job may
    /// be done already (the cache was cleared since, or the model changed): the caller queues
    /// them again (`AccountTasks.queueForIndexing`).
    public var waitingForWorker: Set<Int64> { waiting }

    /// Brings these tasks' rows up to date, each as read just now; deleted tasks and the `gone`
    /// ids (no longer the account's, or no longer there) leave the index.
    public func update(_ changed: [TodoTask], gone: [Int64] = []) throws {
        for id in gone { remove(id) }
        for task in changed where task.status == .deleted { remove(task.id!) }
        let live = changed.filter { $0.status != .deleted }
        guard !live.isEmpty else { return }
        // Each text's cache key once (a hash): a task's texts are looked up three times below.
        var keyOf: [String: String] = [:]
        for text in live.flatMap(TaskEmbeddings.texts(of:)) where keyOf[text] == nil { keyOf[text] = ResultCache.embeddingKey(model: model, text: text) }
        let key = { [keyOf, model] (text: String) in keyOf[text] ?? ResultCache.embeddingKey(model: model, text: text) }
        let keys = Set(keyOf.values)
        let found = try cache.values(Array(keys), countHits: false).compactMapValues(ResultCache.decodeEmbedding)
        var ready: [TodoTask] = [], made = 0
        for task in live {
            let short = task.title.count + task.description.count <= TaskSearch.inlineTextLength
            if TaskEmbeddings.texts(of: task).allSatisfy({ found[key($0)] != nil }) {
                ready.append(task)
            } else if short && made < TaskSearch.inlineTasks {
                ready.append(task)
                made += 1
            } else {
                // Its old vectors are of another text: out of search until its new ones are made.
                remove(task.id!)
                if short { deferred.insert(task.id!) } else { waiting.insert(task.id!) }
            }
        }
        let (cache, model, embed) = (self.cache, self.model, self.embed)
        let rows = try TaskEmbeddings.rows(of: ready) { texts in
            let missing = Array(Set(texts.filter { found[key($0)] == nil }))
            let computed = missing.isEmpty ? [] : try cache.vectors(model: model, texts: missing, compute: embed)
            let madeHere = Dictionary(zip(missing.map(key), computed), uniquingKeysWith: { a, _ in a })
            return texts.map { found[key($0)] ?? madeHere[key($0)]! }
        }
        for row in rows { put(row) }
    }

    /// The index as held now.
    public func index() -> SearchIndex {
        let lookup = self.lookup ?? MemoryLookup(rowsOfWord: rowsOfWord, matrix: searchMatrix, topicMatrix: topicMatrix, dimension: dimension)
        self.lookup = lookup
        let flags = tasks.map { task -> UInt8 in
            guard let task else { return SearchBlocks.Flag.deleted }
            return SearchBlocks.Flag.current | SearchBlocks.Flag.status(task.status)
        }
        return SearchIndex(ids: tasks.map { $0?.id ?? 0 }, flags: flags, dimension: dimension, lookup: lookup)
    }

    /// The topics' vectors for this model, from the shared cache.
    public func topicBridge(_ topics: [SearchTopic]) throws -> TopicBridge {
        try TopicBridge(topics: topics, model: model, cache: cache, embed: embed)
    }

    /// The best tasks for `query`, as `TaskSearch` ranks them.
    public func search(_ query: String, ranking: SearchRanking, topics: TopicBridge?, limit: Int, includeDone: Bool) throws -> [TaskSearch.Hit] {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw StoreError.invalid("the search query is empty") }
        let q = try cache.vectors(model: model, texts: [query], compute: embed)[0].vector
        return try ranking.rank(query, vector: q, in: index(), topics: topics, limit: limit, includeDone: includeDone).compactMap { ranked in
            task(ranked.match.id).map { TaskSearch.Hit(task: $0, ranked: ranked) }
        }
    }

    /// Tasks most like task `id`, as `TaskSearch.similar` finds them.
    public func similar(to id: Int64, limit: Int, minimum: Float, includeDone: Bool) throws -> [TaskSearch.Hit] {
        guard let row = rowOf[id], let target = tasks[row] else {
            throw StoreError.failed("task \(id) is not in the search index yet (a new or long text): it is indexed once the worker has enriched it")
        }
        let index = index()
        let mine = Array(searchMatrix[(row * dimension)..<((row + 1) * dimension)])
        let scores = SearchIndex.Scores(similarities: try index.similarities(mine), keywordShares: [])
        let near = index.top(scores, keywordWeight: 0, limit: SearchRanking.similarDepth, includeDone: includeDone).compactMap { $0.id == id ? nil : task($0.id) }
        let all = [target] + near
        // Whole texts, then titles: cache hits (the rows were made from them).
        let e = try cache.vectors(model: model, texts: all.map(TaskEmbeddings.text(of:)) + all.map(\.title), compute: embed).map(\.vector)
        let hits = near.enumerated().compactMap { i, task -> TaskSearch.Hit? in
            let similarity = SearchRanking.likeness(full: (e[0], e[i + 1]), title: (e[all.count], e[all.count + i + 1]))
            return similarity >= minimum ? TaskSearch.Hit(task: task, score: similarity, similarity: similarity, keywordShare: 0) : nil
        }
        return SearchRanking.best(hits, limit: limit)
    }

    private func task(_ id: Int64) -> TodoTask? { rowOf[id].flatMap { tasks[$0] } }

    private func put(_ r: TaskEmbeddings.Row) {
        let id = r.task.id!
        waiting.remove(id)
        deferred.remove(id)
        lookup = nil
        if dimension == 0 { dimension = r.search.count }
        let row: Int
        if let held = rowOf[id] {
            row = held
            dropWords(ofRow: row)
        } else if let free = freeRows.popLast() {
            row = free
        } else {
            row = tasks.count
            tasks.append(nil)
            wordsOfRow.append([])
            searchMatrix += [Float](repeating: 0, count: dimension)
            topicMatrix += [Float](repeating: 0, count: dimension)
        }
        rowOf[id] = row
        tasks[row] = r.task
        let span = (row * dimension)..<((row + 1) * dimension)
        searchMatrix.replaceSubrange(span, with: r.search)
        topicMatrix.replaceSubrange(span, with: r.topic)
        let words = Set(TextFeatures.alphanumericWords(TaskEmbeddings.searchText(of: r.task)))
        wordsOfRow[row] = Array(words)
        for word in words { rowsOfWord[word, default: []].insert(Int32(row)) }
    }

    private func remove(_ id: Int64) {
        waiting.remove(id)
        deferred.remove(id)
        guard let row = rowOf.removeValue(forKey: id) else { return }
        lookup = nil
        dropWords(ofRow: row)
        tasks[row] = nil
        freeRows.append(row)
    }

    private func dropWords(ofRow row: Int) {
        for word in wordsOfRow[row] {
            rowsOfWord[word]?.remove(Int32(row))
            if rowsOfWord[word]?.isEmpty == true { rowsOfWord[word] = nil }
        }
        wordsOfRow[row] = []
    }
}

import Foundation
import GRDB
import Inference

/// Embeddings of tasks, stored per model fingerprint and content hash, so they are
/// computed once and never served for changed text or another model version. Per task:
/// the whole text (long descriptions windowed, never cut), the title alone, and the
/// search vector: a weighted mean of those two and of the tags (`searchVector`; the title
/// stands for the tags when there are none).
/// Vectors come through the result cache, so texts embedded during enrichment are not
/// embedded again.
public struct TaskEmbeddings: Sendable {
    let store: TaskStore
    let model: String
    let embed: @Sendable ([String]) throws -> [SentenceEmbedder.Embedding]

    public init(store: TaskStore, embedder: SentenceEmbedder) {
        self.init(store: store, model: embedder.bundle.config.fingerprint) { try embedder.embed($0) }
    }

    /// `embed` runs only for texts not already cached (so it may load the model lazily).
    public init(store: TaskStore, model: String, embed: @escaping @Sendable ([String]) throws -> [SentenceEmbedder.Embedding]) {
        self.store = store
        self.model = model
        self.embed = embed
    }

    /// The text a task is embedded from.
    public static func text(of task: TodoTask) -> String { text(title: task.title, description: task.description) }

    public static func text(title: String, description: String) -> String {
        description.isEmpty ? title : title + "\n" + description
    }

    /// What the stored vectors were computed from: stale when the text or the tags change.
    static func contentKey(_ task: TodoTask) -> String {
        SHA256.hex(text(of: task) + "\u{1F}" + task.tags.joined(separator: "\u{1E}"))
    }

    /// Embeds every live task (or only `ids`) whose vectors are missing or stale; returns how many were embedded.
    ///
    /// A task's vectors are deleted by the database when its text or tags change (migration v4),
    /// so for all tasks it is enough to fetch those without vectors; `ids` are also checked by hash.
    /// `progress(done, total)` is called after each batch. Texts longer than `textLimit`
    /// characters are left out (see `TaskSearch`: a search embeds only short texts).
    @discardableResult
    public func refresh(ids: [Int64]? = nil, textLimit: Int? = nil, batchSize: Int = 64, progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        // A read-only database cannot keep vectors: search works with those already stored.
        guard !store.isReadOnly else { return 0 }
        // Only the tasks asked for (enrichment passes a chunk's ids): never a scan of the whole table for one task.
        let tasks = try store.writer.read { db in
            if let ids { return try Self.liveTasks(ids, db) }
            return try TodoTask.fetchAll(db, sql: """
                SELECT * FROM task t WHERE t.status != 'deleted'
                AND NOT EXISTS (SELECT 1 FROM task_embedding e WHERE e.task_id = t.id AND e.model = ?)
                ORDER BY t.id
                """, arguments: [model])
        }.filter { textLimit == nil || $0.title.count + $0.description.count <= textLimit! }
        // Tasks without vectors are stale by definition; asked-for ids are also compared by hash,
        // and must be in the search index too (a database from before the index was kept in blocks).
        let current: [Int64: String] = try ids.map { ids in
            try store.writer.read { db in
                let sql = """
                    SELECT e.task_id, e.content FROM task_embedding e JOIN search_model m ON m.fingerprint = e.model
                    JOIN search_slot s ON s.model_id = m.id AND s.task_id = e.task_id
                    WHERE e.model = ?
                    """
                let rows = try Self.chunks(ids).flatMap { chunk -> [GRDB.Row] in
                    try GRDB.Row.fetchAll(db, sql: sql + " AND e.task_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))",
                                                 arguments: StatementArguments([model as any DatabaseValueConvertible] + chunk.map { $0 as any DatabaseValueConvertible }))
                }
                return Dictionary(rows.map { ($0["task_id"] as Int64, $0["content"] as String) }, uniquingKeysWith: { a, _ in a })
            }
        } ?? [:]
        let stale = tasks.filter { current[$0.id!] != Self.contentKey($0) }
        let cache = ResultCache(store: store)
        var start = 0
        while start < stale.count {
            let chunk = Array(stale[start..<min(start + batchSize, stale.count)])
            try save(try Self.rows(of: chunk) { [model, embed] in try cache.vectors(model: model, texts: $0, compute: embed) })
            start += batchSize
            progress?(min(start, stale.count), stale.count)
        }
        return stale.count
    }

    /// Makes the vectors of every live task the index lacks or holds stale, however many (`todo
    /// enrich`, after the model changed). Whether there are any is read from the index's flags
    /// and the kept task count: no scan of the tasks when there are none.
    public func refreshUnindexed(progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        guard try notIndexed(by: index()) > 0 else { return 0 }
        return try refresh(progress: progress)
    }

    /// `ids` in chunks of 500: SQLite bounds the values one statement may bind, and every task
    /// may be asked for at once.
    static func chunks(_ ids: [Int64]) -> [ArraySlice<Int64>] {
        stride(from: 0, to: ids.count, by: 500).map { ids[$0..<min($0 + 500, ids.count)] }
    }

    /// The tasks of `ids` that are not deleted.
    static func liveTasks(_ ids: [Int64], _ db: Database) throws -> [TodoTask] {
        try chunks(ids).flatMap { try TodoTask.fetchAll(db, keys: $0).filter { $0.status != .deleted } }
    }

    /// Those of `ids` whose texts (`texts(of:)`) the result cache holds, every one: their
    /// vectors come back without the model.
    func cached(_ ids: [Int64]) throws -> Set<Int64> {
        var keysOf: [Int64: [String]] = [:]
        for task in try store.writer.read({ try Self.liveTasks(ids, $0) }) {
            keysOf[task.id!] = Self.texts(of: task).map { ResultCache.embeddingKey(model: model, text: $0) }
        }
        let found = try ResultCache(store: store).values(Array(Set(keysOf.values.joined())), countHits: false)
        return Set(keysOf.filter { $0.value.allSatisfy { found[$0] != nil } }.keys)
    }

    struct Row {
        var task: TodoTask
        var full: SentenceEmbedder.Embedding
        var title: [Float]
        var search: [Float]

        /// What the task's topics are read from.
        var topic: [Float] { TaskEmbeddings.topicVector(full: full.vector, title: title) }
    }

    /// The texts a task's vectors are made of: its whole text, its title and each tag.
    static func texts(of task: TodoTask) -> [String] { [text(of: task), task.title] + task.tags }

    /// Puts into `cache` the vectors `model` makes of these tasks' texts, computing only those it
    /// lacks: what a search index of that model reads (a PostgreSQL worker, for the replicas'
    /// indexes, when search has a model of its own).
    public static func cacheVectors(of tasks: [TodoTask], model: String, in cache: any ModelOutputCache,
                                    embed: ([String]) throws -> [SentenceEmbedder.Embedding]) throws {
        _ = try cache.vectors(model: model, texts: Array(Set(tasks.flatMap(texts(of:)))), compute: embed)
    }

    /// Each task's vectors from one batch of `embed` (which gives a vector per text, in order).
    static func rows(of tasks: [TodoTask], embed: ([String]) throws -> [SentenceEmbedder.Embedding]) throws -> [Row] {
        let e = try embed(tasks.flatMap(texts(of:)))
        var at = 0
        return tasks.map { task in
            let full = e[at], title = e[at + 1].vector
            let tagVectors = e[(at + 2)..<(at + 2 + task.tags.count)].map(\.vector)
            at += 2 + task.tags.count
            let tags = tagVectors.isEmpty ? title : Self.tagsVector(tagVectors)
            return Row(task: task, full: full, title: title, search: Self.searchVector(full: full.vector, title: title, tags: tags))
        }
    }

    /// The tags' part of the search vector: a mean weighted by each tag's place, the first
    /// weighing most (n, n − 1, …, 1 of n tags), unit length. Enrichment lists its tags best
    /// first, and a query usually names one of them: in a plain mean the weaker ones dilute it.
    static func tagsVector(_ tags: [[Float]]) -> [Float] {
        var sum = [Float](repeating: 0, count: tags[0].count)
        for (k, tag) in tags.enumerated() {
            let weight = Float(tags.count - k)
            for i in sum.indices { sum[i] += weight * tag[i] }
        }
        return VectorMath.normalized(sum)
    }

    /// How much the tags weigh in the search vector beside the whole text and the title (1 each):
    /// the tags are the words people file and search by.
    static let tagsWeight: Float = 1.5

    /// The search vector: a weighted mean of unit vectors, so its dot product with a query is the
    /// same weighted mean of the three cosines.
    static func searchVector(full: [Float], title: [Float], tags: [Float]) -> [Float] {
        let total = 2 + tagsWeight
        return (0..<title.count).map { (full[$0] + title[$0] + tagsWeight * tags[$0]) / total }
    }

    /// Stores precomputed vectors (a benchmark's synthetic ones) as current for each task.
    public func saveVectors(_ rows: [(id: Int64, full: [Float], title: [Float], search: [Float])]) throws {
        let tasks = Dictionary(uniqueKeysWithValues: try store.writer.read { try TodoTask.fetchAll($0, keys: rows.map(\.id)) }.map { ($0.id!, $0) })
        try save(rows.compactMap { r in
            tasks[r.id].map { Row(task: $0, full: .init(vector: r.full, windows: 1), title: r.title, search: r.search) }
        })
    }

    /// The whole-text and title vectors, and the search index's slot (vectors, topic vector,
    /// words), in one transaction.
    private func save(_ rows: [Row]) throws {
        guard let dimension = rows.first?.search.count else { return }
        try store.write { db in
            let blocks = try SearchBlocks.registering(db, fingerprint: model, dimension: dimension)
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO task_embedding (task_id, model, content, vector, windows, title_vector, search_vector) VALUES (?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT(task_id, model) DO UPDATE SET content = excluded.content, vector = excluded.vector,
                    windows = excluded.windows, title_vector = excluded.title_vector, search_vector = NULL
                """)
            for r in rows {
                let id = r.task.id!
                try upsert.execute(arguments: [id, model, Self.contentKey(r.task), Self.blob(r.full.vector), r.full.windows, Self.blob(r.title)])
                try blocks.write(db, taskID: id, search: r.search, topic: r.topic,
                                 status: r.task.status, words: Set(TextFeatures.alphanumericWords(Self.searchText(of: r.task))))
            }
        }
    }

    /// What a task's topics are read from: its whole text and title, unit length.
    static func topicVector(full: [Float], title: [Float]) -> [Float] {
        VectorMath.normalized(zip(full, title).map { $0 + $1 })
    }

    /// The words search matches: title, description, tags and category ("health stuff" finds
    /// what is filed under Health; on the blind set 0.711 → 0.718, docs/evaluation.md).
    static func searchText(of task: TodoTask) -> String {
        ([task.title, task.description] + task.tags + [task.category ?? ""]).joined(separator: " ")
    }

    static func blob(_ v: [Float]) -> Data { v.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: data.count / 4) { buffer, count in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[..<(data.count / 4 * 4)]))
                count = data.count / 4
            }
        }
    }

    struct Stored {
        var id: Int64
        var full: [Float]
        var title: [Float]
    }

    /// Stored whole-text and title vectors of these tasks for this model (deleted ones left out).
    func vectors(of ids: [Int64]) throws -> [Stored] {
        try store.writer.read { db in
            try Self.chunks(ids).flatMap { chunk -> [Stored] in
                try GRDB.Row.fetchAll(db, sql: """
                    SELECT e.task_id, e.vector, e.title_vector FROM task_embedding e JOIN task t ON t.id = e.task_id
                    WHERE e.model = ? AND t.status != 'deleted' AND e.task_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))
                    """, arguments: StatementArguments([model as any DatabaseValueConvertible] + chunk.map { $0 as any DatabaseValueConvertible })).map { row in
                    let full = Self.floats(row["vector"])
                    let title: Data? = row["title_vector"]
                    return Stored(id: row["task_id"], full: full, title: title.map(Self.floats) ?? full)
                }
            }
        }
    }

    /// The search index of this model: every slot's task, flags and search vector, read from
    /// the database's blocks (~100 rows at 100,000 tasks); words and topic vectors are looked up
    /// when a query needs them.
    public func index() throws -> SearchIndex {
        try store.writer.read { db in
            guard let blocks = try SearchBlocks.existing(db, fingerprint: model) else {
                return SearchIndex(ids: [], flags: [], dimension: 0, lookup: MemoryLookup(texts: [], matrix: [], topicMatrix: [], dimension: 0))
            }
            let loaded = try blocks.load(db)
            return SearchIndex(ids: loaded.ids, flags: loaded.flags, dimension: blocks.dimension,
                               lookup: StoredLookup(store: store, blocks: blocks))
        }
    }

    /// Live tasks without a row in the index, newest first (at most `limit`); none when `index`
    /// has a row for as many live tasks as there are (`liveTasks`).
    func unindexed(by index: SearchIndex, limit: Int) throws -> [Int64] {
        guard try store.liveTaskCount() > index.liveRows else { return [] }
        return try store.writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT t.id FROM task t WHERE t.status != 'deleted' AND NOT EXISTS (
                    SELECT 1 FROM search_slot s JOIN search_model m ON m.id = s.model_id WHERE s.task_id = t.id AND m.fingerprint = ?)
                ORDER BY t.id DESC LIMIT ?
                """, arguments: [model, limit])
        }
    }

    /// How many live tasks `index` lacks or holds stale vectors for.
    func notIndexed(by index: SearchIndex) throws -> Int {
        index.staleIDs.count + max(0, try store.liveTaskCount() - index.liveRows)
    }

    /// The query's vector (cached like any other text).
    func vector(of query: String) throws -> [Float] { try vectors(ofTexts: [query])[0] }

    /// The vectors of `texts`, through the result cache.
    func vectors(ofTexts texts: [String]) throws -> [[Float]] {
        try ResultCache(store: store).vectors(model: model, texts: texts, compute: embed).map(\.vector)
    }

    /// The topics' vectors for this model: embedded once per database, then read back as one
    /// cache entry (each `todo search` process needs all of them).
    public func topicBridge(_ topics: [SearchTopic] = SearchTopic.defaults) throws -> TopicBridge {
        try TopicBridge(topics: topics, model: model, cache: ResultCache(store: store), embed: embed)
    }
}

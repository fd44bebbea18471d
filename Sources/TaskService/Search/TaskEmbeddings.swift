import Foundation
import GRDB
import Inference

/// Embeddings of tasks, stored per model fingerprint and content hash, so they are
/// computed once and never served for changed text or another model version. Per task:
/// the whole text (long descriptions windowed, never cut), the title alone, and the
/// search vector = mean of those two and of the tags' mean (the title when untagged).
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
    static func text(of task: TodoTask) -> String {
        task.description.isEmpty ? task.title : task.title + "\n" + task.description
    }

    /// What the stored vectors were computed from: stale when the text or the tags change.
    static func contentKey(_ task: TodoTask) -> String {
        SHA256.hex(text(of: task) + "\u{1F}" + task.tags.joined(separator: "\u{1E}"))
    }

    /// Embeds every live task (or only `ids`) whose vectors are missing or stale; returns how many were embedded.
    ///
    /// A task's vectors are deleted by the database when its text or tags change (migration v4),
    /// so for all tasks it is enough to fetch those without vectors; `ids` are also checked by hash.
    /// `progress(done, total)` is called after each batch (a first search after an upgrade, or
    /// after `todo import`, may embed thousands of tasks).
    @discardableResult
    public func refresh(ids: [Int64]? = nil, batchSize: Int = 64, progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        // A read-only database cannot keep vectors: search works with those already stored.
        guard !store.isReadOnly else { return 0 }
        // Only the tasks asked for (enrichment passes a chunk's ids): never a scan of the whole table for one task.
        let tasks = try store.writer.read { db in
            if let ids { return try TodoTask.fetchAll(db, keys: ids).filter { $0.status != .deleted } }
            return try TodoTask.fetchAll(db, sql: """
                SELECT * FROM task t WHERE t.status != 'deleted'
                AND NOT EXISTS (SELECT 1 FROM task_embedding e WHERE e.task_id = t.id AND e.model = ?)
                ORDER BY t.id
                """, arguments: [model])
        }
        // Tasks without vectors are stale by definition; asked-for ids are also compared by hash.
        let current: [Int64: String] = try ids.map { ids in
            try store.writer.read { db in
                let sql = "SELECT task_id, content FROM task_embedding WHERE model = ?"
                // In chunks: SQLite limits the number of bound values per statement.
                let rows = try stride(from: 0, to: ids.count, by: 500).flatMap { start -> [GRDB.Row] in
                    let chunk = ids[start..<min(start + 500, ids.count)]
                    return try GRDB.Row.fetchAll(db, sql: sql + " AND task_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))",
                                                 arguments: StatementArguments([model as any DatabaseValueConvertible] + chunk.map { $0 as any DatabaseValueConvertible }))
                }
                return Dictionary(uniqueKeysWithValues: rows.map { ($0["task_id"] as Int64, $0["content"] as String) })
            }
        } ?? [:]
        let stale = tasks.filter { current[$0.id!] != Self.contentKey($0) }
        let cache = ResultCache(store: store)
        var start = 0
        while start < stale.count {
            let chunk = Array(stale[start..<min(start + batchSize, stale.count)])
            let texts = chunk.map(Self.text) + chunk.map(\.title) + chunk.flatMap(\.tags)
            let e = try cache.vectors(model: model, texts: texts, compute: embed)
            var tagStart = 2 * chunk.count
            var rows: [Row] = []
            for (i, task) in chunk.enumerated() {
                let tagVectors = e[tagStart..<(tagStart + task.tags.count)].map(\.vector)
                tagStart += task.tags.count
                let title = e[chunk.count + i].vector
                let tags = tagVectors.isEmpty ? title : normalized(tagVectors.dropFirst().reduce(tagVectors[0]) { zip($0, $1).map { $0 + $1 } })
                let search = (0..<title.count).map { (e[i].vector[$0] + title[$0] + tags[$0]) / 3 }
                rows.append(Row(id: task.id!, content: Self.contentKey(task), full: e[i], title: title, search: search))
            }
            try save(rows)
            start += batchSize
            progress?(min(start, stale.count), stale.count)
        }
        return stale.count
    }

    struct Row {
        var id: Int64
        var content: String
        var full: SentenceEmbedder.Embedding
        var title: [Float]
        var search: [Float]
    }

    /// Stores precomputed vectors (an import of vectors, or a benchmark's synthetic ones) as current for each task.
    public func saveVectors(_ rows: [(id: Int64, full: [Float], title: [Float], search: [Float])]) throws {
        let tasks = Dictionary(uniqueKeysWithValues: try store.tasks(status: nil).map { ($0.id!, $0) })
        try save(rows.compactMap { r in
            tasks[r.id].map { Row(id: r.id, content: Self.contentKey($0), full: .init(vector: r.full, windows: 1), title: r.title, search: r.search) }
        })
    }

    private func save(_ rows: [Row]) throws {
        try store.write { db in
            for r in rows {
                try db.execute(sql: """
                    INSERT INTO task_embedding (task_id, model, content, vector, windows, title_vector, search_vector) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(task_id, model) DO UPDATE SET content = excluded.content, vector = excluded.vector,
                        windows = excluded.windows, title_vector = excluded.title_vector, search_vector = excluded.search_vector
                    """, arguments: [r.id, model, r.content, Self.blob(r.full.vector), r.full.windows, Self.blob(r.title), Self.blob(r.search)])
            }
        }
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

    /// Stored whole-text and title vectors of live tasks for this model.
    func vectors() throws -> [Stored] {
        try store.writer.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT e.task_id, e.vector, e.title_vector FROM task_embedding e JOIN task t ON t.id = e.task_id
                WHERE e.model = ? AND t.status != 'deleted'
                """, arguments: [model]).map { row in
                let full = Self.floats(row["vector"])
                let title: Data? = row["title_vector"]
                return Stored(id: row["task_id"], full: full, title: title.map(Self.floats) ?? full)
            }
        }
    }

    /// The search index of live tasks for this model. Rows are read through a cursor, each
    /// vector copied straight from SQLite's buffer: no row copies, no per-task arrays.
    public func index() throws -> SearchIndex {
        try store.writer.read { db in
            var ids: [Int64] = [], done: [Bool] = [], texts: [String] = []
            var matrix: [Float] = [], topicMatrix: [Float] = []
            var dimension = 0
            // The whole-text and title vectors too, for the topic vectors: +0.45 s at 100,000
            // tasks (README, "Speed"), against ~4 ms per query to fetch them for the best 300.
            let rows = try GRDB.Row.fetchCursor(db, sql: """
                SELECT e.task_id, t.status, e.search_vector, t.title, t.description, t.tags, e.vector, e.title_vector
                FROM task_embedding e JOIN task t ON t.id = e.task_id
                WHERE e.model = ? AND t.status != 'deleted' AND e.search_vector IS NOT NULL
                """, arguments: [model])
            while let row = try rows.next() {
                let floats = try row.withUnsafeData(atIndex: 2) { data -> Int in
                    guard let data else { return 0 }
                    let n = data.count / MemoryLayout<Float>.size
                    if dimension == 0 { dimension = n }
                    guard n == dimension else { return 0 }
                    data.withUnsafeBytes { raw in matrix.append(contentsOf: raw.bindMemory(to: Float.self).prefix(n)) }
                    return n
                }
                guard floats > 0 else { continue }  // a vector of another length: left out rather than misread
                ids.append(row[0])
                done.append((row[1] as String) == "done")
                texts.append([row[3], row[4], row[5]].compactMap { $0 as String? }.joined(separator: " "))
                // The topic vector: whole text + title, unit length (a missing title vector: the whole text alone).
                let start = topicMatrix.count
                topicMatrix.append(contentsOf: repeatElement(0, count: dimension))
                try topicMatrix.withUnsafeMutableBufferPointer { out in
                    for column in 6...7 {
                        try row.withUnsafeData(atIndex: column) { data in
                            guard let data, data.count == dimension * MemoryLayout<Float>.size else { return }
                            data.withUnsafeBytes { raw in
                                let v = raw.bindMemory(to: Float.self)
                                for i in 0..<dimension { out[start + i] += v[i] }
                            }
                        }
                    }
                    var norm: Float = 0
                    for i in 0..<dimension { norm += out[start + i] * out[start + i] }
                    norm = norm.squareRoot()
                    if norm > 0 { for i in 0..<dimension { out[start + i] /= norm } }
                }
            }
            return SearchIndex(ids: ids, done: done, matrix: matrix, topicMatrix: topicMatrix, dimension: dimension, texts: texts)
        }
    }

    /// The query's vector (cached like any other text).
    func vector(of query: String) throws -> [Float] {
        try ResultCache(store: store).vectors(model: model, texts: [query], compute: embed)[0].vector
    }

    /// The topics' vectors for this model: embedded once per database, then read back as one
    /// cache entry (each `todo search` process needs all of them).
    public func topicBridge(_ topics: [SearchTopic] = SearchTopic.defaults) throws -> TopicBridge {
        try TopicBridge(topics: topics) { texts in try ResultCache(store: store).vectorSet(model: model, texts: texts, compute: embed) }
    }
}

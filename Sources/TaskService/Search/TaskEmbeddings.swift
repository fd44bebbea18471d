import Foundation
import GRDB
import Inference

/// Embeddings of tasks, stored per model fingerprint and content hash, so they are
/// computed once and never served for changed text or another model version. Three
/// vectors per task: the whole text (long descriptions windowed, never cut), the
/// title alone, and the mean of its tags. Vectors come through the result cache, so
/// texts embedded during enrichment are not embedded again.
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
    @discardableResult
    public func refresh(ids: [Int64]? = nil, batchSize: Int = 64) throws -> Int {
        var tasks = try store.tasks(status: nil)
        if let ids { let wanted = Set(ids); tasks = tasks.filter { wanted.contains($0.id!) } }
        let current: [Int64: String] = try store.writer.read { db in
            let rows = try GRDB.Row.fetchAll(db, sql: "SELECT task_id, content FROM task_embedding WHERE model = ?", arguments: [model])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["task_id"] as Int64, $0["content"] as String) })
        }
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
                let tags = tagVectors.isEmpty ? nil : normalized(tagVectors.dropFirst().reduce(tagVectors[0]) { zip($0, $1).map { $0 + $1 } })
                rows.append(Row(id: task.id!, content: Self.contentKey(task), full: e[i], title: e[chunk.count + i].vector, tags: tags))
            }
            try save(rows)
            start += batchSize
        }
        return stale.count
    }

    struct Row {
        var id: Int64
        var content: String
        var full: SentenceEmbedder.Embedding
        var title: [Float]
        var tags: [Float]?
    }

    private func save(_ rows: [Row]) throws {
        try store.write { db in
            for r in rows {
                try db.execute(sql: """
                    INSERT INTO task_embedding (task_id, model, content, vector, windows, title_vector, tags_vector) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(task_id, model) DO UPDATE SET content = excluded.content, vector = excluded.vector,
                        windows = excluded.windows, title_vector = excluded.title_vector, tags_vector = excluded.tags_vector
                    """, arguments: [r.id, model, r.content, Self.blob(r.full.vector), r.full.windows, Self.blob(r.title), r.tags.map(Self.blob)])
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
        var tags: [Float]?
    }

    /// Stored vectors of live tasks for this model.
    func vectors() throws -> [Stored] {
        try store.writer.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT e.task_id, e.vector, e.title_vector, e.tags_vector FROM task_embedding e JOIN task t ON t.id = e.task_id
                WHERE e.model = ? AND t.status != 'deleted'
                """, arguments: [model]).map { row in
                let full = Self.floats(row["vector"])
                let title: Data? = row["title_vector"]
                let tags: Data? = row["tags_vector"]
                return Stored(id: row["task_id"], full: full, title: title.map(Self.floats) ?? full, tags: tags.map(Self.floats))
            }
        }
    }

    /// The query's vector (cached like any other text).
    func vector(of query: String) throws -> [Float] {
        try ResultCache(store: store).vectors(model: model, texts: [query], compute: embed)[0].vector
    }
}

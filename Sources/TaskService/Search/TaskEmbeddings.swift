import Foundation
import GRDB
import Inference

/// Embeddings of tasks (title + description), stored per model fingerprint and
/// content hash, so they are computed once and never served for changed text or
/// another model version. Long descriptions are windowed by the embedder, never cut.
public struct TaskEmbeddings: Sendable {
    let store: TaskStore
    let embedder: SentenceEmbedder

    public init(store: TaskStore, embedder: SentenceEmbedder) {
        self.store = store
        self.embedder = embedder
    }

    var model: String { embedder.bundle.config.fingerprint }

    /// The text a task is embedded from.
    static func text(of task: TodoTask) -> String {
        task.description.isEmpty ? task.title : task.title + "\n" + task.description
    }

    static func contentKey(_ text: String) -> String { SHA256.hex(text) }

    /// Embeds every live task whose vectors are missing or stale; returns how many were embedded.
    @discardableResult
    public func refresh(batchSize: Int = 64) throws -> Int {
        let tasks = try store.tasks(status: nil)
        let current: [Int64: String] = try store.writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT task_id, content FROM task_embedding WHERE model = ? AND title_vector IS NOT NULL", arguments: [model])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["task_id"] as Int64, $0["content"] as String) })
        }
        let stale = tasks.filter { current[$0.id!] != Self.contentKey(Self.text(of: $0)) }
        let cache = ResultCache(store: store)
        var start = 0
        while start < stale.count {
            let chunk = Array(stale[start..<min(start + batchSize, stale.count)])
            let e = try cache.vectors(model: model, texts: chunk.map(Self.text) + chunk.map(\.title)) { try embedder.embed($0) }
            try Self.save(chunk.indices.map { (chunk[$0].id!, Self.contentKey(Self.text(of: chunk[$0])), e[$0], e[chunk.count + $0].vector) },
                          model: model, store: store)
            start += batchSize
        }
        return stale.count
    }

    /// Stores task vectors (whole text and title) for `model`, replacing older ones.
    static func save(_ rows: [(id: Int64, content: String, full: SentenceEmbedder.Embedding, title: [Float])], model: String, store: TaskStore) throws {
        try store.write { db in
            for r in rows {
                try db.execute(sql: """
                    INSERT INTO task_embedding (task_id, model, content, vector, windows, title_vector) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(task_id, model) DO UPDATE SET content = excluded.content, vector = excluded.vector,
                        windows = excluded.windows, title_vector = excluded.title_vector
                    """, arguments: [r.id, model, r.content, blob(r.full.vector), r.full.windows, blob(r.title)])
            }
        }
    }

    static func blob(_ v: [Float]) -> Data { v.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }

    /// Stored vectors of live tasks for this model: task id → whole-text and title unit vectors.
    func vectors() throws -> [(id: Int64, vector: [Float], title: [Float])] {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.task_id, e.vector, e.title_vector FROM task_embedding e JOIN task t ON t.id = e.task_id
                WHERE e.model = ? AND t.status != 'deleted'
                """, arguments: [model]).map { row in
                let full = Self.floats(row["vector"])
                let title: Data? = row["title_vector"]
                return (row["task_id"], full, title.map(Self.floats) ?? full)
            }
        }
    }
}

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

    /// Embeds every live task whose vector is missing or stale; returns how many were embedded.
    @discardableResult
    public func refresh(batchSize: Int = 64) throws -> Int {
        let tasks = try store.tasks(status: nil)
        let current: [Int64: String] = try store.writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT task_id, content FROM task_embedding WHERE model = ?", arguments: [model])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["task_id"] as Int64, $0["content"] as String) })
        }
        let stale = tasks.filter { current[$0.id!] != Self.contentKey(Self.text(of: $0)) }
        var start = 0
        while start < stale.count {
            let chunk = Array(stale[start..<min(start + batchSize, stale.count)])
            let embeddings = try embedder.embed(chunk.map(Self.text))
            try store.writer.write { db in
                for (task, e) in zip(chunk, embeddings) {
                    let blob = e.vector.withUnsafeBufferPointer { Data(buffer: $0) }
                    try db.execute(sql: """
                        INSERT INTO task_embedding (task_id, model, content, vector, windows) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(task_id, model) DO UPDATE SET content = excluded.content, vector = excluded.vector, windows = excluded.windows
                        """, arguments: [task.id!, model, Self.contentKey(Self.text(of: task)), blob, e.windows])
                }
            }
            start += batchSize
        }
        return stale.count
    }

    /// Stored vectors of live tasks for this model: task id → unit vector.
    func vectors() throws -> [(id: Int64, vector: [Float])] {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.task_id, e.vector FROM task_embedding e JOIN task t ON t.id = e.task_id
                WHERE e.model = ? AND t.status != 'deleted'
                """, arguments: [model]).map { row in
                let data: Data = row["vector"]
                let vector = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
                return (row["task_id"], vector)
            }
        }
    }
}

import Foundation
import GRDB
import Inference

extension TaskStore {
    /// Tags the user set themselves on live tasks (not AI suggestions), most used first: from
    /// the counts the database keeps (`user_tag`), merged by `TextFeatures.tagKey`.
    func userTags() throws -> [String] {
        let rows = try writer.read { try Row.fetchAll($0, sql: "SELECT tag, n FROM user_tag") }
        var counts: [String: (spelling: String, n: Int)] = [:]
        for row in rows {
            let tag: String = row["tag"], n: Int = row["n"]
            let key = TextFeatures.tagKey(tag)
            // The spelling used most (then the first in order) stands for the merged forms.
            if let existing = counts[key] {
                counts[key] = (n > existing.n || (n == existing.n && tag < existing.spelling) ? tag : existing.spelling, existing.n + n)
            } else {
                counts[key] = (tag, n)
            }
        }
        return counts.values.sorted { $0.n != $1.n ? $0.n > $1.n : $0.spelling < $1.spelling }.prefix(500).map(\.spelling)
    }

    /// (category, combined vector) of live tasks whose category the user chose: examples of how this user files things.
    /// The most recent 2,000 at most, so enriching stays cheap in a large database.
    func userCategorizedVectors(model: String) throws -> [(String, [Float])] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.category, e.vector, e.title_vector FROM task t JOIN task_embedding e ON e.task_id = t.id AND e.model = ?
                WHERE t.status != 'deleted' AND t.category IS NOT NULL AND json_extract(t.provenance, '$.category') IS NULL
                ORDER BY t.id DESC LIMIT 2000
                """, arguments: [model]).map { row in
                let full = TaskEmbeddings.floats(row["vector"])
                let title: Data? = row["title_vector"]
                return (row["category"], VectorMath.normalized(zip(full, title.map(TaskEmbeddings.floats) ?? full).map { $0 + $1 }))
            }
        }
    }

    /// What decisions learn from the user — their tags and which tasks they filed where — as a
    /// number the database changes whenever either does (`BoundedSchema`): part of the decision
    /// cache key, read without reading any task.
    func userStateDigest() throws -> String {
        "habits " + (try writer.read { try String.fetchOne($0, sql: "SELECT CAST(value AS TEXT) FROM store_state WHERE key = 'habits'") } ?? "0")
    }
}

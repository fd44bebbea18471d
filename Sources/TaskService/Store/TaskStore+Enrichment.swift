import Foundation
import GRDB
import Inference

extension TaskStore {
    /// Tags the user set themselves on live tasks (not AI suggestions), most used first.
    func userTags() throws -> [String] {
        let lists: [String] = try writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT tags FROM task WHERE status != 'deleted' AND tags != '[]' AND json_extract(provenance, '$.tags') IS NULL
                """)
        }
        var counts: [String: (spelling: String, n: Int)] = [:]
        for list in lists {
            for tag in (try? JSONDecoder().decode([String].self, from: Data(list.utf8))) ?? [] {
                counts[TextFeatures.tagKey(tag), default: (tag, 0)].n += 1
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
                return (row["category"], normalized(zip(full, title.map(TaskEmbeddings.floats) ?? full).map { $0 + $1 }))
            }
        }
    }

    /// A digest of what decisions learn from the user — their tags and which tasks they filed
    /// where — without reading any vector: part of the decision cache key.
    func userStateDigest(model: String, userTags: [String]) throws -> String {
        let filed: [String] = try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.id, t.category, e.content FROM task t LEFT JOIN task_embedding e ON e.task_id = t.id AND e.model = ?
                WHERE t.status != 'deleted' AND t.category IS NOT NULL AND json_extract(t.provenance, '$.category') IS NULL
                ORDER BY t.id DESC LIMIT 2000
                """, arguments: [model]).map { "\($0["id"] as Int64) \($0["category"] as String) \(($0["content"] as String?) ?? "-")" }
        }
        return SHA256.hex((userTags + ["\u{1E}"] + filed).joined(separator: "\u{1F}"))
    }
}

import Foundation
import GRDB

extension TaskStore {
    /// Tags the user set themselves on live tasks (not AI suggestions), most used first.
    func userTags() throws -> [String] {
        let tasks = try tasks(status: nil).filter { $0.isUserSet("tags") }
        var counts: [String: (spelling: String, n: Int)] = [:]
        for t in tasks {
            for tag in t.tags {
                let key = TextFeatures.tagKey(tag)
                counts[key, default: (tag, 0)].n += 1
            }
        }
        return counts.values.sorted { $0.n != $1.n ? $0.n > $1.n : $0.spelling < $1.spelling }.prefix(500).map(\.spelling)
    }

    /// (category, combined vector) of live tasks whose category the user chose: examples of how this user files things.
    func userCategorizedVectors(model: String) throws -> [(String, [Float])] {
        let tasks = Dictionary(uniqueKeysWithValues: try tasks(status: nil).filter { $0.isUserSet("category") }.map { ($0.id!, $0) })
        guard !tasks.isEmpty else { return [] }
        return try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT task_id, vector, title_vector FROM task_embedding WHERE model = ?", arguments: [model]).compactMap { row in
                guard let t = tasks[row["task_id"]], let category = t.category else { return nil }
                let full = TaskEmbeddings.floats(row["vector"])
                let title: Data? = row["title_vector"]
                return (category, normalized(zip(full, title.map(TaskEmbeddings.floats) ?? full).map { $0 + $1 }))
            }
        }
    }
}

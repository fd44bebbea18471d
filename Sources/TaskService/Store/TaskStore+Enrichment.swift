import Foundation
import GRDB
import Inference

extension TaskStore: UserHabits {
    /// Tags the user set themselves on live tasks (not AI suggestions), most used first: from
    /// the counts the database keeps (`user_tag`), merged by `TextFeatures.tagKey`.
    public func userTags() throws -> [String] {
        let rows = try writer.read { try Row.fetchAll($0, sql: "SELECT tag, n FROM user_tag") }
        return FiledExample.mergedTags(rows.map { (tag: $0["tag"], uses: $0["n"]) })
    }

    /// The most recent 2,000 of the user's filed tasks, so enriching stays cheap in a large
    /// database. Kept as one cache entry per model while the user's habits stay the same
    /// (`userStateDigest`): reading 2,000 tasks' vectors on every `add` cost ~20 ms at 100,000 tasks.
    public func userCategorizedVectors(model: String) throws -> [FiledExample] {
        let cache = ResultCache(store: self)
        let key = SHA256.hex([model, "filed-examples"].joined(separator: "\u{1F}"))
        let habits = try userStateDigest()
        if let kept = try writer.read({ db in try CachedBlob.read(db, key: key) { try KeptExamples($0, habits: habits) } }) {
            return kept.examples
        }
        let examples = try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.category, e.vector, e.title_vector FROM task t JOIN task_embedding e ON e.task_id = t.id AND e.model = ?
                WHERE t.status != 'deleted' AND t.category IS NOT NULL AND json_extract(t.provenance, '$.category') IS NULL
                ORDER BY t.id DESC LIMIT 2000
                """, arguments: [model]).map { row in
                let full = TaskEmbeddings.floats(row["vector"])
                let title: Data? = row["title_vector"]
                return FiledExample(category: row["category"], whole: full, title: title.map(TaskEmbeddings.floats) ?? full)
            }
        }
        // One entry per model, replaced when the habits change (a new key each time would pile up).
        try cache.store([CachedOutput(key, "filed-examples", try KeptExamples(habits: habits, examples: examples).encoded())])
        return examples
    }

    /// The examples with the habits they were read under: a small JSON header (habits, the
    /// distinct categories, width, count), each example's category as a UInt16 index into
    /// them, then the vectors as raw float32 (as JSON, 2,000 examples took longer to decode
    /// than to read from the tasks).
    private struct KeptExamples {
        struct Header: Codable {
            var habits: String
            var categories: [String]
            var width: Int
            var count: Int
        }

        var habits: String
        var examples: [FiledExample]

        init(habits: String, examples: [FiledExample]) {
            self.habits = habits
            self.examples = examples
        }

        /// The kept examples, read where they lie; nil unless they were kept under `habits`
        /// (the vectors are then not read) and are whole.
        init?(_ blob: CachedBlob, habits: String) throws {
            guard blob.length >= 4 else { return nil }
            let headerLength = Int(try blob.integer(UInt32.self, at: 0))
            guard blob.length >= 4 + headerLength else { return nil }
            var headerBytes = Data(count: headerLength)
            try headerBytes.withUnsafeMutableBytes { try blob.read(into: $0, at: 4) }
            guard let header = try? JSONDecoder().decode(Header.self, from: headerBytes), header.habits == habits,
                  (0...blob.length).contains(header.count), (0...blob.length).contains(header.width) else { return nil }
            let indexStart = 4 + headerLength, vectorStart = indexStart + header.count * 2
            guard blob.length - vectorStart == header.count * header.width * 4 else { return nil }
            var indexes = [UInt16](repeating: 0, count: header.count)
            try indexes.withUnsafeMutableBytes { try blob.read(into: $0, at: indexStart) }
            var examples: [FiledExample] = []
            examples.reserveCapacity(header.count)
            for (i, stored) in indexes.enumerated() {
                let index = Int(UInt16(littleEndian: stored))
                guard index < header.categories.count else { return nil }
                examples.append(FiledExample(category: header.categories[index],
                                             vector: try blob.floats(header.width, at: vectorStart + i * header.width * 4)))
            }
            self.habits = habits
            self.examples = examples
        }

        func encoded() throws -> Data {
            var categories: [String] = [], indexOf: [String: Int] = [:]
            for e in examples where indexOf[e.category] == nil { indexOf[e.category] = categories.count; categories.append(e.category) }
            let header = try JSONEncoder().encode(Header(habits: habits, categories: categories, width: examples.first?.vector.count ?? 0, count: examples.count))
            var data = withUnsafeBytes(of: UInt32(header.count).littleEndian) { Data($0) }
            data.append(header)
            for e in examples { withUnsafeBytes(of: UInt16(indexOf[e.category]!).littleEndian) { data.append(contentsOf: $0) } }
            for e in examples { data.append(TaskEmbeddings.blob(e.vector)) }
            return data
        }
    }

    /// What decisions learn from the user — their tags and which tasks they filed where — as a
    /// number the database changes whenever either does (`BoundedSchema`): part of the decision
    /// cache key, read without reading any task.
    public func userStateDigest() throws -> String {
        "habits " + (try writer.read { try String.fetchOne($0, sql: "SELECT CAST(value AS TEXT) FROM store_state WHERE key = 'habits'") } ?? "0")
    }
}

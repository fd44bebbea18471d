import Foundation
import Inference

/// Hybrid search: meaning (cosine of MiniLM embeddings) plus words.
///
/// score = cosine(query, task) + keywordWeight × (share of the query's words found
/// in the task's title or description, case-insensitive). Meaning finds tasks that
/// share no word with the query; the keyword term lifts exact mentions (names,
/// codes) that embeddings blur.
public struct TaskSearch: Sendable {
    public let embeddings: TaskEmbeddings
    public var keywordWeight: Float = 0.15

    public init(embeddings: TaskEmbeddings) { self.embeddings = embeddings }

    public struct Hit: Sendable, Equatable {
        public var task: TodoTask
        public var score: Float
        public var similarity: Float
        public var keywordShare: Float
    }

    public func search(_ query: String, limit: Int = 10, includeDone: Bool = false) throws -> [Hit] {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw StoreError.invalid("the search query is empty") }
        try embeddings.refresh()
        let q = try embeddings.embedder.embed(query).vector
        let words = Self.words(query)
        let tasks = Dictionary(uniqueKeysWithValues: try embeddings.store.tasks(status: includeDone ? nil : .pending).map { ($0.id!, $0) })
        var hits: [Hit] = []
        for (id, v) in try embeddings.vectors() {
            guard let task = tasks[id] else { continue }
            var dot: Float = 0
            for i in 0..<min(q.count, v.count) { dot += q[i] * v[i] }
            let haystack = (task.title + " " + task.description).lowercased()
            let share = words.isEmpty ? 0 : Float(words.filter { haystack.contains($0) }.count) / Float(words.count)
            hits.append(Hit(task: task, score: dot + keywordWeight * share, similarity: dot, keywordShare: share))
        }
        return Array(hits.sorted { $0.score != $1.score ? $0.score > $1.score : ($0.task.id ?? 0) < ($1.task.id ?? 0) }.prefix(limit))
    }

    /// Lowercased words of at least 3 characters.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count >= 3 }
    }
}

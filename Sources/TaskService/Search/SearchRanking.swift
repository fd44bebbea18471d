import Foundation
import Inference

/// Search's score and order (`TaskSearch` describes the formula) on any index: the SQLite
/// file's blocks, a server's resident vectors, or a replica's per-account index
/// (`HeldTaskIndex`). It reads the index and the query's vector only, never a store.
public struct SearchRanking: Sendable {
    public var keywordWeight: Float = 0.15
    public var topicWeight: Float
    /// The life areas the topic term bridges through (the settings file's `search` section).
    public var topics: [SearchTopic]
    /// How many of the best tasks by meaning and words the topic term re-ranks.
    static let topicDepth = 300
    /// How many of the tasks nearest by search vector `similar` compares exactly.
    static let similarDepth = 300

    public init(settings: SearchSettings = SearchSettings()) {
        topicWeight = settings.topicWeight
        topics = settings.allTopics
    }

    /// Whether a topic term is asked for (then the topics' vectors are needed).
    public var usesTopics: Bool { topicWeight > 0 && !topics.isEmpty }

    /// One ranked row: its scores, and the topic it shares with the query (when that added at least 0.1).
    public struct Ranked: Sendable {
        public var match: SearchIndex.Match
        public var topic: String?
    }

    /// The `limit` best rows for `query` (its vector `q`). Without `topics` there is no topic term.
    func rank(_ query: String, vector q: [Float], in index: SearchIndex, topics: TopicBridge?, limit: Int, includeDone: Bool) throws -> [Ranked] {
        var scores = try index.scores(q, stems: TextFeatures.queryStems(query))
        // One pass over every task: the best by meaning and words, deep enough for the topics.
        let shortlist = index.topRows(scores, keywordWeight: keywordWeight, limit: max(limit, Self.topicDepth), includeDone: includeDone)
        var topicNames: [Int64: String] = [:]  // by task id
        if let topics, topicWeight > 0, case let mine = topics.distribution(ofQuery: q), !mine.isEmpty {
            let rows = Array(shortlist.prefix(Self.topicDepth))
            for (row, theirs) in zip(rows, try index.topicDistributions(ofRows: rows, bridge: topics)) {
                let shared = zip(mine, theirs).map { $0 * $1 }
                guard let best = shared.indices.max(by: { shared[$0] < shared[$1] }) else { continue }
                scores.topicBonuses[row] = topicWeight * shared.reduce(0, +)
                if scores.topicBonuses[row]! >= 0.1 { topicNames[index.ids[Int(row)]] = topics.names[best] }
            }
        }
        // Bonuses only raise the shortlist, which already held the best of the rest: the result is among it.
        return index.top(scores, keywordWeight: keywordWeight, limit: limit, includeDone: includeDone, among: shortlist)
            .map { Ranked(match: $0, topic: topicNames[$0.id]) }
    }

    /// How alike two tasks are for `similar`: near-duplicates have the same text or the same
    /// title, so the higher of the two cosines.
    static func likeness(full: ([Float], [Float]), title: ([Float], [Float])) -> Float {
        max(VectorMath.dot(full.0, full.1), VectorMath.dot(title.0, title.1))
    }

    /// `similar`'s answer: the best first, ties by id.
    static func best(_ hits: [TaskSearch.Hit], limit: Int) -> [TaskSearch.Hit] {
        Array(hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.task.id! < $1.task.id! }.prefix(limit))
    }
}

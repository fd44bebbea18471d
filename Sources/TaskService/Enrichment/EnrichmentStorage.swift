import Foundation
import Inference

/// Where model outputs are kept between runs, keyed by `ResultCache.key`: the SQLite table of
/// one user's database (`ResultCache`), or a table shared by every account of a PostgreSQL
/// store (it holds a text's hash and the model's answer, no user's data).
public protocol ModelOutputCache: Sendable {
    /// The values of the keys present; `countHits` records that they were used.
    func values(_ keys: [String], countHits: Bool) throws -> [String: Data]
    /// Keeps `entries`, replacing any under the same key.
    func store(_ entries: [CachedOutput], now: Date) throws
    /// A stored vector set (`vectorSet`) of `count` rows; nil when absent or not of that shape.
    func vectorSetRows(_ key: String, count: Int) throws -> [[Float]]?
}

extension ModelOutputCache {
    public func vectorSetRows(_ key: String, count: Int) throws -> [[Float]]? {
        try values([key], countHits: false)[key].flatMap { ResultCache.decodeRows($0, count: count) }
    }
}

/// One model output to keep: its key, the operation that made it, the encoded value.
public struct CachedOutput: Sendable {
    public var key: String
    public var operation: String
    public var value: Data

    public init(_ key: String, _ operation: String, _ value: Data) {
        self.key = key
        self.operation = operation
        self.value = value
    }
}

extension ModelOutputCache {
    func values(_ keys: [String]) throws -> [String: Data] { try values(keys, countHits: true) }
    func store(_ entries: [CachedOutput]) throws { try store(entries, now: Date()) }
}

/// What enrichment learns from one user: the tags they use and how they file tasks, with a
/// digest that changes whenever either does (part of every decision's cache key).
public protocol UserHabits: Sendable {
    /// The user's own tags, the most used first (at most 500).
    func userTags() throws -> [String]
    /// Recent tasks whose category the user chose, as examples for the categorizer.
    func userCategorizedVectors(model: String) throws -> [FiledExample]
    /// Changes whenever the user's tags or filing change.
    func userStateDigest() throws -> String
}

/// An example of how the user files things: a live task whose category they chose, as the
/// normalized sum of its whole-text and title vectors.
public struct FiledExample: Codable, Sendable, Equatable {
    public var category: String
    public var vector: [Float]

    public init(category: String, vector: [Float]) {
        self.category = category
        self.vector = vector
    }

    /// From the vectors of the task's whole text and of its title.
    public init(category: String, whole: [Float], title: [Float]) {
        self.init(category: category, vector: VectorMath.normalized(zip(whole, title).map { $0 + $1 }))
    }

    /// The user's tags from their counts: forms with one `TextFeatures.tagKey` merge, under the
    /// spelling used most (then the first in order); the most used first, at most 500.
    public static func mergedTags(_ counts: [(tag: String, uses: Int)]) -> [String] {
        var merged: [String: (spelling: String, n: Int)] = [:]
        for (tag, n) in counts {
            let key = TextFeatures.tagKey(tag)
            if let existing = merged[key] {
                merged[key] = (n > existing.n || (n == existing.n && tag < existing.spelling) ? tag : existing.spelling, existing.n + n)
            } else {
                merged[key] = (tag, n)
            }
        }
        return merged.values.sorted { $0.n != $1.n ? $0.n > $1.n : $0.spelling < $1.spelling }.prefix(500).map(\.spelling)
    }
}

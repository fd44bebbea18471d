import Foundation
import Inference

/// The topic term of search: how surely a query and a task are about the same life area
/// (`SearchTopic`). Each side gets a distribution over the topics — a softmax, at a low
/// temperature, of its affinity with each topic: the mean of its two highest cosines with
/// the topic's examples, and for the query also the cosine with the topic's name — and the
/// term is the dot product of the two: near 1 when both sit firmly in one topic, near 0
/// when they sit in different ones or in none.
///
/// Why: a query names a kind of task ("handyman jobs at home"), a task names an instance
/// ("Reseal the bathtub caulk"). MiniLM relates each to the topic's name or examples far
/// better than to each other.
public struct TopicBridge: Sendable {
    public let names: [String]
    let dimension: Int
    /// Topic names' vectors, topic by topic (`names.count × dimension`).
    let nameVectors: [Float]
    /// Example vectors, topic after topic; `ranges[t]` are topic t's rows.
    let exampleVectors: [Float]
    let ranges: [Range<Int>]

    static let temperature: Float = 0.025
    /// A query whose best affinity is below this is about none of the topics ("xyzzy",
    /// "quantum chromodynamics", a bare name score 0.14–0.29; topic-like queries of our sets
    /// 0.31–0.92): it gets no distribution, so no topic term, rather than a sharp one on
    /// whichever topic happens to be nearest.
    static let minimumQueryAffinity: Float = 0.3

    /// `embed` turns texts into unit vectors (the model, through the result cache).
    public init(topics: [SearchTopic], embed: ([String]) throws -> [[Float]]) throws {
        names = topics.map(\.name)
        var ranges: [Range<Int>] = []
        var start = 0
        for t in topics {
            ranges.append(start..<(start + t.examples.count))
            start += t.examples.count
        }
        self.ranges = ranges
        let vectors = try embed(names + topics.flatMap(\.examples))
        dimension = vectors.first?.count ?? 0
        nameVectors = vectors.prefix(names.count).flatMap { $0 }
        exampleVectors = vectors.dropFirst(names.count).flatMap { $0 }
    }

    /// The query's distribution over the topics; empty when it is about none of them.
    func distribution(ofQuery query: [Float]) -> [Float] {
        guard !names.isEmpty, query.count == dimension else { return [] }
        let cosines = Self.products(query, exampleVectors, rows: 1, count: ranges.last!.upperBound, dimension: dimension)
        let byName = Self.products(query, nameVectors, rows: 1, count: names.count, dimension: dimension)
        let affinities = (0..<names.count).map { max(affinity(cosines, topic: $0), byName[$0]) }
        return affinities.max()! >= Self.minimumQueryAffinity ? Self.softmax(affinities) : []
    }

    /// The distribution of each of `count` vectors laid out row by row in `vectors`. They need
    /// not be unit length: each is normalized first (a zero vector gets none).
    func distributions(of vectors: [Float], count: Int) -> [[Float]] {
        guard !names.isEmpty, count > 0, vectors.count == count * dimension else { return Array(repeating: [], count: count) }
        let examples = ranges.last!.upperBound
        let cosines = Self.products(vectors, exampleVectors, rows: count, count: examples, dimension: dimension)
        return (0..<count).map { r in
            let row = vectors[(r * dimension)..<((r + 1) * dimension)]
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return [] }  // a task without vectors: no topic, rather than all of them a little
            // Products of an unnormalized vector: dividing the affinity by its norm makes them cosines.
            return Self.softmax((0..<names.count).map { affinity(cosines, topic: $0, offset: r * examples) / norm })
        }
    }

    /// Mean of the two highest cosines with the topic's examples (`cosines` from `offset` on).
    private func affinity(_ cosines: [Float], topic: Int, offset: Int = 0) -> Float {
        let range = ranges[topic]
        guard !range.isEmpty else { return 0 }
        var first = -Float.infinity, second = -Float.infinity
        for i in range {
            let c = cosines[offset + i]
            if c > first { second = first; first = c } else if c > second { second = c }
        }
        return range.count == 1 ? first : (first + second) / 2
    }

    static func softmax(_ a: [Float]) -> [Float] {
        guard let top = a.max() else { return [] }
        let e = a.map { Foundation.exp(($0 - top) / temperature) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// `rows × count` dot products of `a` (rows × dimension) with `b` (count × dimension).
    private static func products(_ a: [Float], _ b: [Float], rows: Int, count: Int, dimension: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * count)
        guard rows > 0, count > 0, dimension > 0 else { return out }  // empty operands have no base address
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    Gemm.parallelMultiplyTransposed(a.baseAddress!, b.baseAddress!, into: o.baseAddress!, m: rows, n: count, k: dimension)
                }
            }
        }
        return out
    }
}

extension TopicBridge {
    /// The topics' vectors by `model`, read from `cache` as one entry (embedded once, by whichever process first needs them).
    init(topics: [SearchTopic], model: String, cache: any ModelOutputCache, embed: ([String]) throws -> [SentenceEmbedder.Embedding]) throws {
        try self.init(topics: topics) { texts in try cache.vectorSet(model: model, texts: texts, compute: embed) }
    }
}

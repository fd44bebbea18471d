import Foundation
import Inference

/// Moves a query's vector towards the tasks people mean by such words: a linear map of the
/// embedding space, learned from the labelled bank sets.
///
/// Why: a query names a need ("money owed to me", "stuff for the baby"), a task names an
/// instance ("ask Inês for the 30€ back", "nappies size 3"), and the model places the two
/// apart. The bank sets say what people meant: each of their queries with the tasks it should
/// find, and each tag people filed tasks under with those tasks. The map W is fitted by ridge
/// regression so that a query's q·W lies near the mean of its tasks:
///
///     W = (XᵀX + λI)⁻¹ (XᵀY + λI)
///
/// (X the queries' and tags' vectors, Y their tasks' mean vectors, row by row). The ridge term
/// pulls W towards the identity, so a query unlike anything in the banks keeps its own meaning.
/// Search then compares normalize((1 − weight) q + weight · normalize(q·W)) with the tasks,
/// whose vectors are unchanged. (What it measured: docs/evaluation.md.)
public struct QueryMapping: Sendable, Equatable {
    let dimension: Int
    /// `dimension × dimension`, row-major: the mapped vector is q·W.
    let matrix: [Float]

    /// λ, chosen on the tuning sets (docs/evaluation.md); the pairs are unit vectors.
    static let ridge: Double = 5

    /// One pair it is fitted on: a query's (or tag's) vector and the mean of its tasks' vectors.
    struct Pair {
        var query: [Float]
        var tasks: [Float]
    }

    /// The query's vector to compare with the tasks: unit length, `weight` of the way to its mapped
    /// vector (0: the query as it is). A vector of another width is left as it is.
    public func apply(_ query: [Float], weight: Float) -> [Float] {
        guard weight > 0, query.count == dimension else { return query }
        var mapped = [Float](repeating: 0, count: dimension)
        matrix.withUnsafeBufferPointer { w in
            for (i, qi) in query.enumerated() where qi != 0 {
                let row = w.baseAddress! + i * dimension
                for j in 0..<dimension { mapped[j] += qi * row[j] }
            }
        }
        let unit = VectorMath.normalized(mapped)
        return VectorMath.normalized((0..<dimension).map { (1 - weight) * query[$0] + weight * unit[$0] })
    }

    /// Leaves a query where it is (the fit of no pairs); as costly to apply as any other.
    public static func identity(dimension: Int) -> QueryMapping { fit([], dimension: dimension) }

    /// The ridge solution for `pairs` (all of `dimension`): with none, the identity.
    static func fit(_ pairs: [Pair], dimension d: Int, ridge: Double = ridge) -> QueryMapping {
        let n = pairs.count
        // Xᵀ and Yᵀ (d × n), so that XᵀX and XᵀY are one product each with the rows as `k`.
        var xt = [Float](repeating: 0, count: d * n), yt = [Float](repeating: 0, count: d * n)
        for (p, pair) in pairs.enumerated() {
            for i in 0..<d {
                xt[i * n + p] = pair.query[i]
                yt[i * n + p] = pair.tasks[i]
            }
        }
        var xx = [Float](repeating: 0, count: d * d), xy = [Float](repeating: 0, count: d * d)
        if n > 0 {
            xt.withUnsafeBufferPointer { x in
                yt.withUnsafeBufferPointer { y in
                    xx.withUnsafeMutableBufferPointer { Gemm.multiplyTransposed(x.baseAddress!, x.baseAddress!, into: $0.baseAddress!, m: d, n: d, k: n) }
                    xy.withUnsafeMutableBufferPointer { Gemm.multiplyTransposed(x.baseAddress!, y.baseAddress!, into: $0.baseAddress!, m: d, n: d, k: n) }
                }
            }
        }
        var a = xx.map(Double.init), b = xy.map(Double.init)
        for i in 0..<d {
            a[i * d + i] += ridge
            b[i * d + i] += ridge
        }
        let w = SymmetricSolve.solve(a, b, size: d)
        return QueryMapping(dimension: d, matrix: w.map(Float.init))
    }
}

/// A ⁻¹B for a symmetric positive definite A (n × n) and B (n × n), both row-major: Cholesky,
/// then one forward and one backward substitution over whole rows of B.
enum SymmetricSolve {
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        // A = L·Lᵀ, L lower triangular, kept in the lower half of `l`.
        var l = a
        for j in 0..<n {
            var diagonal = l[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            // A ridge above 0 keeps A positive definite; rounding cannot take a diagonal below λ.
            precondition(diagonal > 0, "the query mapping's system is not positive definite")
            let root = diagonal.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var s = l[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / root
            }
        }
        var z = b
        // L·Z = B, row by row from the top.
        for i in 0..<n {
            for k in 0..<i where l[i * n + k] != 0 {
                let f = l[i * n + k]
                for c in 0..<n { z[i * n + c] -= f * z[k * n + c] }
            }
            let d = l[i * n + i]
            for c in 0..<n { z[i * n + c] /= d }
        }
        // Lᵀ·X = Z, row by row from the bottom: (Lᵀ)[i][k] = L[k][i].
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<max(i + 1, n) where l[k * n + i] != 0 {
                let f = l[k * n + i]
                for c in 0..<n { z[i * n + c] -= f * z[k * n + c] }
            }
            let d = l[i * n + i]
            for c in 0..<n { z[i * n + c] /= d }
        }
        return z
    }
}

extension QueryMapping {
    /// The pairs the banks give: each labelled query and the mean of the tasks it should find, and
    /// each tag and the mean of the labelled tasks filed under it. `vectors` are the banks' (`ExampleBanks.texts`).
    static func pairs(banks: ExampleBanks, vectors: [[Float]]) -> [Pair] {
        let taskVectors = banks.vectors(.labelled, in: vectors)
        func mean(_ rows: [Int]) -> [Float]? {
            guard let first = rows.first else { return nil }
            var sum = taskVectors[first]
            for r in rows.dropFirst() { for i in sum.indices { sum[i] += taskVectors[r][i] } }
            return VectorMath.normalized(sum)
        }
        var pairs: [Pair] = []
        // A query names its tasks by their place in its set.
        var rowsOfSet: [String: [Int]] = [:]
        for (row, task) in banks.labelled.enumerated() { rowsOfSet[task.set, default: []].append(row) }
        for (query, vector) in zip(banks.labelledQueries, banks.vectors(.labelledQueries, in: vectors)) {
            guard let rows = rowsOfSet[query.set] else { continue }
            if let tasks = mean(query.relevant.filter(rows.indices.contains).map { rows[$0] }) { pairs.append(Pair(query: vector, tasks: tasks)) }
        }
        var rowsOfTag: [String: [Int]] = [:]
        for (row, task) in banks.labelled.enumerated() {
            for tag in Set(task.tags.map { $0.lowercased() }) { rowsOfTag[tag, default: []].append(row) }
        }
        for (tag, vector) in zip(banks.labelledTags, banks.vectors(.labelledTags, in: vectors)) {
            if let tasks = mean(rowsOfTag[tag] ?? []) { pairs.append(Pair(query: vector, tasks: tasks)) }
        }
        return pairs
    }

    /// The mapping for `model` and the labelled sets of `settings`, read from `cache` as one entry:
    /// fitted once, by whichever process first needs it, from the banks' vectors (which enrichment
    /// has usually cached already; else they are embedded here).
    static func load(settings: EnrichmentSettings, model: String, cache: any ModelOutputCache, shared: SharedVectorSets? = .machine,
                     embed: ([String]) throws -> [SentenceEmbedder.Embedding]) throws -> QueryMapping {
        let banks = ExampleBanks(settings: settings)
        let key = SHA256.hex([ResultCache.vectorSetKey(model: model, texts: banks.texts), "query-mapping", "\(ridge)"].joined(separator: "\u{1F}"))
        let rows = try cache.keptSet(key, operation: "query-mapping", count: 1, shared: shared) {
            let vectors = try cache.vectorSet(model: model, texts: banks.texts, shared: shared, compute: embed)
            let mapping = fit(pairs(banks: banks, vectors: vectors), dimension: vectors.first?.count ?? 0)
            return [mapping.matrix]
        }
        let d = Int(Double(rows[0].count).squareRoot().rounded())
        guard d * d == rows[0].count else { throw StoreError.failed("the cached query mapping is damaged: \(rows[0].count) values") }
        return QueryMapping(dimension: d, matrix: rows[0])
    }
}

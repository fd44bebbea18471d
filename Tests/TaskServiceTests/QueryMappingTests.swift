import Foundation
import Inference
import SeededRandom
import Synchronization
import Testing
import TestSupport
@testable import TaskService

/// Search's learned query mapping: the ridge fit, the pairs the banks give, its cache, and its
/// place in the ranking.
@Suite struct QueryMappingTests {
    func unit(_ n: Int, _ rng: inout SeededGenerator) -> [Float] {
        VectorMath.normalized((0..<n).map { _ in Float.random(in: -1...1, using: &rng) })
    }

    /// A⁻¹B against its definition: A times the answer gives B back.
    @Test func symmetricSolveInvertsAPositiveDefiniteSystem() {
        var rng = SeededGenerator(seed: 3)
        let n = 7
        let m = (0..<(n * n)).map { _ in Double.random(in: -1...1, using: &rng) }
        var a = [Double](repeating: 0, count: n * n)  // MᵀM + I: symmetric positive definite
        for i in 0..<n { for j in 0..<n { a[i * n + j] = (0..<n).reduce(i == j ? 1 : 0) { $0 + m[$1 * n + i] * m[$1 * n + j] } } }
        let b = (0..<(n * n)).map { _ in Double.random(in: -2...2, using: &rng) }
        let x = SymmetricSolve.solve(a, b, size: n)
        for i in 0..<n {
            for j in 0..<n {
                let ax = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * x[$1 * n + j] }
                #expect(abs(ax - b[i * n + j]) < 1e-9, "row \(i), column \(j)")
            }
        }
    }

    /// The fit is the ridge solution: (XᵀX + λI)·W = XᵀY + λI holds for the pairs.
    @Test func theFitSolvesTheRidgeEquations() {
        var rng = SeededGenerator(seed: 5)
        let d = 6
        let pairs = (0..<20).map { _ in QueryMapping.Pair(query: unit(d, &rng), tasks: unit(d, &rng)) }
        let w = QueryMapping.fit(pairs, dimension: d, ridge: 0.5).matrix
        for i in 0..<d {
            for j in 0..<d {
                var left = 0.0, right = i == j ? 0.5 : 0
                for k in 0..<d {
                    let xx = pairs.reduce(0.0) { $0 + Double($1.query[i] * $1.query[k]) } + (i == k ? 0.5 : 0)
                    left += xx * Double(w[k * d + j])
                }
                right += pairs.reduce(0.0) { $0 + Double($1.query[i] * $1.tasks[j]) }
                #expect(abs(left - right) < 1e-4, "(\(i), \(j)): \(left) against \(right)")
            }
        }
    }

    /// Learned from pairs that say "a query along x means tasks along y", a query along x moves
    /// to y; a query unlike every pair keeps its direction; weight 0 leaves any query as it is.
    @Test func aQueryMovesTowardsTheTasksItsPairsMeant() {
        let x: [Float] = [1, 0, 0, 0], y: [Float] = [0, 1, 0, 0], z: [Float] = [0, 0, 1, 0]
        let mapping = QueryMapping.fit(Array(repeating: QueryMapping.Pair(query: x, tasks: y), count: 50), dimension: 4)
        let moved = mapping.apply(x, weight: 1)
        #expect(VectorMath.dot(moved, y) > 0.99 && abs(VectorMath.dot(moved, moved) - 1) < 1e-5)
        let blended = mapping.apply(x, weight: 0.7)
        #expect(VectorMath.dot(blended, y) > VectorMath.dot(blended, x) && VectorMath.dot(blended, x) > 0.3)
        #expect(VectorMath.dot(mapping.apply(z, weight: 1), z) > 0.999)
        #expect(mapping.apply(x, weight: 0) == x)
        #expect(mapping.apply([1, 0], weight: 1) == [1, 0], "a vector of another width is left alone")
        #expect(QueryMapping.identity(dimension: 4).apply([0.6, 0.8, 0, 0], weight: 1) == [0.6, 0.8, 0, 0])
    }

    /// A pair per labelled query (the mean of the tasks it should find) and per tag (the mean of
    /// the tasks filed under it), from the labelled sets the settings name only.
    @Test func theBanksGiveAPairPerQueryAndPerTag() throws {
        var settings = EnrichmentSettings()
        settings.labelledSets = ["b"]
        let banks = ExampleBanks(settings: settings)
        var rng = SeededGenerator(seed: 9)
        let vectors = banks.texts.map { _ in unit(8, &rng) }
        let pairs = QueryMapping.pairs(banks: banks, vectors: vectors)
        let queries = LabelledQuery.builtIn(sets: ["b"])
        #expect(queries.count == 55 && pairs.count == 55 + ExampleBanks.distinctTags(of: LabelledTask.builtIn(sets: ["b"])).count)
        let tasks = banks.vectors(.labelled, in: vectors)
        let first = queries[0]
        var sum = [Float](repeating: 0, count: 8)
        for r in first.relevant { for i in 0..<8 { sum[i] += tasks[r][i] } }
        #expect(pairs[0].query == banks.vectors(.labelledQueries, in: vectors)[0])
        #expect(zip(pairs[0].tasks, VectorMath.normalized(sum)).allSatisfy { abs($0 - $1) < 1e-6 })
        let tag = banks.labelledTags[0]
        let filed = banks.labelled.indices.filter { banks.labelled[$0].tags.contains { $0.lowercased() == tag } }
        var tagSum = [Float](repeating: 0, count: 8)
        for r in filed { for i in 0..<8 { tagSum[i] += tasks[r][i] } }
        #expect(zip(pairs[55].tasks, VectorMath.normalized(tagSum)).allSatisfy { abs($0 - $1) < 1e-6 })
        settings.labelledSets = []
        #expect(QueryMapping.pairs(banks: ExampleBanks(settings: settings), vectors: vectors).isEmpty)
    }

    /// Every built-in query is its bank file's line: its words, and its relevant tasks by place.
    @Test func builtInQueriesAreTheBankFilesOfTheRepository() throws {
        let folder = PackagePaths.root.appendingPathComponent("Tools/eval/bank")
        var expected: [LabelledQuery] = []
        for set in ["a", "b", "c", "d", "e"] {
            func lines(_ name: String) throws -> [[String: Any]] {
                try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map {
                    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
                }
            }
            let ids = try lines("tasks_\(set).jsonl").map { $0["id"] as! String }
            for query in try lines("search_\(set).jsonl") {
                let relevant = (query["relevant"] as! [String]).map { ids.firstIndex(of: $0)! }
                expected.append(LabelledQuery(set: set, text: (query["query"] as! String).trimmingCharacters(in: .whitespaces), relevant: relevant))
            }
        }
        #expect(expected.count == 275 && LabelledQuery.builtIn == expected)
    }

    /// Fitted once: a second database reads it from the machine's folder without embedding; a
    /// set left out (as `todo eval` leaves out the set it measures) is another mapping.
    @Test func theMappingIsFittedOnceAndKeyedByItsSets() throws {
        let shared = SharedVectorSets(directory: FileManager.default.temporaryDirectory.appendingPathComponent("sets-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: shared.directory) }
        let calls = Mutex(0)
        func fake(_ texts: [String]) -> [SentenceEmbedder.Embedding] {
            calls.withLock { $0 += 1 }
            return texts.map { text in
                var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: text.utf8.reduce(7) { $0 &* 31 &+ Int($1) }))
                return SentenceEmbedder.Embedding(vector: unit(8, &rng), windows: 1)
            }
        }
        var settings = EnrichmentSettings()
        let first = try QueryMapping.load(settings: settings, model: "m", cache: ResultCache(store: TaskStore()), shared: shared, embed: fake)
        #expect(first.dimension == 8 && calls.withLock { $0 } == 1)
        let second = ResultCache(store: try TaskStore())
        #expect(try QueryMapping.load(settings: settings, model: "m", cache: second, shared: shared, embed: fake) == first)
        let kept = try second.statistics().byOperation["query-mapping"]
        #expect(calls.withLock { $0 } == 1 && kept == 1)
        settings.labelledSets = ["a", "b", "c", "d"]
        let withoutE = try QueryMapping.load(settings: settings, model: "m", cache: second, shared: shared, embed: fake)
        #expect(withoutE != first && calls.withLock { $0 } == 2)
    }

    /// The ranking compares the mapped query with the tasks.
    @Test func theRankingSearchesWithTheMappedQuery() throws {
        let index = SearchIndex(entries: [.init(id: 1, done: false, vector: [1, 0, 0, 0], text: "owed"),
                                          .init(id: 2, done: false, vector: [0, 1, 0, 0], text: "ask Ines for the money back")])
        var ranking = SearchRanking()
        ranking.keywordWeight = 0
        ranking.mappingWeight = 0.7
        #expect(try ranking.rank("x", vector: [1, 0, 0, 0], in: index, topics: nil, limit: 2, includeDone: false).map(\.match.id) == [1, 2])
        ranking.mapping = QueryMapping.fit(Array(repeating: .init(query: [1, 0, 0, 0], tasks: [0, 1, 0, 0]), count: 50), dimension: 4)
        #expect(try ranking.rank("x", vector: [1, 0, 0, 0], in: index, topics: nil, limit: 2, includeDone: false).map(\.match.id) == [2, 1])
        ranking.mappingWeight = 0
        #expect(try ranking.rank("x", vector: [1, 0, 0, 0], in: index, topics: nil, limit: 2, includeDone: false).map(\.match.id) == [1, 2])
    }
}

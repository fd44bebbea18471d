import Foundation
import Inference

/// The search index: per row (a task's slot) its task, its flags, and — through a
/// `SearchIndex.Lookup` — its search vector, words and topic vector. A query's similarities
/// are one matrix–vector product (both cores) over every row: held in memory (tests,
/// long-running processes), or streamed block by block from the database (a command, which
/// needs them once: 150 MB at 100,000 tasks that it need not allocate).
public struct SearchIndex: Sendable {
    /// The task of each row (0: no task).
    public let ids: [Int64]
    /// Per row, `SearchBlocks.Flag` bits: its vectors are current, the task is done, deleted.
    let flags: [UInt8]
    public let dimension: Int
    let lookup: any Lookup

    /// Vectors, words and topic vectors by row.
    protocol Lookup: Sendable {
        /// The dot product of `query` with every row's search vector, `rows` of them.
        func similarities(_ query: [Float], rows: Int) throws -> [Float]
        /// One row's search vector.
        func searchVector(ofRow row: Int) throws -> [Float]
        /// Rows with a word starting with `stem` (a row may come once per such word).
        func rows(startingWith stem: String) throws -> [Int32]
        /// What each row's topics are read from (`TaskSearch`): its whole text and title, unit
        /// length. Not the search vector: that also holds the tags, and a suggested tag is one
        /// word out of its sentence ("leaks" put a kettle among home repairs); the topic should
        /// come from what the user wrote. One vector after another.
        func topicVectors(ofRows rows: [Int32]) throws -> [Float]
        /// Each row's distribution over `bridge`'s topics (empty: none), in `rows`' order.
        func topicDistributions(ofRows rows: [Int32], bridge: TopicBridge) throws -> [[Float]]
    }

    init(ids: [Int64], flags: [UInt8], dimension: Int, lookup: any Lookup) {
        precondition(flags.count == ids.count, "index parts disagree")
        self.ids = ids
        self.flags = flags
        self.dimension = dimension
        self.lookup = lookup
    }

    /// Rows already laid out in memory: `matrix` and `topicMatrix` (the search vectors when not
    /// given) hold `ids.count` vectors of `dimension` floats, row by row.
    init(ids: [Int64], done: [Bool], matrix: [Float], topicMatrix: [Float]? = nil, dimension: Int, texts: [String]) {
        precondition(texts.count == ids.count && matrix.count == ids.count * dimension, "index parts disagree")
        self.init(ids: ids, flags: done.map { SearchBlocks.Flag.current | ($0 ? SearchBlocks.Flag.done : 0) }, dimension: dimension,
                  lookup: MemoryLookup(texts: texts, matrix: matrix, topicMatrix: topicMatrix ?? matrix, dimension: dimension))
    }

    public var count: Int { ids.count }

    /// Whether row `i` takes part: its vectors are current and its task is live (and not done, unless asked).
    func eligible(_ i: Int, includeDone: Bool) -> Bool {
        let f = flags[i]
        return f & SearchBlocks.Flag.current != 0 && f & SearchBlocks.Flag.deleted == 0 && (includeDone || f & SearchBlocks.Flag.done == 0)
    }

    /// Ids of live tasks whose row holds no current vectors (their text changed since).
    var staleIDs: [Int64] {
        ids.indices.filter { ids[$0] != 0 && flags[$0] & (SearchBlocks.Flag.current | SearchBlocks.Flag.deleted) == 0 }.map { ids[$0] }
    }

    /// How many live tasks have a row, current or not.
    var liveRows: Int { ids.indices.filter { ids[$0] != 0 && flags[$0] & SearchBlocks.Flag.deleted == 0 }.count }

    /// Similarity of `query` with every task (the stored vectors are means of unit vectors).
    public func similarities(_ query: [Float]) throws -> [Float] {
        guard count > 0 else { return [] }
        precondition(query.count == dimension, "query vector of the wrong length")
        return try lookup.similarities(query, rows: count)
    }

    /// Per row, how many of `stems` start one of its words (a row's count rises once per stem,
    /// however many of its words start with it). Dense: a common stem ("the", "for") matches a
    /// tenth of the rows, and counting in an array is what keeps that query fast.
    func keywordCounts(_ stems: [String]) throws -> [Int32] {
        var counts = [Int32](repeating: 0, count: count)
        var lastStem = [Int32](repeating: 0, count: count)  // 1 + the last stem that counted the row
        for (s, stem) in Set(stems).sorted().enumerated() {
            let mark = Int32(s + 1)
            for r in try lookup.rows(startingWith: stem) where Int(r) < count && lastStem[Int(r)] != mark {
                lastStem[Int(r)] = mark
                counts[Int(r)] += 1
            }
        }
        return counts
    }

    public struct Match: Sendable, Equatable {
        public var id: Int64
        public var similarity: Float
        /// Share of the query's stems found at the start of the task's words.
        public var keywordShare: Float
        /// Added for a topic the query and the task share (see `TopicBridge`).
        public var topicBonus: Float = 0
        /// What the match was ranked by: similarity + keywordWeight × keyword share + topic bonus.
        public var score: Float = 0
    }

    /// One query's scores against every row, before ranking: similarity + keywordWeight ×
    /// keyword share, plus the topic bonuses added afterwards.
    public struct Scores: Sendable {
        let similarities: [Float]
        /// Per row (empty: no stems, all 0).
        let keywordShares: [Float]
        var topicBonuses: [Int32: Float] = [:]

        func keywordShare(_ row: Int) -> Float { keywordShares.isEmpty ? 0 : keywordShares[row] }
    }

    public func scores(_ query: [Float], stems: [String]) throws -> Scores {
        let n = Float(max(1, Set(stems).count))
        let shares = stems.isEmpty ? [] : try keywordCounts(stems).map { Float($0) / n }
        return Scores(similarities: try similarities(query), keywordShares: shares)
    }

    /// The `limit` best tasks by similarity + keywordWeight × keyword share.
    public func top(_ query: [Float], stems: [String], keywordWeight: Float, limit: Int, includeDone: Bool) throws -> [Match] {
        top(try scores(query, stems: stems), keywordWeight: keywordWeight, limit: limit, includeDone: includeDone)
    }

    /// The `limit` best rows of `scores` (of `rows` only, when given), ties broken by id.
    public func top(_ scores: Scores, keywordWeight: Float, limit: Int, includeDone: Bool, among rows: [Int32]? = nil) -> [Match] {
        best(scores, keywordWeight: keywordWeight, limit: limit, includeDone: includeDone, among: rows).map {
            let r = Int32($0.index)
            return Match(id: ids[$0.index], similarity: scores.similarities[$0.index], keywordShare: scores.keywordShare($0.index),
                         topicBonus: scores.topicBonuses[r] ?? 0, score: $0.score)
        }
    }

    /// The rows of the `limit` best tasks, best first.
    func topRows(_ scores: Scores, keywordWeight: Float, limit: Int, includeDone: Bool) -> [Int32] {
        best(scores, keywordWeight: keywordWeight, limit: limit, includeDone: includeDone, among: nil).map { Int32($0.index) }
    }

    /// The topic vectors of these rows, one after another.
    func topicVectors(ofRows rows: [Int32]) throws -> [Float] { try lookup.topicVectors(ofRows: rows) }

    /// These rows' distributions over `bridge`'s topics.
    func topicDistributions(ofRows rows: [Int32], bridge: TopicBridge) throws -> [[Float]] {
        try lookup.topicDistributions(ofRows: rows, bridge: bridge)
    }

    private func best(_ scores: Scores, keywordWeight: Float, limit: Int, includeDone: Bool, among rows: [Int32]?) -> [(index: Int, score: Float)] {
        // One pass keeping the best `limit` in order (limit is small).
        var best: [(index: Int, score: Float)] = []
        func consider(_ i: Int, _ s: Float) {
            guard eligible(i, includeDone: includeDone) else { return }
            if best.count == limit, let last = best.last, s < last.score || (s == last.score && ids[i] > ids[last.index]) { return }
            let at = best.firstIndex { s > $0.score || (s == $0.score && ids[i] < ids[$0.index]) } ?? best.count
            best.insert((i, s), at: at)
            if best.count > limit { best.removeLast() }
        }
        if let rows {
            for r in rows {
                let i = Int(r)
                consider(i, scores.similarities[i] + keywordWeight * scores.keywordShare(i) + (scores.topicBonuses[r] ?? 0))
            }
            return best
        }
        // Every row: the terms are added into a copy of the similarities, the sparse one by
        // one lookup per term rather than a dictionary lookup per row.
        var total = scores.similarities
        if !scores.keywordShares.isEmpty { for i in 0..<count { total[i] += keywordWeight * scores.keywordShares[i] } }
        for (r, bonus) in scores.topicBonuses { total[Int(r)] += bonus }
        if limit > Self.insertionLimit {
            // `--limit 50000`: keeping an ordered list would shift it on every insertion; sort once.
            let all = (0..<count).filter { eligible($0, includeDone: includeDone) }.map { (index: $0, score: total[$0]) }
            return Array(all.sorted { $0.score != $1.score ? $0.score > $1.score : ids[$0.index] < ids[$1.index] }.prefix(limit))
        }
        for i in 0..<count { consider(i, total[i]) }
        return best
    }

    /// Up to this many results are kept in an ordered list during the one pass; more are sorted.
    static let insertionLimit = 1_000
}

extension SearchIndex.Lookup {
    /// From the rows' topic vectors, per query (a process that holds the index keeps them instead).
    func topicDistributions(ofRows rows: [Int32], bridge: TopicBridge) throws -> [[Float]] {
        bridge.distributions(of: try topicVectors(ofRows: rows), count: rows.count)
    }
}

/// Vectors, words and topic vectors held in memory, from the tasks' texts.
struct MemoryLookup: SearchIndex.Lookup {
    /// Distinct words of all tasks, sorted, with the rows holding each.
    let words: [String]
    let rowsOfWord: [[Int32]]
    let matrix: [Float]
    let topicMatrix: [Float]
    let dimension: Int

    init(texts: [String], matrix: [Float], topicMatrix: [Float], dimension: Int) {
        var rows: [String: [Int32]] = [:]
        for (row, text) in texts.enumerated() {
            let r = Int32(row)
            // A word repeated in one task is listed once: rows are appended in order, so the last is enough to check.
            for word in TextFeatures.alphanumericWords(text) where rows[word]?.last != r { rows[word, default: []].append(r) }
        }
        self.init(rowsOfWord: rows, matrix: matrix, topicMatrix: topicMatrix, dimension: dimension)
    }

    /// With each word's rows already known (a held index keeps them as tasks change).
    init<Rows: Collection<Int32>>(rowsOfWord rows: [String: Rows], matrix: [Float], topicMatrix: [Float], dimension: Int) {
        words = rows.keys.sorted()
        rowsOfWord = words.map { Array(rows[$0]!) }
        self.matrix = matrix
        self.topicMatrix = topicMatrix
        self.dimension = dimension
    }

    func similarities(_ query: [Float], rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        query.withUnsafeBufferPointer { q in
            matrix.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    Gemm.parallelMultiplyTransposed(q.baseAddress!, m.baseAddress!, into: o.baseAddress!, m: 1, n: rows, k: dimension)
                }
            }
        }
        return out
    }

    func searchVector(ofRow row: Int) -> [Float] { Array(matrix[(row * dimension)..<((row + 1) * dimension)]) }

    func rows(startingWith stem: String) -> [Int32] {
        var rows = Set<Int32>()
        // The words starting with `stem` are one contiguous run of the sorted list.
        var i = firstWord(notBefore: stem)
        while i < words.count && words[i].hasPrefix(stem) { rows.formUnion(rowsOfWord[i]); i += 1 }
        return Array(rows)
    }

    func topicVectors(ofRows rows: [Int32]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(rows.count * dimension)
        for r in rows { out.append(contentsOf: topicMatrix[(Int(r) * dimension)..<((Int(r) + 1) * dimension)]) }
        return out
    }

    /// Binary search in the sorted word list.
    private func firstWord(notBefore word: String) -> Int {
        var lo = 0, hi = words.count
        while lo < hi { let mid = (lo + hi) / 2; if words[mid] < word { lo = mid + 1 } else { hi = mid } }
        return lo
    }
}

/// Words and topic vectors from the database's index (`SearchBlocks`): a few indexed lookups per query.
struct StoredLookup: SearchIndex.Lookup {
    let store: TaskStore
    let blocks: SearchBlocks

    func similarities(_ query: [Float], rows: Int) throws -> [Float] { try store.writer.read { try blocks.similarities($0, query: query, rows: rows) } }
    func searchVector(ofRow row: Int) throws -> [Float] { try store.writer.read { try blocks.searchVector($0, slot: row) } }

    func rows(startingWith stem: String) throws -> [Int32] { try store.writer.read { try blocks.slots(startingWith: stem, $0) } }
    func topicVectors(ofRows rows: [Int32]) throws -> [Float] { try store.writer.read { try blocks.topicVectors($0, slots: rows) } }
}

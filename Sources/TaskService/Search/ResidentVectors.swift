import Foundation
import GRDB
import Inference

/// One model's search vectors held in memory by a long-running process (`todo serve`): a query
/// is then one product over memory instead of reading every block's pages again (150 MB at
/// 100,000 tasks, 50 ms a query). Held as binary16 (`HalfRows`): half the memory, and the
/// product, which streams the whole matrix, in half the time; similarities move by ~1e-4 from
/// the command line's float32 (tested). With them, each row's distribution over the search
/// topics (`TopicBridge`): 51 floats instead of a 384-float topic vector, so a query no longer
/// walks the topic blocks' pages for its best 300 rows. And the rows' words, by block: a common
/// stem ("the", "for") starts words in a tenth of the rows, which the database returns one by
/// one. Read whole once; after that a refresh reads the ids and flags (a few hundred KB) and
/// only the blocks written since (`search_flags.version`), so keeping up with a stream of
/// writes costs a block per change.
///
/// One refresh or search at a time (the server's `SearchCache` runs both under its gate). Rows
/// are updated in place, never copied, so the matrix is held once; an index this returned
/// reads the rows as they are when it is used.
public final class ResidentVectors: @unchecked Sendable {
    let embeddings: TaskEmbeddings
    private var matrix: UnsafeMutablePointer<UInt16>?
    private var capacity = 0  // values
    private var dimension = 0
    /// Per row, its distribution over `bridge`'s topics (all zero: none).
    private var distributions: [Float] = []
    private var bridge: TopicBridge?
    /// Each block's words (`BlockWords`).
    private var words: [Int: BlockWords] = [:]
    /// What each block held when last read.
    private var read: [Int: SearchBlocks.BlockVersion] = [:]

    public init(embeddings: TaskEmbeddings) {
        self.embeddings = embeddings
    }

    deinit { free(matrix) }

    var topicCount: Int { bridge?.names.count ?? 0 }

    /// The index as the database holds it now, with the rows' distributions over `topics`;
    /// `blocksRead` says how many blocks this read again.
    public func index(topics: TopicBridge?) throws -> (index: SearchIndex, blocksRead: Int) {
        if topics?.names != bridge?.names {
            bridge = topics
            read = [:]
        }
        return try embeddings.store.writer.read { db in
            guard let blocks = try SearchBlocks.existing(db, fingerprint: embeddings.model) else {
                return (SearchIndex(ids: [], flags: [], dimension: 0, lookup: MemoryLookup(texts: [], matrix: [], topicMatrix: [], dimension: 0)), 0)
            }
            // One read transaction: the flags, the ids and the vectors are of one moment.
            let loaded = try blocks.load(db)
            dimension = blocks.dimension
            try reserve(values: loaded.ids.count * dimension)
            if distributions.count < loaded.ids.count * topicCount {
                distributions += [Float](repeating: 0, count: loaded.ids.count * topicCount - distributions.count)
            }
            var count = 0
            var block = [Float](repeating: 0, count: SearchBlocks.blockSize * dimension)
            for version in try blocks.versions(db) where read[version.block] != version {
                try block.withUnsafeMutableBytes { try blocks.readVectors(db, rowid: version.rowid, into: $0.baseAddress!) }
                HalfRows.encode(block, into: matrix! + version.block * SearchBlocks.blockSize * dimension, count: block.count)
                if let bridge { try readDistributions(db, blocks, block: version.block, bridge: bridge) }
                words[version.block] = BlockWords(try blocks.words(db, block: version.block))
                read[version.block] = version
                count += 1
            }
            let lookup = ResidentLookup(resident: self, stored: StoredLookup(store: embeddings.store, blocks: blocks))
            return (SearchIndex(ids: loaded.ids, flags: loaded.flags, dimension: dimension, lookup: lookup), count)
        }
    }

    private func readDistributions(_ db: Database, _ blocks: SearchBlocks, block: Int, bridge: TopicBridge) throws {
        var vectors = [Float](repeating: 0, count: SearchBlocks.blockSize * dimension)
        try vectors.withUnsafeMutableBytes { try blocks.readTopicVectors(db, block: block, into: $0.baseAddress!) }
        let base = block * SearchBlocks.blockSize * topicCount
        for (k, d) in bridge.distributions(of: vectors, count: SearchBlocks.blockSize).enumerated() {
            let at = base + k * topicCount
            if d.isEmpty {
                for t in 0..<topicCount { distributions[at + t] = 0 }
            } else {
                for t in 0..<topicCount { distributions[at + t] = d[t] }
            }
        }
    }

    /// Room for `floats`, with a few blocks to spare so that new tasks rarely move the matrix
    /// (realloc of a block this large remaps its pages rather than copying them).
    private func reserve(values: Int) throws {
        guard values > capacity else { return }
        let wanted = values + 8 * SearchBlocks.blockSize * max(dimension, 1)
        guard let grown = realloc(matrix, wanted * MemoryLayout<UInt16>.stride) else {
            throw StoreError.failed("cannot hold the search index in memory (\(wanted * 2 / 1_048_576) MiB)")
        }
        matrix = grown.assumingMemoryBound(to: UInt16.self)
        capacity = wanted
    }

    /// The dot product of `query` with the first `rows` rows.
    fileprivate func similarities(_ query: [Float], rows: Int) -> [Float] {
        precondition(rows * dimension <= capacity, "an index larger than the vectors held")
        var out = [Float](repeating: 0, count: rows)
        query.withUnsafeBufferPointer { q in
            out.withUnsafeMutableBufferPointer { o in
                HalfRows.dot(q.baseAddress!, matrix!, into: o.baseAddress!, count: rows, dimension: dimension)
            }
        }
        return out
    }

    fileprivate func row(_ row: Int) -> [Float] {
        var v = [Float](repeating: 0, count: dimension)
        v.withUnsafeMutableBufferPointer { HalfRows.decode(matrix! + row * dimension, into: $0.baseAddress!, count: dimension) }
        return v
    }

    /// Rows with a word starting with `stem`, as the database's word index answers (bytes of UTF-8).
    fileprivate func rows(startingWith stem: String) -> [Int32] {
        var rows: [Int32] = []
        for block in words.keys.sorted() { words[block]!.rows(startingWith: stem, into: &rows) }
        return rows
    }

    /// Rows' distributions as kept (empty for a row without a topic vector); nil when they were
    /// read for other topics than `bridge`'s.
    fileprivate func distributions(ofRows rows: [Int32], bridge: TopicBridge) -> [[Float]]? {
        guard bridge.names == self.bridge?.names else { return nil }
        return rows.map { r in
            let d = Array(distributions[(Int(r) * topicCount)..<((Int(r) + 1) * topicCount)])
            return d.allSatisfy { $0 == 0 } ? [] : d
        }
    }
}

/// Search vectors from memory (`ResidentVectors`); words and topic vectors, which a query needs
/// only a few of, from the database.
private struct ResidentLookup: SearchIndex.Lookup {
    let resident: ResidentVectors
    let stored: StoredLookup

    func similarities(_ query: [Float], rows: Int) throws -> [Float] { resident.similarities(query, rows: rows) }
    func searchVector(ofRow row: Int) throws -> [Float] { resident.row(row) }
    func rows(startingWith stem: String) throws -> [Int32] { resident.rows(startingWith: stem) }
    func topicVectors(ofRows rows: [Int32]) throws -> [Float] { try stored.topicVectors(ofRows: rows) }
    func topicDistributions(ofRows rows: [Int32], bridge: TopicBridge) throws -> [[Float]] {
        try resident.distributions(ofRows: rows, bridge: bridge) ?? bridge.distributions(of: try topicVectors(ofRows: rows), count: rows.count)
    }
}

/// One block's words, sorted by their UTF-8 bytes (as SQLite compares them, so a stem's words
/// are the same run as the database's range query finds), each with the rows holding it.
private struct BlockWords {
    let words: [String]
    let rows: [[Int32]]

    init(_ pairs: [(word: String, slot: Int32)]) {
        var rowsOf: [String: [Int32]] = [:]
        for (word, slot) in pairs { rowsOf[word, default: []].append(slot) }
        words = rowsOf.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        rows = words.map { rowsOf[$0]! }
    }

    func rows(startingWith stem: String, into out: inout [Int32]) {
        var lo = 0, hi = words.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if words[mid].utf8.lexicographicallyPrecedes(stem.utf8) { lo = mid + 1 } else { hi = mid }
        }
        while lo < words.count && words[lo].utf8.starts(with: stem.utf8) {
            out += rows[lo]
            lo += 1
        }
    }
}

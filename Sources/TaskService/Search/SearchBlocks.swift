import Foundation
import GRDB
import Inference
import SQLiteTuning

/// One embedding model's part of the search index in the database (`SearchBlockSchema`):
/// written as tasks are embedded, read whole by a search — ~100 rows of 1,024 tasks each at
/// 100,000 tasks, where one row per task took a second to decode.
struct SearchBlocks: Sendable {
    let modelID: Int64
    let dimension: Int
    static let blockSize = SearchBlockSchema.blockSize

    /// Flag bits of a slot (one ASCII digit in `search_flags`).
    enum Flag {
        static let current: UInt8 = 1, done: UInt8 = 2, deleted: UInt8 = 4
        static func status(_ s: TodoTask.Status) -> UInt8 { s == .done ? done : s == .deleted ? deleted : 0 }
    }

    /// The blocks of `fingerprint`, registered on first use.
    static func registering(_ db: Database, fingerprint: String, dimension: Int) throws -> SearchBlocks {
        if let existing = try existing(db, fingerprint: fingerprint) {
            guard existing.dimension == dimension else {
                throw StoreError.invalid("the search index holds \(existing.dimension)-wide vectors for this model, not \(dimension)")
            }
            return existing
        }
        try db.execute(sql: "INSERT INTO search_model (fingerprint, dimension) VALUES (?, ?)", arguments: [fingerprint, dimension])
        return SearchBlocks(modelID: db.lastInsertedRowID, dimension: dimension)
    }

    static func existing(_ db: Database, fingerprint: String) throws -> SearchBlocks? {
        try Row.fetchOne(db, sql: "SELECT id, dimension FROM search_model WHERE fingerprint = ?", arguments: [fingerprint])
            .map { SearchBlocks(modelID: $0["id"], dimension: $0["dimension"]) }
    }

    /// The task's slot for this model: kept once given; a new one follows the last.
    func slot(_ db: Database, taskID: Int64) throws -> Int64 {
        if let slot = try Int64.fetchOne(db, sql: "SELECT slot FROM search_slot WHERE model_id = ? AND task_id = ?", arguments: [modelID, taskID]) {
            return slot
        }
        let next = try Int64.fetchOne(db, sql: "SELECT ifnull(max(slot) + 1, 0) FROM search_slot WHERE model_id = ?", arguments: [modelID]) ?? 0
        try db.execute(sql: "INSERT INTO search_slot (model_id, task_id, slot) VALUES (?, ?, ?)", arguments: [modelID, taskID, next])
        return next
    }

    /// Stores a task's vectors and words in its slot and marks them current.
    func write(_ db: Database, taskID: Int64, search: [Float], topic: [Float], status: TodoTask.Status, words: Set<String>) throws {
        precondition(search.count == dimension && topic.count == dimension, "vectors of the wrong width")
        let slot = try self.slot(db, taskID: taskID)
        let (block, k) = (slot / Int64(Self.blockSize), Int(slot % Int64(Self.blockSize)))
        let rows = try blockRows(db, block: block)
        var id = taskID.littleEndian
        try blobWrite(db, "search_block", "ids", rows.vectors, offset: k * 8, &id, count: 8)
        try search.withUnsafeBytes { try blobWrite(db, "search_block", "vectors", rows.vectors, offset: k * dimension * 4, $0.baseAddress!, count: $0.count) }
        try topic.withUnsafeBytes { try blobWrite(db, "search_topic_block", "topics", rows.topics, offset: k * dimension * 4, $0.baseAddress!, count: $0.count) }
        let digit = String(UnicodeScalar(48 + Flag.current + Flag.status(status)))
        try db.execute(sql: """
            UPDATE search_flags SET flags = substr(flags, 1, ?) || ? || substr(flags, ? + 2), version = version + 1
            WHERE model_id = ? AND block = ?
            """, arguments: [k, digit, k, modelID, block])
        try db.execute(sql: "DELETE FROM search_word WHERE model_id = ? AND slot = ?", arguments: [modelID, slot])
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO search_word (model_id, word, slot) VALUES (?, ?, ?)")
        for word in words { try insert.execute(arguments: [modelID, word, slot]) }
    }

    /// The rowids of a block's rows, created (zeros, flags all 0) when the block is new.
    private func blockRows(_ db: Database, block: Int64) throws -> (vectors: Int64, topics: Int64) {
        let width = Self.blockSize * dimension * 4
        try db.execute(sql: "INSERT OR IGNORE INTO search_block (model_id, block, ids, vectors) VALUES (?, ?, zeroblob(?), zeroblob(?))",
                       arguments: [modelID, block, Self.blockSize * 8, width])
        try db.execute(sql: "INSERT OR IGNORE INTO search_topic_block (model_id, block, topics) VALUES (?, ?, zeroblob(?))", arguments: [modelID, block, width])
        try db.execute(sql: "INSERT OR IGNORE INTO search_flags (model_id, block, flags) VALUES (?, ?, ?)",
                       arguments: [modelID, block, String(repeating: "0", count: Self.blockSize)])
        let vectors = try Int64.fetchOne(db, sql: "SELECT id FROM search_block WHERE model_id = ? AND block = ?", arguments: [modelID, block])!
        let topics = try Int64.fetchOne(db, sql: "SELECT id FROM search_topic_block WHERE model_id = ? AND block = ?", arguments: [modelID, block])!
        return (vectors, topics)
    }

    private func blobWrite(_ db: Database, _ table: String, _ column: String, _ rowid: Int64, offset: Int, _ bytes: UnsafeRawPointer, count: Int) throws {
        let rc = smart_todo_blob_write(db.sqliteConnection, table, column, rowid, Int32(offset), bytes, Int32(count))
        if rc != 0 { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot write the search index (\(table).\(column))") }
    }

    /// Every slot's task id and flags, row r = slot r (the vectors stay in the database: `similarities`).
    struct Loaded {
        var ids: [Int64] = []
        var flags: [UInt8] = []
    }

    func load(_ db: Database) throws -> Loaded {
        let blocks = try Int.fetchOne(db, sql: "SELECT ifnull(max(block) + 1, 0) FROM search_block WHERE model_id = ?", arguments: [modelID]) ?? 0
        let rows = blocks * Self.blockSize
        var loaded = Loaded(ids: [Int64](repeating: 0, count: rows), flags: [UInt8](repeating: 0, count: rows))
        for row in try Row.fetchAll(db, sql: """
            SELECT b.id, b.block, f.flags FROM search_block b JOIN search_flags f ON f.model_id = b.model_id AND f.block = b.block
            WHERE b.model_id = ?
            """, arguments: [modelID]) {
            let base = (row["block"] as Int) * Self.blockSize
            let flags = Array((row["flags"] as String).utf8)
            guard flags.count == Self.blockSize else { throw StoreError.corrupt(path: "search_flags") }
            for k in 0..<Self.blockSize { loaded.flags[base + k] = flags[k] &- 48 }
            let rowid: Int64 = row["id"]
            try loaded.ids.withUnsafeMutableBytes { out in
                try blobRead(db, "search_block", "ids", rowid, offset: 0, count: Self.blockSize * 8, into: out.baseAddress!.advanced(by: base * 8))
            }
        }
        return loaded
    }

    /// `query`'s dot product with the search vector of every slot below `rows`, block by block:
    /// each block's vectors are read into one reused buffer straight from the pages (incremental
    /// blob I/O) and multiplied there.
    func similarities(_ db: Database, query: [Float], rows: Int) throws -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        var block = [Float](repeating: 0, count: Self.blockSize * dimension)
        for row in try Row.fetchAll(db, sql: "SELECT id, block FROM search_block WHERE model_id = ?", arguments: [modelID]) {
            let base = (row["block"] as Int) * Self.blockSize
            guard base + Self.blockSize <= rows else { continue }
            let rowid: Int64 = row["id"]
            try block.withUnsafeMutableBytes { try blobRead(db, "search_block", "vectors", rowid, offset: 0, count: $0.count, into: $0.baseAddress!) }
            query.withUnsafeBufferPointer { q in
                block.withUnsafeBufferPointer { m in
                    out.withUnsafeMutableBufferPointer { o in
                        Gemm.parallelMultiplyTransposed(q.baseAddress!, m.baseAddress!, into: o.baseAddress! + base, m: 1, n: Self.blockSize, k: dimension)
                    }
                }
            }
        }
        return out
    }

    /// Each block's row and how many vectors were written into it.
    struct BlockVersion: Equatable {
        var block: Int
        var rowid: Int64
        var version: Int64
    }

    func versions(_ db: Database) throws -> [BlockVersion] {
        try Row.fetchAll(db, sql: """
            SELECT b.block, b.id, f.version FROM search_block b JOIN search_flags f ON f.model_id = b.model_id AND f.block = b.block
            WHERE b.model_id = ?
            """, arguments: [modelID])
            .map { BlockVersion(block: $0["block"], rowid: $0["id"], version: $0["version"]) }
    }

    /// A block's search vectors, `blockSize × dimension` floats, into `out`.
    func readVectors(_ db: Database, rowid: Int64, into out: UnsafeMutableRawPointer) throws {
        try blobRead(db, "search_block", "vectors", rowid, offset: 0, count: Self.blockSize * dimension * 4, into: out)
    }

    /// A block's topic vectors, `blockSize × dimension` floats, into `out`.
    func readTopicVectors(_ db: Database, block: Int, into out: UnsafeMutableRawPointer) throws {
        guard let rowid = try Int64.fetchOne(db, sql: "SELECT id FROM search_topic_block WHERE model_id = ? AND block = ?", arguments: [modelID, block]) else {
            throw StoreError.corrupt(path: "search_topic_block")
        }
        try blobRead(db, "search_topic_block", "topics", rowid, offset: 0, count: Self.blockSize * dimension * 4, into: out)
    }

    /// One slot's search vector.
    func searchVector(_ db: Database, slot: Int) throws -> [Float] {
        guard let rowid = try Int64.fetchOne(db, sql: "SELECT id FROM search_block WHERE model_id = ? AND block = ?",
                                             arguments: [modelID, slot / Self.blockSize]) else { throw StoreError.corrupt(path: "search_block") }
        var v = [Float](repeating: 0, count: dimension)
        try v.withUnsafeMutableBytes {
            try blobRead(db, "search_block", "vectors", rowid, offset: slot % Self.blockSize * dimension * 4, count: $0.count, into: $0.baseAddress!)
        }
        return v
    }

    private func blobRead(_ db: Database, _ table: String, _ column: String, _ rowid: Int64, offset: Int, count: Int, into out: UnsafeMutableRawPointer) throws {
        let rc = smart_todo_blob_read_many(db.sqliteConnection, table, column, [rowid], [Int32(offset)], 1, Int32(count), out)
        if rc != 0 { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot read the search index (\(table).\(column))") }
    }

    /// The topic vectors of these slots, one after another.
    func topicVectors(_ db: Database, slots: [Int32]) throws -> [Float] {
        guard !slots.isEmpty else { return [] }
        var rowOfBlock: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT block, id FROM search_topic_block WHERE model_id = ?", arguments: [modelID]) { rowOfBlock[row["block"]] = row["id"] }
        var rowids: [Int64] = [], offsets: [Int32] = []
        for slot in slots {
            guard let rowid = rowOfBlock[Int64(slot) / Int64(Self.blockSize)] else { throw StoreError.corrupt(path: "search_topic_block") }
            rowids.append(rowid)
            offsets.append(Int32(Int(slot) % Self.blockSize * dimension * 4))
        }
        var out = [Float](repeating: 0, count: slots.count * dimension)
        let rc = out.withUnsafeMutableBytes { buffer in
            smart_todo_blob_read_many(db.sqliteConnection, "search_topic_block", "topics", rowids, offsets, Int32(slots.count), Int32(dimension * 4), buffer.baseAddress!)
        }
        if rc != 0 { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "cannot read the search index's topic vectors") }
        return out
    }

    /// The words of a block's slots, each with its slot.
    func words(_ db: Database, block: Int) throws -> [(word: String, slot: Int32)] {
        try Row.fetchAll(db, sql: "SELECT word, slot FROM search_word WHERE slot >= ? AND slot < ? AND model_id = ?",
                         arguments: [block * Self.blockSize, (block + 1) * Self.blockSize, modelID]).map { ($0["word"], $0["slot"]) }
    }

    /// Slots with a word starting with `stem` (a slot once per such word: callers count it once).
    func slots(startingWith stem: String, _ db: Database) throws -> [Int32] {
        try Int32.fetchAll(db, sql: "SELECT slot FROM search_word WHERE model_id = ? AND word >= ? AND word < ?",
                           arguments: [modelID, stem, stem + "\u{10FFFF}"])
    }
}

import Foundation
import GRDB
import Inference

/// Model results stored in the task database, so separate `todo` runs share them.
/// The key is sha256 over the model fingerprint, the operation, its parameters and
/// the normalised input: a new model or a changed parameter is a different key, so
/// an old answer is never returned for a new question.
public struct ResultCache: ModelOutputCache {
    let store: TaskStore

    public init(store: TaskStore) { self.store = store }

    public static func key(model: String, operation: String, parameters: String, text: String) -> String {
        SHA256.hex([model, operation, parameters, normalise(text)].joined(separator: "\u{1F}"))
    }

    /// The key of a text's embedding by `model` (what `vectors` reads and writes).
    public static func embeddingKey(model: String, text: String) -> String {
        key(model: model, operation: "embedding", parameters: "", text: text)
    }

    /// Whitespace runs collapse and the ends are trimmed: "Buy  milk " and "Buy milk" are one question.
    static func normalise(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Values for the keys present; counts the hits.
    public func values(_ keys: [String], countHits: Bool) throws -> [String: Data] {
        guard !keys.isEmpty else { return [:] }
        // Reading alone needs no write lock; counting hits does (and a read-only database counts none).
        guard countHits, !store.isReadOnly else { return try store.writer.read { try Self.fetch(db: $0, keys) } }
        return try store.write { db in
            let found = try Self.fetch(db: db, keys)
            try Self.chunked(Array(found.keys)) { marks, chunk in
                try db.execute(sql: "UPDATE result_cache SET hits = hits + 1 WHERE key IN (\(marks))", arguments: StatementArguments(chunk))
            }
            return found
        }
    }

    private static func fetch(db: Database, _ keys: [String]) throws -> [String: Data] {
        var found: [String: Data] = [:]
        try chunked(keys) { marks, chunk in
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM result_cache WHERE key IN (\(marks))", arguments: StatementArguments(chunk)) {
                found[row["key"]] = row["value"]
            }
        }
        return found
    }

    /// Runs `body` per chunk of 500 keys with its "?,?,…" placeholders: SQLite bounds the values per statement.
    private static func chunked(_ keys: [String], _ body: (String, [String]) throws -> Void) rethrows {
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = Array(keys[start..<min(start + 500, keys.count)])
            try body(Array(repeating: "?", count: chunk.count).joined(separator: ","), chunk)
        }
    }

    /// Keeps `entries`; a read-only database keeps nothing (its results are computed again next time).
    public func store(_ entries: [CachedOutput], now: Date) throws {
        guard !entries.isEmpty, !store.isReadOnly else { return }
        try store.write { db in
            for e in entries {
                // An upsert, not INSERT OR REPLACE: a replaced row fires no delete trigger, and
                // `cache_summary` would count it twice.
                try db.execute(sql: """
                    INSERT INTO result_cache (key, operation, value, created, hits) VALUES (?, ?, ?, ?, 0)
                    ON CONFLICT (key) DO UPDATE SET operation = excluded.operation, value = excluded.value, created = excluded.created, hits = 0
                    """, arguments: [e.key, e.operation, e.value, now.timeIntervalSince1970])
            }
        }
    }

    public struct Statistics: Sendable, Equatable, Codable {
        public var entries: Int
        public var bytes: Int
        public var hits: Int
        /// Entries per operation, when counted (a scan of the cache: `todo cache stats`, not
        /// `todo stats`, whose cost stays the same at any size); left out of JSON when not.
        public var byOperation: [String: Int]?

        public init(entries: Int, bytes: Int, hits: Int, byOperation: [String: Int]?) {
            (self.entries, self.bytes, self.hits, self.byOperation) = (entries, bytes, hits, byOperation)
        }

        enum CodingKeys: String, CodingKey {
            case entries, bytes, hits
            case byOperation = "by_operation"
        }
    }

    /// From the counts the database keeps (`cache_summary`); with `byOperation`, also a count per
    /// operation (a scan of the cache).
    public func statistics(byOperation: Bool = true) throws -> Statistics {
        try store.writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT entries, bytes, hits FROM cache_summary WHERE id = 1")
            var by: [String: Int]?
            if byOperation {
                by = [:]
                for r in try Row.fetchAll(db, sql: "SELECT operation, count(*) AS n FROM result_cache GROUP BY operation") { by![r["operation"]] = r["n"] }
            }
            return Statistics(entries: row?["entries"] ?? 0, bytes: row?["bytes"] ?? 0, hits: row?["hits"] ?? 0, byOperation: by)
        }
    }

    /// Empties the cache; returns how many entries were removed. Tasks are untouched.
    @discardableResult
    public func clear() throws -> Int {
        try store.write { db in
            try db.execute(sql: "DELETE FROM result_cache")
            return db.changesCount
        }
    }
}

extension ModelOutputCache {
    /// Vectors for `texts` from the cache, computing the missing ones in one batch and storing them.
    /// `compute` runs only when something is missing, so a full hit needs no model at all.
    func vectors(model: String, texts: [String], compute: ([String]) throws -> [SentenceEmbedder.Embedding]) throws -> [SentenceEmbedder.Embedding] {
        let keys = texts.map { ResultCache.embeddingKey(model: model, text: $0) }
        let cached = try values(Array(Set(keys)))
        var out = [SentenceEmbedder.Embedding?](repeating: nil, count: texts.count)
        var missing: [Int] = []
        for (i, key) in keys.enumerated() {
            if let data = cached[key], let e = ResultCache.decodeEmbedding(data) { out[i] = e } else { missing.append(i) }
        }
        if !missing.isEmpty {
            // Compute each distinct missing text once.
            var unique: [String] = []
            var index: [String: Int] = [:]
            for i in missing where index[texts[i]] == nil { index[texts[i]] = unique.count; unique.append(texts[i]) }
            let computed = try compute(unique)
            for i in missing { out[i] = computed[index[texts[i]]!] }
            try store(unique.enumerated().map { CachedOutput(ResultCache.embeddingKey(model: model, text: $0.element), "embedding", ResultCache.encodeEmbedding(computed[$0.offset])) })
        }
        return out.map { $0! }
    }

    /// Vectors of a fixed list of texts (the built-in banks) as one entry: one read instead of
    /// hundreds. A new database takes them from `shared` (this machine's, unless a caller names
    /// another) before it computes them, and keeps its own copy: the file stays whole on its own.
    func vectorSet(model: String, texts: [String], shared: SharedVectorSets? = .machine,
                   compute: ([String]) throws -> [SentenceEmbedder.Embedding]) throws -> [[Float]] {
        // Hashed as is (the texts are ours, no normalising needed): this runs on every enrichment.
        let key = SHA256.hex([model, ResultCache.builtInSets, texts.joined(separator: "\u{1E}")].joined(separator: "\u{1F}"))
        if let rows = try vectorSetRows(key, count: texts.count) { return rows }
        if let data = shared?.read(key), let rows = ResultCache.decodeRows(data, count: texts.count) {
            try store([CachedOutput(key, ResultCache.builtInSets, data)])
            return rows
        }
        let vectors = try self.vectors(model: model, texts: texts, compute: compute).map(\.vector)
        let data = ResultCache.encodeEmbedding(.init(vector: vectors.flatMap { $0 }, windows: texts.count))
        try store([CachedOutput(key, ResultCache.builtInSets, data)])
        shared?.write(key, data)
        return vectors
    }
}

extension ResultCache {
    /// The operation of `vectorSet`'s entries: the vectors of fixed lists of our texts.
    static let builtInSets = "embedding-set"

    /// Deletes the entries of `vectorSet` (what a backup leaves out); returns their bytes.
    static func deleteBuiltInSets(_ db: Database) throws -> Int {
        let bytes = try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(value)), 0) FROM result_cache WHERE operation = ?", arguments: [builtInSets]) ?? 0
        try db.execute(sql: "DELETE FROM result_cache WHERE operation = ?", arguments: [builtInSets])
        return bytes
    }

    /// The set read from its blob straight into its rows (`CachedBlob`): one copy of its ~8 MB.
    public func vectorSetRows(_ key: String, count: Int) throws -> [[Float]]? {
        try store.writer.read { db in
            try CachedBlob.read(db, key: key) { blob -> [[Float]]? in
                guard let width = Self.rowWidth(bytes: blob.length, count: count),
                      Int(try blob.integer(Int32.self, at: 0)) == count else { return nil }
                return try (0..<count).map { try blob.floats(width, at: 4 + $0 * width * 4) }
            }
        }
    }

    public static func encodeEmbedding(_ e: SentenceEmbedder.Embedding) -> Data {
        var data = withUnsafeBytes(of: Int32(e.windows).littleEndian) { Data($0) }
        e.vector.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        return data
    }

    /// A stored set of `count` vectors (`vectorSet`), each copied once straight from the bytes
    /// into its own array: the banks' set is ~4 MB, read by every process that enriches. Nil
    /// unless the data holds `count` vectors of one width.
    static func decodeRows(_ data: Data, count: Int) -> [[Float]]? {
        guard let width = rowWidth(bytes: data.count, count: count), leadingCount(data) == count else { return nil }
        return data.withUnsafeBytes { raw in (0..<count).map { copyFloats(raw, from: $0 * width, count: width) } }
    }

    public static func decodeEmbedding(_ data: Data) -> SentenceEmbedder.Embedding? {
        guard let floats = floatCount(bytes: data.count) else { return nil }
        // One copy of the bytes (the banks are ~200,000 floats; element-wise loads cost milliseconds).
        let vector = data.withUnsafeBytes { copyFloats($0, from: 0, count: floats) }
        return SentenceEmbedder.Embedding(vector: vector, windows: leadingCount(data))
    }

    /// What `encodeEmbedding` writes: an Int32 (a vector's windows, or a set's row count), then
    /// whole floats. How many floats, or nil when the data is not of that shape.
    private static func floatCount(bytes: Int) -> Int? {
        bytes >= 4 && (bytes - 4) % 4 == 0 ? (bytes - 4) / 4 : nil
    }

    /// The width of each of a set's `count` rows in `bytes` of `encodeEmbedding`'s shape (0 for
    /// no rows); nil unless they are whole rows of one width. (The leading count is checked apart.)
    private static func rowWidth(bytes: Int, count: Int) -> Int? {
        guard let floats = floatCount(bytes: bytes), count == 0 ? floats == 0 : floats % count == 0 else { return nil }
        return count == 0 ? 0 : floats / count
    }

    /// The leading Int32; only after `floatCount` or `rowWidth` said the data has one.
    private static func leadingCount(_ data: Data) -> Int {
        data.withUnsafeBytes { Int(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: Int32.self))) }
    }

    /// `count` floats from float `offset` after the leading Int32.
    private static func copyFloats(_ raw: UnsafeRawBufferPointer, from offset: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let start = 4 + offset * 4
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * 4)]))
            initialized = count
        }
    }
}

import Foundation
import PostgresNIO
import TaskService

/// Model outputs in PostgreSQL, shared by every account and every process: the key is a hash of
/// the model, the operation and the text, the value the model's answer — no user's data. A
/// text one user's worker embedded is, for every other worker, a cache hit.
public struct PostgresResultCache: ModelOutputCache {
    public let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    /// (Hits are not counted here: a shared counter would be a hot row every worker updates.)
    public func values(_ keys: [String], countHits: Bool) throws -> [String: Data] {
        guard !keys.isEmpty else { return [:] }
        let (store, keys) = (store, Array(Set(keys)))
        return try blockingWait {
            try await store.run {
                var found: [String: Data] = [:]
                let rows = try await store.client.query("SELECT key, value FROM result_cache WHERE key = ANY(\(keys))", logger: store.logger)
                for try await (key, value) in rows.decode((String, Data).self) { found[key] = value }
                return found
            }
        }
    }

    public func store(_ entries: [CachedOutput], now: Date) throws {
        guard !entries.isEmpty else { return }
        // The last entry under a key wins, as in SQLite. Written in key order: two workers storing
        // the same keys (the banks, a shared text) then lock their rows in one order, never in a cycle.
        var byKey: [String: CachedOutput] = [:]
        for entry in entries { byKey[entry.key] = entry }
        let (store, unique) = (store, byKey.values.sorted { $0.key < $1.key })
        try blockingWait {
            try await store.run {
                try await store.client.withTransaction(logger: store.logger) { connection in
                    for e in unique {
                        try await connection.query("""
                            INSERT INTO result_cache (key, kind, value, created) VALUES (\(e.key), \(e.operation), \(e.value), \(now))
                            ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, value = excluded.value, created = excluded.created
                            """, logger: store.logger)
                    }
                }
            }
        }
    }
}

extension PostgresResultCache {
    /// Entries by operation and their bytes (hits are not kept here).
    public func statistics() async throws -> ResultCache.Statistics {
        let store = self.store
        return try await store.run {
            var s = ResultCache.Statistics(entries: 0, bytes: 0, hits: 0, byOperation: [:])
            let rows = try await store.client.query("SELECT kind, count(*)::bigint, coalesce(sum(octet_length(value)), 0)::bigint FROM result_cache GROUP BY kind",
                                                    logger: store.logger)
            for try await (kind, entries, bytes) in rows.decode((String, Int64, Int64).self) {
                s.entries += Int(entries)
                s.bytes += Int(bytes)
                s.byOperation?[kind] = Int(entries)
            }
            return s
        }
    }

    /// Empties the cache every account and worker shares; the entries removed. Tasks are
    /// untouched: the outputs are computed again as they are needed.
    public func clear() async throws -> Int {
        let store = self.store
        return try await store.run {
            var removed = 0
            for try await _ in try await store.client.query("DELETE FROM result_cache RETURNING 1", logger: store.logger).decode(Int32.self) { removed += 1 }
            return removed
        }
    }
}

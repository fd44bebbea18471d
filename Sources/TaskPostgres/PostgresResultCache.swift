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
    /// Entries and their bytes (a count of the shared cache; hits are not kept here).
    public func statistics() async throws -> ResultCache.Statistics {
        let store = self.store
        return try await store.run {
            let rows = try await store.client.query("SELECT count(*)::bigint, coalesce(sum(octet_length(value)), 0)::bigint FROM result_cache", logger: store.logger)
            for try await (entries, bytes) in rows.decode((Int64, Int64).self) {
                return ResultCache.Statistics(entries: Int(entries), bytes: Int(bytes), hits: 0, byOperation: [:])
            }
            return ResultCache.Statistics(entries: 0, bytes: 0, hits: 0, byOperation: [:])
        }
    }
}

import Foundation
import PostgresNIO
import TaskService

/// One account's habits in PostgreSQL — its own tags and how it files tasks — for the
/// enrichment of that account's tasks only: another account's filing never shapes these.
public struct PostgresHabits: UserHabits {
    public let store: PostgresStore
    public let accountID: Int64

    public init(store: PostgresStore, accountID: Int64) {
        self.store = store
        self.accountID = accountID
    }

    public func userTags() throws -> [String] {
        let (store, owner) = (store, accountID)
        let counts = try blockingWait {
            try await store.run {
                var counts: [(tag: String, uses: Int)] = []
                let rows = try await store.client.query("""
                    SELECT tag, count(*)::bigint FROM task, jsonb_array_elements_text(tags) AS tag
                    WHERE account_id = \(owner) AND status <> 'deleted' AND NOT provenance ? 'tags'
                    GROUP BY tag
                    """, logger: store.logger)
                for try await (tag, n) in rows.decode((String, Int64).self) { counts.append((tag, Int(n))) }
                return counts
            }
        }
        return FiledExample.mergedTags(counts)
    }

    /// The 2,000 most recent tasks the account filed itself, with the vectors of their whole
    /// text and title from the shared cache (enrichment put them there); a task whose vectors
    /// are not there yet joins once its enrichment has run.
    public func userCategorizedVectors(model: String) throws -> [FiledExample] {
        let (store, owner) = (store, accountID)
        let filed = try blockingWait {
            try await store.run {
                var filed: [(category: String, whole: String, title: String)] = []
                let rows = try await store.client.query("""
                    SELECT category, title, description FROM task
                    WHERE account_id = \(owner) AND status <> 'deleted' AND category IS NOT NULL AND NOT provenance ? 'category'
                    ORDER BY id DESC LIMIT 2000
                    """, logger: store.logger)
                for try await (category, title, description) in rows.decode((String, String, String).self) {
                    filed.append((category, TaskEmbeddings.text(title: title, description: description), title))
                }
                return filed
            }
        }
        func key(_ text: String) -> String { ResultCache.embeddingKey(model: model, text: text) }
        let vectors = try PostgresResultCache(store: store).values(filed.flatMap { [key($0.whole), key($0.title)] }, countHits: false)
        return filed.compactMap { f in
            guard let whole = vectors[key(f.whole)].flatMap(ResultCache.decodeEmbedding),
                  let title = vectors[key(f.title)].flatMap(ResultCache.decodeEmbedding) else { return nil }
            return FiledExample(category: f.category, whole: whole.vector, title: title.vector)
        }
    }

    /// The account's count of changes to its own tags and filing (a trigger keeps it).
    public func userStateDigest() throws -> String {
        let (store, owner) = (store, accountID)
        let habits = try blockingWait {
            try await store.run {
                for try await n in try await store.client.query("SELECT habits FROM account WHERE id = \(owner)", logger: store.logger).decode(Int64.self) { return n }
                throw PostgresFailure.notFound("No account \(owner).")
            }
        }
        return "account \(owner) habits \(habits)"
    }
}

import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "The AI result cache in the task database: stats or clear.",
        discussion: """
        Results are keyed by sha256 over the model's fingerprint, the operation, its \
        parameters and the normalised text, so a new model or setting never sees an old \
        answer. Clearing only costs recomputation; tasks are untouched. The built-in examples' \
        vectors are also kept once per machine, in $XDG_CACHE_HOME/smart-todo (else \
        ~/.cache/smart-todo), so that a new database starts with them; delete that folder to \
        compute them again.

        On PostgreSQL (--db postgres://…) the cache is one for every account and worker \
        (it holds model outputs by hash, no user's data): no --user, and clearing it \
        clears it for all. Hits are counted in a SQLite file only.

        Examples:
          todo cache stats
          todo cache clear --json
        """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case stats, clear
    }

    @Argument(help: "stats or clear.") var action: Action
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { try store.refuseUser(for: "cache") }

    func run() async throws {
        switch action {
        case .clear:
            let removed = try await onEither(sqlite: { try $0.clear() }, postgres: { try await $0.clear() })
            Console.out(json ? try JSONOutput.line(["removed": removed]) : "Removed \(removed) cached result(s).")
        case .stats:
            let s = try await onEither(sqlite: { try $0.statistics() }, postgres: { try await $0.statistics() })
            if json { Console.out(try JSONOutput.line(s)); return }
            Console.out("\(s.entries) entries, \(s.bytes / 1024) KiB, \(s.hits) hits")
            for (op, n) in (s.byOperation ?? [:]).sorted(by: { $0.key < $1.key }) { Console.out("  \(op): \(n)") }
        }
    }

    /// The cache of the database `--db` names: a SQLite file's own, or the one a PostgreSQL database shares.
    private func onEither<T: Sendable>(sqlite: (ResultCache) throws -> T, postgres: (PostgresResultCache) async throws -> T) async throws -> T {
        guard try store.postgresLocation() != nil else { return try storeCall { try sqlite(ResultCache(store: try store.open(mustExist: true))) } }
        var database = PostgresOption()
        database.db = store.db
        return try await database.with("todo cache") { try await postgres(PostgresResultCache(store: $0)) }
    }
}

import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

/// `--db` for the commands that only a PostgreSQL database can serve (`todo users`, `todo worker`).
struct PostgresOption: ParsableArguments {
    @Option(help: ArgumentHelp("The PostgreSQL database (default: SMART_TODO_DB).", valueName: "postgres://USER@HOST[:PORT]/DB"))
    var db: String?

    func validate() throws { try StoreOptions.refuseEmpty(db) }

    /// Runs `body` on the database, closed afterwards whatever happens; PostgreSQL's failures
    /// as plain command failures.
    func with<T: Sendable>(_ purpose: String, _ body: (PostgresStore) async throws -> T) async throws -> T {
        guard let given = DatabaseLocation.given(explicit: db) else {
            throw CommandFailure("\(purpose): give --db postgres://USER@HOST/DB (or set SMART_TODO_DB).")
        }
        guard PostgresLocation.isURL(given) else {
            let what = given.contains("://") ? "not a postgres:// URL" : "a SQLite file, which has one user"
            throw CommandFailure("\(purpose) (--db postgres://USER@HOST/DB); \(PostgresLocation.redacted(given)) is \(what).")
        }
        do {
            return try await PostgresStore.with(try PostgresLocation(url: given), body)
        } catch let error as PostgresFailure {
            throw CommandFailure(error)
        }
    }
}

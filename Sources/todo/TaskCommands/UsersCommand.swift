import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

/// `todo users`: the accounts of a shared PostgreSQL database. A SQLite file has one user and
/// no accounts.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Accounts of a shared PostgreSQL database: add one (and its API token), list, revoke.",
        discussion: """
            Tasks in a PostgreSQL database belong to an account. Its API token is 256 random \
            bits, printed once, on the last line of `todo users add`; the database keeps only its \
            SHA-256, so a lost token cannot be shown again: revoke the account and add one under \
            a new name (names are never reused). So far accounts are managed here; the task \
            commands and `todo serve` still take a SQLite file (docs/postgres.md).

            Examples:
              todo users add alice --db postgres://smarttodo@127.0.0.1/todo
              export SMART_TODO_DB=postgres://smarttodo@db.internal/todo?sslmode=require
              todo users list
              todo users revoke alice
            """,
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The PostgreSQL database (default: SMART_TODO_DB).", valueName: "postgres://USER@HOST[:PORT]/DB"))
        var db: String?

        /// Runs `body` on the database, closed afterwards whatever happens; PostgreSQL's failures
        /// as plain command failures.
        func with<T: Sendable>(_ body: (PostgresStore) async throws -> T) async throws -> T {
            guard let given = DatabaseLocation.given(explicit: db) else {
                throw CommandFailure("Accounts live in a PostgreSQL database: give --db postgres://USER@HOST/DB (or set SMART_TODO_DB).")
            }
            guard PostgresLocation.isURL(given) else {
                let what = given.contains("://") ? "not a postgres:// URL" : "a SQLite file, which has one user"
                throw CommandFailure("Accounts live in a PostgreSQL database (--db postgres://USER@HOST/DB); \(PostgresLocation.redacted(given)) is \(what).")
            }
            do {
                let store = try await PostgresStore.open(try PostgresLocation(url: given))
                do {
                    let result = try await body(store)
                    await store.close()
                    return result
                } catch {
                    await store.close()
                    throw error
                }
            } catch let error as PostgresFailure {
                throw CommandFailure(error.description)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; its API token is the last line printed.")

        @Argument(help: "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; unique in any case.") var name: String
        @Flag(help: "Print one JSON object (with the token).") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            let (account, token) = try await location.with { try await $0.addAccount(name: name) }
            if json {
                Console.out(try JSONOutput.line(Created(account: account, token: token.text)))
                return
            }
            Console.out("Created account \(account.name) (id \(account.id)). Its API token, shown this once (only its hash is kept):")
            Console.out(token.text)
        }

        struct Created: Encodable {
            var account: Account
            var token: String
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every account, revoked ones too.")

        @Flag(help: "Print one JSON object per account.") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            let accounts = try await location.with { try await $0.accounts() }
            if json {
                for account in accounts { Console.out(try JSONOutput.line(account)) }
                return
            }
            if accounts.isEmpty { Console.out("No accounts yet: `todo users add NAME` creates one."); return }
            let day = Date.ISO8601FormatStyle().year().month().day()
            for account in accounts {
                let state = account.revoked.map { "revoked \($0.formatted(day))" } ?? "active"
                Console.out("\(String(account.id).padded(to: 6)) \(account.name.padded(to: 12))  created \(account.created.formatted(day))  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse the account's token from now on (its tasks stay).")

        @Argument(help: "The account's name.") var name: String
        @OptionGroup var location: Location

        func run() async throws {
            let (account, already) = try await location.with { try await $0.revoke(name: name) }
            Console.out(already
                ? "\(account.name) was already revoked (\(account.revoked.map { $0.formatted(.iso8601) } ?? "")); its token stays refused."
                : "Revoked \(account.name): its token is refused from now on.")
        }
    }
}

import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

/// `todo users`: the accounts of a shared PostgreSQL database. A SQLite file has one user and
/// no accounts.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Accounts of a shared PostgreSQL database: add one (and its API token), list, revoke, issue a new token.",
        discussion: """
            Tasks in a PostgreSQL database belong to an account. Its API token is 256 random \
            bits, printed once, on the last line of `todo users add`; the database keeps only its \
            SHA-256, so a lost token cannot be shown again: `todo users token NAME` issues a new \
            one in its place. Revoking refuses the token at once and closes the event streams it \
            opened; the account's tasks are kept, and a new token makes it active again (names \
            are never reused, so its tasks never pass to someone new). `todo serve` serves every account, each by its token; \
            the task commands reach one with --user NAME; `todo worker` enriches every \
            account's tasks (docs/postgres.md).

            Examples:
              todo users add alice --db postgres://smarttodo@127.0.0.1/todo
              export SMART_TODO_DB=postgres://smarttodo@db.internal/todo?sslmode=require
              todo users list
              todo list --user alice
              todo users revoke alice
              todo users token alice      # a new token; the old one is refused from now on
            """,
        subcommands: [Add.self, List.self, Revoke.self, Token.self]
    )

    static let purpose = "Accounts live in a PostgreSQL database"

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an account; its API token is the last line printed.")

        @Argument(help: "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; unique in any case.") var name: String
        @Flag(help: "Print one JSON object (with the token).") var json = false
        @OptionGroup var location: PostgresOption

        func run() async throws {
            let (account, token) = try await location.with(UsersCommand.purpose) { try await $0.addAccount(name: name) }
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
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every account, revoked ones too.")

        @Flag(help: "Print a JSON array of the accounts (as `todo list --json` prints tasks).") var json = false
        @OptionGroup var location: PostgresOption

        func run() async throws {
            let accounts = try await location.with(UsersCommand.purpose) { try await $0.accounts() }
            if json {
                Console.out(try JSONOutput.line(accounts))
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
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Refuse the account's token from now on (its tasks stay).")

        @Argument(help: "The account's name.") var name: String
        @OptionGroup var location: PostgresOption

        func run() async throws {
            let (account, already) = try await location.with(UsersCommand.purpose) { try await $0.revoke(name: name) }
            Console.out(already
                ? "\(account.name) was already revoked (\(account.revoked.map { $0.formatted(.iso8601) } ?? "")); its token stays refused."
                : "Revoked \(account.name): its token is refused from now on.")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Issue a new API token for an account (the last line printed); its old one is refused from now on.",
            discussion: """
                For a token lost or leaked: the old token is refused at once, and the event streams \
                it opened are closed. A revoked account is active again under the new token, with \
                all its tasks.
                """)

        @Argument(help: "The account's name.") var name: String
        @Flag(help: "Print one JSON object (with the token).") var json = false
        @OptionGroup var location: PostgresOption

        func run() async throws {
            let (account, token, wasRevoked) = try await location.with(UsersCommand.purpose) { try await $0.issueToken(name: name) }
            if json {
                Console.out(try JSONOutput.line(Add.Created(account: account, token: token.text)))
                return
            }
            Console.out("New API token for \(account.name) (id \(account.id)); the old one is refused from now on"
                        + (wasRevoked ? ", and the account is active again" : "") + ". Shown this once (only its hash is kept):")
            Console.out(token.text)
        }
    }
}

import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

/// `--db`, shared by every command that touches tasks.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Task database: a SQLite file or a postgres:// URL (default: SMART_TODO_DB, else ~/.local/share/smart-todo/tasks.sqlite).", valueName: "path|url"))
    var db: String?

    @Option(help: ArgumentHelp("With a postgres:// database, for the commands on one account's tasks (not serve, cache, backup or restore, which are the whole database's): whose tasks (an account of `todo users`; default: SMART_TODO_USER).", valueName: "name"))
    var user: String?

    func validate() throws { try Self.refuseEmpty(db) }

    /// An empty `--db` (an unset shell variable, `--db "$DB"`) would otherwise mean "no --db":
    /// the command would read or write the default database instead of the one meant.
    static func refuseEmpty(_ db: String?) throws {
        if let db, db.allSatisfy(\.isWhitespace) {
            throw ValidationError("--db is empty: give a SQLite file or a postgres:// URL, or leave --db out for SMART_TODO_DB or the default database.")
        }
    }

    /// Said when a change on PostgreSQL leaves AI fields to compute: a command does not load the model.
    static let queuedForWorkers = "note: AI fields queued for the workers (`todo worker`, a `todo serve` replica, or `todo enrich --user`)"

    /// The commands that take a PostgreSQL database with `--user` (`cache`, `backup` and
    /// `restore` take it without: they are the whole database's).
    static let onPostgres = "add, list, show, edit, done, reopen, delete, undo, search, similar, explain, enrich, stats, import and export"

    /// The SQLite file `--db` or SMART_TODO_DB names; a PostgreSQL URL is refused plainly
    /// rather than taken for a file name.
    func sqliteLocation() throws -> URL {
        if let given = DatabaseLocation.given(explicit: db), PostgresLocation.isURL(given) {
            throw CommandFailure("""
                This command needs a SQLite file; a PostgreSQL database \
                (\((try? PostgresLocation(url: given).description) ?? "postgres://…")) serves `todo serve`, `todo worker`, `todo users`, `todo cache`, `todo backup`, `todo restore`, \
                and \(Self.onPostgres) with --user NAME (docs/postgres.md).
                """)
        }
        // "mysql://…" would otherwise become a folder "mysql:" and a new, empty database in it.
        if let given = DatabaseLocation.given(explicit: db), given.firstMatch(of: /^[A-Za-z][A-Za-z0-9+.-]*:\/\//) != nil {
            throw CommandFailure("\(PostgresLocation.redacted(given)) is neither a file path nor a postgres:// URL; --db (or SMART_TODO_DB) takes one of those.")
        }
        return DatabaseLocation.resolve(explicit: db)
    }

    /// With a PostgreSQL `--db`: `body` on the tasks of the account `--user` names, the database
    /// closed afterwards; nil with a SQLite file (the command goes on with `open()`).
    func onPostgres<T: Sendable>(_ body: @escaping (AccountTasks) async throws -> T) async throws -> T? {
        guard try postgresLocation() != nil else {
            if let user { throw CommandFailure("--user \(TaskText.oneLine(user)) names an account of a PostgreSQL database; a SQLite file has one user: leave --user out.") }
            return nil
        }
        guard let name = user ?? ProcessInfo.processInfo.environment["SMART_TODO_USER"], !name.isEmpty else {
            throw CommandFailure("A PostgreSQL database keeps several accounts' tasks: say whose with --user NAME (or SMART_TODO_USER); `todo users list` shows them.")
        }
        var database = PostgresOption()
        database.db = db
        return try await database.with("this command") { store in
            guard let account = try await store.accounts().first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw CommandFailure("No account named '\(TaskText.oneLine(name))' in this database; `todo users list` shows them, `todo users add NAME` makes one.")
            }
            guard account.revoked == nil else {
                throw CommandFailure("The account '\(account.name)' was revoked: its tasks are kept, but no command reaches them.")
            }
            do {
                return try await body(AccountTasks(store: store, account: account, undo: .command(commandLineForUndo)))
            } catch let error as StoreError {
                throw CommandFailure(error)
            } catch let error as EnrichmentError {
                throw CommandFailure(error.description)
            }
        }
    }

    /// From `validate()` of a command on the whole database (serve, cache, backup, restore),
    /// where `--user` would mean nothing: refused rather than ignored.
    func refuseUser(for command: String) throws {
        if user != nil { throw ValidationError("`todo \(command)` works on the whole database (every account); --user is for the commands on one account's tasks.") }
    }

    /// The PostgreSQL database `--db` or SMART_TODO_DB names, if it is one (`todo serve`).
    func postgresLocation() throws -> PostgresLocation? {
        guard let given = DatabaseLocation.given(explicit: db), PostgresLocation.isURL(given) else { return nil }
        do { return try PostgresLocation(url: given) } catch let error as PostgresFailure { throw CommandFailure(error) }
    }

    /// `mustExist`: for the commands on tasks already there (all but add, import, restore,
    /// serve and enrich --watch), a file named by --db or SMART_TODO_DB that does not exist is a typo, not a new
    /// empty database that looks as if every task were gone. The default location is created as ever.
    func open(mustExist: Bool = false) throws -> TaskStore {
        let url = try sqliteLocation()
        if mustExist, DatabaseLocation.given(explicit: db) != nil, !FileManager.default.fileExists(atPath: url.path) {
            throw CommandFailure("No task database at \(TaskText.oneLine(url.path)); check the path (--db or SMART_TODO_DB). `todo add` or `todo import` creates one.")
        }
        do {
            let store = try TaskStore(url: url)
            store.warnings.forEach(Console.error)
            return store
        } catch let error as StoreError {
            throw CommandFailure(error)
        }
    }
}

/// Runs a store operation, turning store errors into plain command failures.
func storeCall<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as StoreError { throw CommandFailure(error) }
}

/// Runs a PostgreSQL operation, turning its failures into plain command failures.
func postgresCall<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as PostgresFailure { throw CommandFailure(error) }
}

/// The task options `add` and `list` share, read the same way by both.
enum TaskArguments {
    /// `--priority`, any case; nil when absent. Used from `validate()`, so a bad value is a usage error.
    static func priority(_ value: String?) throws -> TodoTask.Priority? {
        guard let value else { return nil }
        guard let p = TodoTask.Priority(typed: value) else {
            throw ValidationError("Unknown priority '\(value)'; use high, medium or low.")
        }
        return p
    }

    /// `--category`, trimmed; nil when absent. From `validate()`: a blank one is a usage error
    /// (it would hide the field from the AI and show as an empty category).
    static func category(_ value: String?) throws -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ValidationError("The --category is empty; give a name, or leave it out for the AI.") }
        return trimmed
    }

    /// Tags as typed (`TaskRules.normalizedTags`). From `validate()`: a blank tag is a usage error.
    static func tags(_ values: [String], appendedTo existing: [String] = []) throws -> [String] {
        do { return try TaskRules.normalizedTags(values, appendedTo: existing) } catch { throw ValidationError("A tag \(error.problem).") }
    }

    /// A date option; nil when absent, a usage error saying what is wrong when unreadable (read
    /// in `run()`, not `validate()`: "friday" means the friday after now, when the command runs).
    /// A time the calendar had to move (a daylight-saving gap) is said on standard error.
    static func date(_ value: String?, parser: DueDateParser = DueDateParser()) throws -> Date? {
        guard let value else { return nil }
        do {
            let due = try parser.understand(value)
            if let adjustment = due.adjustment { Console.error("note: " + adjustment) }
            return due.date
        } catch let failure as DueDateParser.Failure {
            throw CommandFailure(failure.description, status: .usage)
        }
    }

    /// A `--description` value; `-` reads standard input, which must be UTF-8. `action` says what was not done.
    static func description(_ value: String?, action: String) throws -> String? {
        guard let value else { return nil }
        guard value == "-" else { return value }
        guard let text = String(validating: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) else {
            throw CommandFailure("The description on standard input is not valid UTF-8; \(action).")
        }
        return text
    }
}

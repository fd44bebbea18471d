import ArgumentParser
import Foundation
import TaskService

/// `--db`, shared by every command that touches tasks.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Task database (default: SMART_TODO_DB, else ~/.local/share/smart-todo/tasks.sqlite).", valueName: "path"))
    var db: String?

    func open() throws -> TaskStore {
        let url = DatabaseLocation.resolve(explicit: db)
        do { return try TaskStore(url: url) } catch let error as StoreError { throw CommandFailure(error.description) }
    }
}

/// Runs a store operation, turning store errors into plain command failures.
func storeCall<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as StoreError { throw CommandFailure(error.description) }
}

/// The task options `add` and `list` share, read the same way by both.
enum TaskArguments {
    /// `--priority`, any case; nil when absent. Used from `validate()`, so a bad value is a usage error.
    static func priority(_ value: String?) throws -> TodoTask.Priority? {
        guard let value else { return nil }
        guard let p = TodoTask.Priority(rawValue: value.lowercased()) else {
            throw ValidationError("Unknown priority '\(value)'; use high, medium or low.")
        }
        return p
    }

    /// A date option; nil when absent, a command failure naming the accepted forms when unreadable.
    static func date(_ value: String?, parser: DueDateParser = DueDateParser()) throws -> Date? {
        do { return try value.map { try parser.parse($0) } } catch let failure as DueDateParser.Failure {
            throw CommandFailure(failure.description)
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

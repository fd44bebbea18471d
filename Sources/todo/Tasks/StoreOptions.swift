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

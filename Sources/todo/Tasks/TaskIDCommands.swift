import ArgumentParser
import Foundation
import TaskService

/// `show`, `done` and `delete`: one task by id.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task in full.",
                                                    discussion: "Examples:\n  todo show 3\n  todo show 3 --json")
    @Argument(help: "The task's id (from todo list).") var id: Int64
    @Flag(help: "Print the task as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let t = try storeCall { try store.open().task(id: id) }
        print(json ? try JSONOutput.line(TaskOutput(t)) : TaskText.details(t))
    }
}

struct DoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark a task done.",
                                                    discussion: "Examples:\n  todo done 3")
    @Argument(help: "The task's id (from todo list).") var id: Int64
    @Flag(help: "Print the task as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let t = try storeCall { try store.open().markDone(id: id, undo: commandLineForUndo) }
        print(json ? try JSONOutput.line(TaskOutput(t)) : "Done: \(t.id ?? 0) \(t.title)")
    }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a task (its id is never reused).",
                                                    discussion: "Examples:\n  todo delete 3")
    @Argument(help: "The task's id (from todo list).") var id: Int64
    @Flag(help: "Print the deleted task as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let t = try storeCall { try store.open().delete(id: id, undo: commandLineForUndo) }
        print(json ? try JSONOutput.line(TaskOutput(t)) : "Deleted: \(t.id ?? 0) \(t.title)")
    }
}

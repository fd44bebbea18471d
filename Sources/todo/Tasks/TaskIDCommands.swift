import ArgumentParser
import Foundation
import TaskService

/// `show`, `done`, `reopen` and `delete`: one task by id.
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
        let tasks = try store.open()
        let wasDone = try storeCall { try tasks.task(id: id).status == .done }
        let t = try storeCall { try tasks.markDone(id: id, undo: commandLineForUndo) }
        if json { return print(try JSONOutput.line(TaskOutput(t))) }
        print((wasDone ? "Already done: " : "Done: ") + "\(t.id ?? 0) \(TaskText.oneLine(t.title))"
              + (wasDone ? t.completed.map { " (since \(TaskText.dueText($0).replacingOccurrences(of: ", overdue", with: "")))" } ?? "" : ""))
    }
}

struct ReopenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Make a done task pending again.",
                                                    discussion: "Examples:\n  todo reopen 3\n  todo list --status done")
    @Argument(help: "The task's id (from todo list --status done).") var id: Int64
    @Flag(help: "Print the task as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let tasks = try store.open()
        let wasDone = try storeCall { try tasks.task(id: id).status == .done }
        let t = try storeCall { try tasks.reopen(id: id, undo: commandLineForUndo) }
        if json { return print(try JSONOutput.line(TaskOutput(t))) }
        print((wasDone ? "Reopened: " : "Not done, nothing to reopen: ") + "\(t.id ?? 0) \(TaskText.oneLine(t.title))")
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
        print(json ? try JSONOutput.line(TaskOutput(t)) : "Deleted: \(t.id ?? 0) \(TaskText.oneLine(t.title))")
    }
}

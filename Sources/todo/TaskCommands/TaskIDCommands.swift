import ArgumentParser
import Foundation
import TaskService

/// `show`: one task by id.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task in full.",
                                                    discussion: "Examples:\n  todo show 3\n  todo show 3 --json")
    @Argument(help: "The task's id (from todo list).") var id: Int64
    @Flag(help: "Print the task as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let t = try storeCall { try store.open().task(id: id) }
        Console.out(json ? try JSONOutput.line(TaskOutput(t)) : TaskText.details(t))
    }
}

/// `done`, `reopen` and `delete` take several ids: all change or none does (an unknown id
/// changes nothing), and `todo undo` reverts them together. With --json, one task per line.
struct DoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark tasks done.",
                                                    discussion: "Examples:\n  todo done 3\n  todo done 3 4 7")
    @Argument(help: "The tasks' ids (from todo list).") var ids: [Int64]
    @Flag(help: "Print each task as JSON, one per line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { guard !ids.isEmpty else { throw ValidationError("Give the id of at least one task (see `todo list`).") } }

    func run() throws {
        let tasks = try store.open()
        let before = doneAlready(ids, in: tasks)
        let changed = try storeCall { try tasks.markDone(ids: ids, undo: commandLineForUndo) }
        try report(changed, json: json) { t in
            before.contains(t.id ?? 0) ? "Already done: " + TaskIDText.title(t) + (t.completed.map { " (since \(TaskIDText.when($0)))" } ?? "")
                                  : "Done: " + TaskIDText.title(t)
        }
    }
}

struct ReopenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Make done tasks pending again.",
                                                    discussion: "Examples:\n  todo reopen 3\n  todo list --status done")
    @Argument(help: "The tasks' ids (from todo list --status done).") var ids: [Int64]
    @Flag(help: "Print each task as JSON, one per line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { guard !ids.isEmpty else { throw ValidationError("Give the id of at least one task (see `todo list --status done`).") } }

    func run() throws {
        let tasks = try store.open()
        let done = doneAlready(ids, in: tasks)
        let changed = try storeCall { try tasks.reopen(ids: ids, undo: commandLineForUndo) }
        try report(changed, json: json) { t in (done.contains(t.id ?? 0) ? "Reopened: " : "Not done, nothing to reopen: ") + TaskIDText.title(t) }
    }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete tasks (ids are never reused).",
                                                    discussion: "Examples:\n  todo delete 3\n  todo delete 3 4 && todo undo")
    @Argument(help: "The tasks' ids (from todo list).") var ids: [Int64]
    @Flag(help: "Print each deleted task as JSON, one per line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { guard !ids.isEmpty else { throw ValidationError("Give the id of at least one task (see `todo list`).") } }

    func run() throws {
        let changed = try storeCall { try store.open().delete(ids: ids, undo: commandLineForUndo) }
        try report(changed, json: json) { "Deleted: " + TaskIDText.title($0) }
    }
}

/// Which of these tasks are done now, for the message only (the change itself checks again in its transaction).
private func doneAlready(_ ids: [Int64], in tasks: TaskStore) -> Set<Int64> {
    Set(ids.filter { (try? tasks.task(id: $0).status) == .done })
}

private func report(_ tasks: [TodoTask], json: Bool, line: (TodoTask) -> String) throws {
    for t in tasks { Console.out(json ? try JSONOutput.line(TaskOutput(t)) : line(t)) }
}

private enum TaskIDText {
    static func title(_ t: TodoTask) -> String { "\(t.id ?? 0) \(TaskText.oneLine(t.title))" }
    static func when(_ date: Date) -> String { TaskText.dueText(date, now: .distantPast) }
}

import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

/// `show`: one task by id.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task in full.",
                                                    discussion: "Examples:\n  todo show 3\n  todo show 3 --json")
    @Argument(help: "The task's id (from todo list).") var id: Int64
    @Flag(help: "Print the task as JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let id = self.id
        if let shared = try await store.onPostgres({ tasks in (task: try await tasks.task(id: id), queued: try await tasks.hasPendingEnrichment(id)) }) {
            return try show(shared.task, queued: shared.queued ? "queued for the workers (`todo worker`, `todo serve`)" : nil)
        }
        let file = try store.open(mustExist: true)
        let t = try storeCall { try file.task(id: id) }
        try show(t, queued: try Self.queued(id, in: file))
    }

    private func show(_ t: TodoTask, queued: String?) throws {
        Console.out(json ? try JSONOutput.line(TaskOutput(t)) : TaskText.details(t, queued: queued))
    }

    /// Why the task's fields you left empty are still empty, when its job waits in the queue.
    static func queued(_ id: Int64, in store: TaskStore) throws -> String? {
        guard try !EnrichmentQueue(store: store).pending(includeWaiting: true, taskID: id).isEmpty else { return nil }
        if let location = store.location, WatcherLock(database: location).isHeldElsewhere { return "being filled by a watcher at work (`todo enrich --watch`, `todo serve`)" }
        return "queued: `todo enrich` fills them"
    }
}

/// `done`, `reopen` and `delete` take several ids: all change or none does (an unknown id
/// changes nothing), and `todo undo` reverts them together. With --json, one task per line.
struct DoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark tasks done.",
                                                    discussion: "Examples:\n  todo done 3\n  todo done 3 4 7")
    @Argument(help: "The tasks' ids (from todo list).") var ids: [Int64]
    @Flag(help: "Print each task as JSON, one per line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { guard !ids.isEmpty else { throw ValidationError("Give the id of at least one task (see `todo list`).") } }

    func run() async throws {
        let ids = self.ids
        let (before, changed) = try await changeTasks(ids, in: store, shared: { try await $0.markDone(id: $1) },
                                                      file: { try $0.markDone(ids: ids, undo: commandLineForUndo) })
        try report(changed, json: json) { t in
            before.contains(t.id ?? 0) ? "Already done: " + TaskIDText.title(t) + (t.completed.map { " (since \(TaskIDText.when($0)))" } ?? "")
                                  : "Done: " + TaskIDText.title(t)
        }
    }
}

struct ReopenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Make done tasks pending again.",
                                                    discussion: "Examples:\n  todo reopen 3\n  todo list --status done")
    @Argument(help: "The tasks' ids (from todo list --status done).") var ids: [Int64]
    @Flag(help: "Print each task as JSON, one per line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { guard !ids.isEmpty else { throw ValidationError("Give the id of at least one task (see `todo list --status done`).") } }

    func run() async throws {
        let ids = self.ids
        let (done, changed) = try await changeTasks(ids, in: store, shared: { try await $0.reopen(id: $1) },
                                                    file: { try $0.reopen(ids: ids, undo: commandLineForUndo) })
        try report(changed, json: json) { t in (done.contains(t.id ?? 0) ? "Reopened: " : "Not done, nothing to reopen: ") + TaskIDText.title(t) }
    }
}

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete tasks (ids are never reused).",
                                                    discussion: "Examples:\n  todo delete 3\n  todo delete 3 4 && todo undo")
    @Argument(help: "The tasks' ids (from todo list).") var ids: [Int64]
    @Flag(help: "Print each deleted task as JSON, one per line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws { guard !ids.isEmpty else { throw ValidationError("Give the id of at least one task (see `todo list`).") } }

    func run() async throws {
        let ids = self.ids
        let changed = try await changeTasks(ids, in: store, shared: { try await $0.delete(id: $1) },
                                            file: { try $0.delete(ids: ids, undo: commandLineForUndo) }).changed
        try report(changed, json: json) { "Deleted: " + TaskIDText.title($0) }
    }
}

/// Which of these tasks are done now, for the message only (the change itself checks again in its transaction).
private func doneAlready(_ ids: [Int64], in tasks: TaskStore) -> Set<Int64> {
    Set(ids.filter { (try? tasks.task(id: $0).status) == .done })
}

/// Changes the tasks `ids` on the database `store` names — a file in one transaction (`file`),
/// an account one task at a time (`shared`), after reading every id first, so that an unknown
/// one changes nothing there either. Which were done before, for the message, and the tasks as changed.
private func changeTasks(_ ids: [Int64], in store: StoreOptions, shared: @escaping (AccountTasks, Int64) async throws -> TodoTask,
                         file: (TaskStore) throws -> [TodoTask]) async throws -> (doneBefore: Set<Int64>, changed: [TodoTask]) {
    let onAccount = try await store.onPostgres { tasks in
        do {
            var doneBefore = Set<Int64>()
            for id in ids where try await tasks.task(id: id).status == .done { doneBefore.insert(id) }
            var changed: [TodoTask] = []
            for id in ids { changed.append(try await shared(tasks, id)) }
            return (doneBefore, changed)
        } catch let error as StoreError { throw noneChanged(error, of: ids) }
    }
    if let onAccount { return onAccount }
    let tasks = try store.open(mustExist: true)
    let doneBefore = doneAlready(ids, in: tasks)
    return (doneBefore, try storeCall { do { return try file(tasks) } catch let error as StoreError { throw noneChanged(error, of: ids) } })
}

/// An unknown id among several: the message says the others were left as they were too.
private func noneChanged(_ error: StoreError, of ids: [Int64]) -> StoreError {
    switch error {
    case .unknownTask, .deletedTask: break
    default: return error
    }
    guard ids.count > 1 else { return error }
    return .failed("\(error.description); none of the \(ids.count) tasks given was changed")
}

private func report(_ tasks: [TodoTask], json: Bool, line: (TodoTask) -> String) throws {
    for t in tasks { Console.out(json ? try JSONOutput.line(TaskOutput(t)) : line(t)) }
}

private enum TaskIDText {
    static func title(_ t: TodoTask) -> String { "\(t.id ?? 0) \(TaskText.oneLine(t.title))" }
    static func when(_ date: Date) -> String { TaskText.dueText(date, now: .distantPast) }
}

import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add tasks from `todo export` JSON Lines, from lines you write, or from Taskwarrior's `task export`.",
        discussion: """
        All or nothing: one bad line imports nothing and names the line and the field. A task \
        whose uuid is already here is skipped, never overwritten — unless it was deleted here \
        (an undone import, a backup read again): then it is restored as the file has it. Ids \
        are kept when free.

        A line needs only a "title"; every other field of `todo export` is optional. \
        Without a "uuid" a task gets a new one and a new id (importing the file twice adds \
        it twice); without "created" it is created now. "due" takes an ISO date or anything \
        `todo add --due` takes ("friday", "in 3 days"). A category, priority or tags you \
        give are yours (AI never overwrites them); the AI fills the rest. Ids are 1 to \
        9,999,999; dates lie in the years 1970 to 9999, "updated" and "completed" not \
        before "created", and only a done task has "completed".

        Taskwarrior's `task export`, as one JSON array or one object per line: recurring \
        templates are left out (their instances are tasks), and what Smart TODO has no \
        field for (wait, scheduled, until, depends) is reported as dropped.

        Examples:
          todo import backup.jsonl
          echo '{"title": "Pay rent", "due": "2026-12-01"}' | todo import -
          task export > tw.json && todo import tw.json
        """
    )

    @Argument(help: "File to read; - reads standard input.")
    var file: String

    @Flag(help: "Print {\"added\", \"restored\", \"skipped\", \"deleted\", \"queued\", \"recurring_templates\", \"dropped_fields\"} as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    struct Output: Encodable {
        var added: Int
        /// Of `added`, tasks deleted here before.
        var restored: Int
        var skipped: Int
        /// Of `added`, tasks the file has deleted (kept deleted).
        var deleted: Int
        /// Of `added`, tasks whose AI fields are left to `todo enrich` (or the workers).
        var queued: Int
        var recurringTemplates: Int
        var droppedFields: [String: Int]

        enum CodingKeys: String, CodingKey {
            case added, restored, skipped, deleted, queued
            case recurringTemplates = "recurring_templates"
            case droppedFields = "dropped_fields"
        }
    }

    func run() async throws {
        let batch = try ImportLines.read(file)
        guard !batch.tasks.isEmpty || batch.recurringTemplates > 0 else {
            throw CommandFailure("\(file == "-" ? "standard input" : file) holds no tasks (it is empty); nothing was imported.")
        }
        // Imported tasks missing AI fields are queued; `todo enrich` (or on PostgreSQL the workers)
        // fills them, never touching imported values. All or nothing.
        let tasks = batch.tasks
        let shared = try await store.onPostgres { try await $0.importTasks(tasks) }
        let report: TaskStore.ImportReport
        if let shared {
            report = TaskStore.ImportReport(added: shared.added.count, skipped: shared.skipped, deleted: shared.added.filter { $0.status == .deleted }.count,
                                            queued: shared.added.filter(\.queuedOnImport).count)
        } else {
            report = try storeCall { try store.open().importTasks(batch.tasks, enqueue: true, undo: commandLineForUndo) }
        }
        if json {
            Console.out(try JSONOutput.line(Output(added: report.added, restored: report.restored, skipped: report.skipped, deleted: report.deleted,
                                                   queued: report.queued, recurringTemplates: batch.recurringTemplates, droppedFields: batch.droppedFields)))
            return
        }
        Console.out("Imported \(report.added) task\(report.added == 1 ? "" : "s")"
                    + (report.deleted > 0 ? " (\(report.deleted) of them deleted, as the file has them)" : "")
                    + (report.restored > 0 ? " (\(report.restored) of them deleted here before, now restored)" : "")
                    + (report.skipped > 0 ? "; skipped \(report.skipped) already here (same uuid)" : "") + ".")
        if batch.recurringTemplates > 0 {
            Console.out("Left out \(batch.recurringTemplates) recurring template\(batch.recurringTemplates == 1 ? "" : "s") (Taskwarrior makes the tasks from them; those instances are imported).")
        }
        if !batch.droppedFields.isEmpty {
            let fields = batch.droppedFields.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) task\($0.value == 1 ? "" : "s"))" }
            Console.out("Dropped what Smart TODO has no field for: " + fields.joined(separator: ", ") + ".")
        }
        if report.queued > 0 {
            let which = report.queued == report.added ? "their AI fields" : "the AI fields of the \(report.queued) that lack them"
            Console.out(shared == nil ? "Run `todo enrich` to fill \(which)." : "The workers (`todo worker`) fill \(which).")
        }
    }
}

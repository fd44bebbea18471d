import ArgumentParser
import Foundation
import TaskService

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every task as JSON Lines: one task object per line, lossless.",
        discussion: """
        Ids, uuids, timestamps, AI provenance and deleted tasks are all kept, so \
        `todo import` restores the same tasks.

        Examples:
          todo export > backup.jsonl
          todo export --db old.sqlite | todo import - --db new.sqlite
        """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        for t in try storeCall({ try store.open().allTasks() }) { print(try JSONOutput.line(TaskOutput(t))) }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add tasks from `todo export` JSON Lines, from lines you write, or from Taskwarrior's `task export`.",
        discussion: """
        All or nothing: one bad line imports nothing and names the line and the field. A task \
        whose uuid is already here is skipped, never overwritten; ids are kept when free.

        A line needs only a "title"; every other field of `todo export` is optional. \
        Without a "uuid" a task gets a new one (importing the file twice adds it twice); \
        without "created" it is created now. "due" takes an ISO date or anything \
        `todo add --due` takes ("friday", "in 3 days"). A category, priority or tags you \
        give are yours (AI never overwrites them); the AI fills the rest.

        Examples:
          todo import backup.jsonl
          echo '{"title": "Pay rent", "due": "2026-12-01"}' | todo import -
          task export > tw.json && todo import tw.json      (Taskwarrior's JSON array)
        """
    )

    @Argument(help: "File to read; - reads standard input.")
    var file: String

    @Flag(help: "Print {\"added\": n, \"skipped\": n}.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
        guard let data else { throw CommandFailure("Cannot read \(file): no such file, or not readable.") }
        guard String(validating: data, as: UTF8.self) != nil else { throw CommandFailure("\(file) is not valid UTF-8; nothing was imported.") }
        let trimmed = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let tasks: [TodoTask]
        if trimmed.first == UInt8(ascii: "[") {
            do { tasks = try JSONDecoder().decode([TaskwarriorTask].self, from: Data(trimmed)).map { $0.task() } } catch {
                throw CommandFailure("\(file): a JSON array, but not Taskwarrior's export format (each task needs a \"description\"); nothing was imported.")
            }
        } else {
            tasks = try JSONLines.read(file == "-" ? "-" : file, data: data, as: ExportedTask.self,
                                       expected: "exported by `todo export`").map { try $0.value.task(line: $0.line, file: file) }
        }
        // Imported tasks missing AI fields are queued; `todo enrich` fills them (never touching imported values).
        let report = try storeCall { try store.open().importTasks(tasks, enqueue: true, undo: commandLineForUndo) }
        if json {
            print(try JSONOutput.line(["added": report.added, "skipped": report.skipped]))
        } else {
            print("Imported \(report.added) task\(report.added == 1 ? "" : "s")" + (report.skipped > 0 ? "; skipped \(report.skipped) already here (same uuid)" : "") + ".")
            if report.added > 0 { print("Run `todo enrich` to fill the AI fields they lack.") }
        }
    }
}

/// A line of `todo export` read back, or a line written by hand: only `title` is required.
struct ExportedTask: Decodable {
    var id: Int64?
    var uuid: String?
    var title: String
    var description: String?
    var category: String?
    var priority: String?
    var tags: [String]?
    var due: String?
    var status: String?
    var created: String?
    var updated: String?
    var completed: String?
    var provenance: [String: Provenance]?
    var removed_tags: [String]?

    struct Provenance: Decodable {
        var model: String
        var score: Double?
        var at: String
    }

    func task(line: Int, file: String, now: Date = Date()) throws -> TodoTask {
        func date(_ text: String?, _ field: String) throws -> Date? {
            guard let text else { return nil }
            guard let d = TaskOutput.parseISO(text) else { throw CommandFailure("\(file):\(line): \(field) '\(text)' is not an ISO 8601 date; nothing was imported.") }
            return d
        }
        guard !title.allSatisfy(\.isWhitespace) else { throw CommandFailure("\(file):\(line): the title is empty; nothing was imported.") }
        let uuid = try self.uuid.map { text in
            guard let uuid = UUID(uuidString: text) else { throw CommandFailure("\(file):\(line): '\(text)' is not a uuid; nothing was imported.") }
            return uuid
        } ?? UUID()
        let created = try date(created, "created") ?? now
        // An exported due date is ISO 8601; one written by hand may be anything `add --due` takes.
        let due = try self.due.map { text in
            if let d = TaskOutput.parseISO(text) { return d }
            do { return try DueDateParser().parse(text, now: now) } catch {
                throw CommandFailure("\(file):\(line): due: \(error); nothing was imported.")
            }
        }
        let p = try priority.map { value -> TodoTask.Priority in
            guard let p = TodoTask.Priority(rawValue: value) else { throw CommandFailure("\(file):\(line): unknown priority '\(value)'; nothing was imported.") }
            return p
        }
        var t = TodoTask(title: title, description: description ?? "", category: category, priority: p, tags: tags ?? [],
                         due: due, now: created)
        t.id = id
        t.uuid = uuid
        t.updated = (try date(updated, "updated") ?? created)
        t.completed = try date(completed, "completed")
        guard let s = TodoTask.Status(rawValue: status ?? "pending") else { throw CommandFailure("\(file):\(line): unknown status '\(status ?? "")'") }
        t.status = s
        t.provenance = try (provenance ?? [:]).mapValues {
            TodoTask.Provenance(model: $0.model, score: $0.score, at: try date($0.at, "provenance date") ?? created)
        }
        t.removedTags = removed_tags ?? []
        return t
    }
}

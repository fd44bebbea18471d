import ArgumentParser
import Foundation
import TaskService

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tasks, soonest due first.",
        discussion: """
        Order: due date (overdue and soonest first; no date last), then priority, then id.
        (Explainable urgency scoring will replace this order.)

        Examples:
          todo list
          todo list --status done
          todo list --category work --tag report --due-before friday --json
        """
    )

    @Option(help: "pending (default), done, or all.")
    var status: String = "pending"

    @Option(help: "Only this category (any case).")
    var category: String?

    @Option(help: "Only tasks with this tag (any case).")
    var tag: String?

    @Option(help: "Only this priority: high, medium or low.")
    var priority: String?

    @Option(help: "Only tasks due before this date.")
    var dueBefore: String?

    @Option(help: "Only tasks due after this date.")
    var dueAfter: String?

    @Flag(help: "Print one JSON array of tasks.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard ["pending", "done", "all"].contains(status) else { throw ValidationError("--status is pending, done or all.") }
        _ = try TaskArguments.priority(priority)
    }

    func run() throws {
        let before = try TaskArguments.date(dueBefore), after = try TaskArguments.date(dueAfter)
        let tasks = try storeCall {
            try store.open().tasks(status: status == "all" ? nil : TodoTask.Status(rawValue: status), category: category,
                                   priority: try TaskArguments.priority(priority),
                                   tag: tag, dueBefore: before, dueAfter: after)
        }
        let rank: [TodoTask.Priority?: Int] = [.high: 0, .medium: 1, .low: 2, nil: 3]
        let sorted = tasks.sorted {
            switch ($0.due, $1.due) {
            case let (a?, b?) where a != b: return a < b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (rank[$0.priority] ?? 3, $0.id ?? 0) < (rank[$1.priority] ?? 3, $1.id ?? 0)
            }
        }
        if json {
            print(try JSONOutput.line(sorted.map(TaskOutput.init)))
        } else if sorted.isEmpty {
            print("No tasks\(status == "pending" ? " to do" : ""). Add one with: todo add \"…\"")
        } else {
            sorted.forEach { print(TaskText.line($0)) }
        }
    }
}

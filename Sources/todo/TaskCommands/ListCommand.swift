import ArgumentParser
import Foundation
import TaskService

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tasks, most urgent first.",
        discussion: """
        Order: urgency = the priority's weight (high 2, medium 1, low 0) plus the due-date \
        terms of the priority score (overdue 2.5, within 2 days 2, within a week 1, within \
        two weeks 0.3; see `todo explain ID`), the earlier due date first among equals (the \
        longest overdue first), then id.

        Examples:
          todo list
          todo list --status done
          todo list --limit 5
          todo list --category work --tag report --due-before friday --json
        """
    )

    /// Which tasks by status.
    enum StatusChoice: String, ExpressibleByArgument, CaseIterable {
        case pending, done, all

        var status: TodoTask.Status? { self == .all ? nil : TodoTask.Status(rawValue: rawValue) }
    }

    @Option(help: "pending (default), done, or all.")
    var status: StatusChoice = .pending

    @Option(help: "Only this category (any case).")
    var category: String?

    @Option(help: "Only tasks with this tag (any case).")
    var tag: String?

    @Option(help: "Only this priority: high, medium or low.")
    var priority: String?

    @Option(parsing: .unconditional, help: "Only tasks due by this date: a day without a time counts whole (--due-before friday holds all of Friday).")
    var dueBefore: String?

    @Option(parsing: .unconditional, help: "Only tasks due after this date: after a day without a time means from the next day.")
    var dueAfter: String?

    @Option(parsing: .unconditional, help: "Show only the N most urgent (the text output says how many more match).")
    var limit: Int?

    @Flag(help: "Print one JSON array of tasks.")
    var json = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        _ = try TaskArguments.priority(priority)
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more.") }
    }

    func run() async throws {
        let filter = TaskFilter(status: status.status, category: category,
                                priority: try TaskArguments.priority(priority), tag: try tag.map { try TaskArguments.tags([$0])[0] },  // "#travel" is travel
                                dueBefore: try TaskArguments.date(dueBefore), dueAfter: try TaskArguments.date(dueAfter))
        let prioritizer = Prioritizer(coefficients: try settings.load().priority)
        let limit = self.limit
        let (shown, total) = try await store.onPostgres { try await $0.mostUrgent(filter, limit: limit, prioritizer: prioritizer) }
            ?? storeCall { try store.open(mustExist: true).mostUrgent(filter, limit: limit, prioritizer: prioritizer) }
        if json {
            Console.out(try JSONOutput.line(shown.map(TaskOutput.init)))
        } else if total == 0 {
            let filtered = !filter.selectsByStatusOnly
            // "Add one" only where adding one would show here: not when filters or --status done hide the rest.
            Console.out(filtered ? "No \(status == .all ? "" : status.rawValue + " ")tasks match these filters."
                        : status == .done ? "No done tasks." : "No tasks\(status == .pending ? " to do" : ""). Add one with: todo add \"…\"")
        } else {
            shown.forEach { Console.out(TaskText.line($0)) }
            if shown.count < total { Console.out("… and \(total - shown.count) more (without --limit: all)") }
        }
    }
}

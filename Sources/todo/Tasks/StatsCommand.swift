import ArgumentParser
import Foundation
import TaskService

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts: tasks by status, category and priority; overdue; the AI queue and cache.",
        discussion: "Examples:\n  todo stats\n  todo stats --json"
    )

    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var store: StoreOptions

    struct Output: Encodable {
        var tasks: [String: Int]
        var categories: [String: Int]
        var priorities: [String: Int]
        var overdue: Int
        var due_this_week: Int
        var ai_filled: [String: Int]
        var queue: EnrichmentQueue.Counts
        var cache: ResultCache.Statistics
    }

    func run() throws {
        let taskStore = try store.open()
        let all = try storeCall { try taskStore.tasks(status: nil) }
        let pending = all.filter { $0.status == .pending }
        let now = Date()
        func count(_ keys: [String]) -> [String: Int] { keys.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        let out = Output(
            tasks: count(all.map(\.status.rawValue)),
            categories: count(pending.map { $0.category ?? "-" }),
            priorities: count(pending.map { $0.priority?.rawValue ?? "-" }),
            overdue: pending.filter { ($0.due ?? .distantFuture) < now }.count,
            due_this_week: pending.filter { $0.due.map { $0 >= now && $0 < now.addingTimeInterval(7 * 86_400) } ?? false }.count,
            ai_filled: count(pending.flatMap { $0.provenance.keys }),
            queue: try storeCall { try EnrichmentQueue(store: taskStore).counts() },
            cache: try storeCall { try ResultCache(store: taskStore).statistics() })
        if json { Console.out(try JSONOutput.line(out)); return }
        func line(_ d: [String: Int]) -> String { d.isEmpty ? "-" : d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        Console.out("tasks       \(line(out.tasks))")
        Console.out("categories  \(line(out.categories))   (pending)")
        Console.out("priorities  \(line(out.priorities))")
        Console.out("overdue     \(out.overdue), due within 7 days \(out.due_this_week)")
        Console.out("AI-filled   \(line(out.ai_filled))")
        Console.out("queue       pending \(out.queue.pending), done \(out.queue.done), failed \(out.queue.failed)")
        Console.out("cache       \(out.cache.entries) entries, \(out.cache.bytes / 1024) KiB, \(out.cache.hits) hits")
    }
}

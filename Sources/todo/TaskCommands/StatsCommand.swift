import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts: tasks by status, category and priority; overdue; the AI queue and cache.",
        discussion: "Examples:\n  todo stats\n  todo stats --json"
    )

    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let counted = try await store.onPostgres { tasks in
            let (summary, queue) = try await tasks.summary(now: Date())
            return (summary, queue, try await PostgresResultCache(store: tasks.store).statistics())
        }
        let (summary, queue, cache) = try counted ?? {
            let taskStore = try store.open(mustExist: true)
            return try storeCall {
                (try taskStore.summary(), try EnrichmentQueue(store: taskStore).counts(), try ResultCache(store: taskStore).statistics(byOperation: false))
            }
        }()
        let out = StatsOutput(summary, queue: queue, cache: cache)
        if json { Console.out(try JSONOutput.line(out)); return }
        func line(_ d: [String: Int]) -> String { d.isEmpty ? "-" : d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        Console.out("tasks       \(line(out.statuses))")
        Console.out("categories  \(line(out.categories))   (pending)")
        Console.out("priorities  \(line(out.priorities))")
        Console.out("overdue     \(out.overdue), due within 7 days \(out.dueWithinWeek)")
        Console.out("AI-filled   \(line(out.aiFilled))")
        Console.out("queue       pending \(out.queue.pending), done \(out.queue.done), failed \(out.queue.failed)")
        Console.out("cache       \(cache.entries) entries, \(cache.bytes / 1024) KiB, \(cache.hits) hits")
    }
}

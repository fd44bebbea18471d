import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Tasks like this one: near-duplicates first.",
        discussion: """
        Cosine similarity of the tasks' embeddings (whole text, or title to title, \
        whichever is higher). Above 0.85 is usually the same task written twice.

        Examples:
          todo similar 12
          todo similar 12 --min 0.8 --json
        """
    )

    @Argument(help: "The task's id.") var id: Int64
    @Option(parsing: .unconditional, help: "How many.") var limit = 5
    @Option(parsing: .unconditional, help: "Lowest similarity shown (0–1).") var min: Float = 0.5
    @Flag(help: "Include done tasks.") var all = false
    @Flag(help: "Print a JSON array of {similarity, task}.") var json = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be 1 or more.") }
        guard (0...1).contains(min) else { throw ValidationError("--min is between 0 and 1.") }
    }

    struct Output: Encodable {
        var similarity: Float
        var task: TaskOutput
    }

    func run() async throws {
        _ = try engine.applyThreads()
        let (id, limit, min, all) = (id, limit, min, all)
        let loaded = try settings.load()
        let shared = try await store.onPostgres { tasks in
            _ = try await tasks.task(id: id)  // another account's or no task: "no task ID"
            return try await AccountSearchIndex.with(tasks, settings: loaded) { held, _ in
                try held.similar(to: id, limit: limit, minimum: min, includeDone: all)
            }
        }
        let hits = try shared ?? {
            let session = try EnrichmentSession(store: store, settings: settings)
            return try enrichmentCall {
                try TaskSearch(embeddings: session.enricher.searchEmbeddings())
                    .similar(to: id, limit: limit, minimum: min, includeDone: all, progress: ProgressLine("indexing tasks", quietFor: 1).update)
            }
        }()
        if json {
            Console.out(try JSONOutput.line(hits.map { Output(similarity: $0.similarity, task: TaskOutput($0.task)) }))
        } else if hits.isEmpty {
            Console.out("No task is similar to \(id) above \(min).")
        } else {
            for h in hits { Console.out(String(format: "%5.2f  ", h.similarity) + TaskText.line(h.task) + (h.similarity >= 0.85 ? "  (near-duplicate)" : "")) }
        }
    }
}

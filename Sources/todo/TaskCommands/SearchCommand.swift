import ArgumentParser
import Foundation
import Inference
import TaskPostgres
import TaskService

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find tasks by meaning and by words.",
        discussion: """
        Ranks tasks by the cosine similarity of the query's embedding with the task's \
        whole text, title and tags (the tags weigh most, the first of them most), plus \
        0.15 × the share of the query's word stems that start a word of the task \
        (case-insensitive): a query needs no word in common with a task to find it. \
        The embedding is enrichment's model's (all-MiniLM-L6-v2, or --model), unless \
        search has its own: --search-model all-mpnet-base-v2, or {"search": {"model": \
        "all-mpnet-base-v2"}} in the settings file, searches with the bigger model while \
        enrichment keeps the quick one (its vectors are made by the next search, or \
        `todo enrich`, not by `todo add`). Life-area topics are off by \
        default (on labelled sets written by others they lowered recall); to turn them \
        on, set "topicWeight" in the settings file (--config), e.g. {"search": \
        {"topicWeight": 0.3, "addedTopics": [{"name": "lab work", "examples": ["Run \
        the western blot", "Order pipette tips"]}]}}: the 300 best then gain up to \
        that weight when they and the query are about the same life area, and the \
        output names the topic when it added 0.1 or more. A few tasks added or edited since the last search are \
        embedded first (up to 64, of up to 2,000 characters); more, or longer texts, wait \
        for `todo enrich` (or a running `todo enrich --watch`), and the search says how \
        many it could not look at yet.

        Results scoring below --min-score (0.15) are not shown: unrelated tasks score \
        about 0–0.15 (though letters that make no word, such as "zzqq" or "asdfgh", may still \
        score 0.2–0.25 with a task or two), and on our three evaluation sets every relevant task in a top 10 \
        scored above 0.15. The output says how many were left out; --min-score 0 shows \
        every result, however weak (scores can be negative).

        Examples:
          todo search "passport renewal"
          todo search "getting reimbursed" --limit 5 --json
          todo search "newborn" --all        (done tasks too)
          todo search "taxes" --min-score 0  (the closest tasks, however weak)
          todo search "health stuff" --search-model all-mpnet-base-v2
        """
    )

    @Argument(help: "What to look for.")
    var query: String

    @Option(parsing: .unconditional, help: "How many results.")
    var limit: Int = 10

    @Flag(help: "Include done tasks.")
    var all = false

    @Option(name: .customLong("min-score"), parsing: .unconditional, help: "Leave out results scoring below this (0 shows every result).")
    var minScore: Float = 0.15

    @Flag(help: "Print a JSON array of {score, similarity, keyword_share, topic, task}.")
    var json = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be 1 or more.") }
        guard minScore.isFinite else { throw ValidationError("--min-score must be a number.") }
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("The query is empty.") }
    }

    /// Said on standard error when some tasks could not be searched yet.
    static func notIndexedNote(_ count: Int, readOnly: Bool = false, onPostgres: Bool = false) -> String {
        let tasks = count == 1 ? "1 task is" : "\(count) tasks are"
        if onPostgres { return "note: \(tasks) not searchable yet (new or long texts): the workers (`todo worker`) index them as they enrich them" }
        return readOnly ? "note: \(tasks) not in the search index, and this read-only database cannot take them in"
            : "note: \(tasks) not searchable yet (new or long texts): `todo enrich`, or a running `todo enrich --watch`, indexes them"
    }

    func run() async throws {
        _ = try engine.applyThreads()
        let (query, limit, all) = (query, limit, all)
        let loaded = try settings.load()
        let shared = try await store.onPostgres { tasks in
            try await AccountSearchIndex.with(tasks, settings: loaded) { held, ranking in
                let topics = ranking.usesTopics ? try held.topicBridge(ranking.topics) : nil
                return TaskSearch.Results(hits: try held.search(query, ranking: ranking, topics: topics, limit: limit, includeDone: all), notIndexed: held.notIndexed)
            }
        }
        let results: TaskSearch.Results
        if let shared {
            results = shared
            if results.notIndexed > 0 { Console.error(Self.notIndexedNote(results.notIndexed, onPostgres: true)) }
        } else {
            let session = try EnrichmentSession(store: store, settings: settings)
            // The model loads only if something is not cached yet (a new task's text, a new query).
            results = try enrichmentCall {
                try TaskSearch(embeddings: session.enricher.searchEmbeddings(), settings: session.enricher.settings.search)
                    .results(query, limit: limit, includeDone: all, progress: ProgressLine("indexing tasks", quietFor: 1).update)
            }
            if results.notIndexed > 0 { Console.error(Self.notIndexedNote(results.notIndexed, readOnly: session.store.isReadOnly)) }
        }
        let ranked = results.hits
        let hits = minScore > 0 ? ranked.filter { $0.score >= minScore } : ranked
        if json {
            Console.out(try JSONOutput.line(hits.map(SearchHitOutput.init)))
        } else if ranked.isEmpty {
            Console.out(all ? "No tasks to search." : "No pending tasks to search (--all searches done ones too).")
        } else if hits.isEmpty {
            Console.out(String(format: "No task matches well: the closest scores %.2f, below --min-score %.2f (--min-score 0 shows it).", ranked[0].score, minScore))
        } else {
            for h in hits {
                // Say why a task that may share no word with the query is here.
                let via = h.topic.map { "  (topic: \($0))" } ?? ""
                Console.out(String(format: "%5.2f  ", h.score) + TaskText.line(h.task) + via)
            }
            let weaker = ranked.count - hits.count
            if weaker > 0 {
                Console.out(String(format: "(%d weaker result%@ below %.2f left out; --min-score 0 shows %@)", weaker, weaker == 1 ? "" : "s", minScore, weaker == 1 ? "it" : "them"))
            }
        }
    }
}

import ArgumentParser
import Foundation
import TaskService

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the AI against labelled tasks: category, priority, tags and search.",
        discussion: """
        Imports the tasks into a temporary database using only title, description and \
        due_in_days (days from now), enriches them, and compares with the labels. Your \
        own task database is not touched.

        Lines of the files:
          TASKS.jsonl    {"id", "title", "description", "due_in_days", "category", "priority", "tags"}
          QUERIES.jsonl  {"query", "relevant": [task ids]}

        Measures: category and priority accuracy (exact label), tag overlap (share of \
        tasks with at least one expected tag among ours, lowercased and singular), \
        search recall@5 (mean of |top 5 ∩ relevant| / min(5, |relevant|)).

        Examples:
          todo eval ../shared/data/tasks_dev.jsonl --search ../shared/data/search_dev.jsonl
          todo eval tasks.jsonl --json --misses
        """
    )

    @Argument(help: "Labelled tasks, JSON Lines.") var tasks: String
    @Option(help: "Search queries with relevant task ids, JSON Lines.") var search: String?
    @Flag(help: "List every wrong answer.") var misses = false
    @Flag(help: "Print progress lines, then one JSON object as the last line.") var json = false
    @OptionGroup var engine: EngineOptions
    @OptionGroup var settings: SettingsOptions

    func run() throws {
        _ = try engine.applyThreads()
        let labelled = try JSONLines.read(tasks, as: Evaluation.LabelledTask.self,
                                          expected: "{\"id\", \"title\", \"description\", \"due_in_days\", \"category\", \"priority\", \"tags\"}").map(\.value)
        guard !labelled.isEmpty else { throw CommandFailure("\(tasks) holds no tasks.") }
        let queries = try search.map { try JSONLines.read($0, as: Evaluation.Query.self, expected: "{\"query\", \"relevant\": [ids]}").map(\.value) } ?? []
        let evaluation = Evaluation(settings: try settings.load(), models: ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory))
        let progress = ProgressLine("evaluating")
        let (report, wrong) = try enrichmentCall {
            try evaluation.run(tasks: labelled, queries: queries, progress: progress.show)
        }
        if misses {
            for m in wrong { Console.out("\(m.id)  \(m.field): expected \(m.expected), got \(m.got)  — \(m.title)") }
        }
        if json {
            Console.out(try JSONOutput.line(report))
        } else {
            // Three decimals: a recall of 0.846 must not read as 0.85.
            func pct(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
            Console.out("tasks \(report.tasks), queries \(report.queries), \(String(format: "%.1f", report.seconds)) s")
            Console.out("category accuracy   \(pct(report.category_accuracy))")
            Console.out("priority accuracy   \(pct(report.priority_accuracy))")
            Console.out("tag overlap         \(pct(report.tag_overlap))")
            Console.out("tag precision       \(pct(report.tag_precision))")
            Console.out("search recall@5     \(pct(report.search_recall_at_5))")
        }
    }
}

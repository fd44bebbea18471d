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
        tasks with at least one expected tag among ours, lowercased and singular), tag \
        precision (share of our tags that are expected), search recall@5 (mean of \
        |top 5 ∩ relevant| / min(5, |relevant|)), and two plain baselines with the same \
        model: the cosine of the query with title + description, and the mean of that \
        and the cosine with the title.

        --report measures every set of a folder (tasks_NAME.jsonl with search_NAME.jsonl \
        beside it) with every installed embedding model, or those --model names, and \
        prints Markdown tables: every set and model, the sets of a subfolder holding \
        several (Tools/eval/bank, each measured left out of the banks; Tools/eval/fresh) \
        as their mean (the README's quality table); then each of those sets; then \
        search's recall with each of its terms left out.

        --tag-candidates FILE measures nothing: it writes each labelled task's tag \
        candidates, what the learned tag ranking reads of each and whether the labels \
        have it, one task a line: the rows Tools/eval/fit_tag_ranking.py fits it on.

        Examples:
          todo eval Tools/eval/dev/tasks_dev.jsonl --search Tools/eval/dev/search_dev.jsonl
          todo eval tasks.jsonl --json --misses --model all-mpnet-base-v2
          todo eval --report --sets Tools/eval
        """
    )

    @Argument(help: "Labelled tasks, JSON Lines.") var tasks: String?
    @Option(help: "Search queries with relevant task ids, JSON Lines.") var search: String?
    @Flag(help: "List every wrong answer.") var misses = false
    @Flag(help: "Print progress lines, then one JSON object as the last line.") var json = false
    @Flag(help: "Measure every set of --sets with every installed embedding model (or --model); print a Markdown table.") var report = false
    @Option(help: ArgumentHelp("The folder of labelled sets for --report.", valueName: "folder")) var sets = "Tools/eval"
    @Option(help: ArgumentHelp("Write the tasks' tag candidates, with features and labels, to this JSON Lines file; measure nothing.",
                               valueName: "file")) var tagCandidates: String?
    @OptionGroup var engine: EngineOptions
    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        if report {
            guard tasks == nil, search == nil else { throw ValidationError("--report reads the sets of --sets; leave out TASKS and --search.") }
            guard !misses else { throw ValidationError("--report prints no misses: the blind set's stay unseen. Run one set with --misses.") }
            guard tagCandidates == nil else { throw ValidationError("--tag-candidates writes one set's candidates; name its TASKS instead of --report.") }
        } else if tasks == nil {
            throw ValidationError("Name the labelled tasks (TASKS.jsonl), or use --report.")
        }
        if tagCandidates != nil, search != nil || misses || json {
            throw ValidationError("--tag-candidates measures nothing; leave out --search, --misses and --json.")
        }
    }

    func run() throws {
        _ = try engine.applyThreads()
        let loaded = try settings.load()
        if report { return try runReport(loaded) }
        let (labelled, queries) = try Self.read(tasks: tasks!, queries: search)
        if let out = tagCandidates { return try writeCandidates(labelled, settings: loaded, to: out) }
        let (result, wrong) = try Self.evaluate(labelled, queries, settings: loaded, model: loaded.model)
        if misses {
            for m in wrong { Console.out("\(m.id)  \(m.field): expected \(m.expected), got \(m.got)  — \(m.title)") }
        }
        if json {
            Console.out(try JSONOutput.line(result))
        } else {
            // Three decimals: a recall of 0.846 must not read as 0.85.
            func pct(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
            Console.out("tasks \(result.tasks), queries \(result.queries), \(result.model), \(String(format: "%.1f", result.seconds)) s")
            if !result.leftOutOfBank.isEmpty {
                Console.out("measured without labelled set \(result.leftOutOfBank.joined(separator: ", ")), which holds these tasks")
            }
            Console.out("category accuracy   \(pct(result.categoryAccuracy))")
            Console.out("priority accuracy   \(pct(result.priorityAccuracy))")
            Console.out("tag overlap         \(pct(result.tagOverlap))")
            Console.out("tag precision       \(pct(result.tagPrecision))")
            Console.out("search recall@5     \(pct(result.searchRecallAt5))")
            Console.out("plain recall@5      \(pct(result.plainRecallAt5))  (cosine with title + description)")
            Console.out("plain title-mean    \(pct(result.plainTitleMeanRecallAt5))  (mean of that and the cosine with the title)")
        }
    }

    private func writeCandidates(_ labelled: [Evaluation.LabelledTask], settings loaded: EnrichmentSettings, to path: String) throws {
        let evaluation = Evaluation(settings: loaded, models: ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: loaded.model))
        let rows = try enrichmentCall { try evaluation.tagCandidates(tasks: labelled) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for row in rows { data += try encoder.encode(row) + Data("\n".utf8) }
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CommandFailure("Cannot write \(path): \(error.localizedDescription)")
        }
        Console.error("wrote the tag candidates of \(rows.count) tasks (\(rows.reduce(0) { $0 + $1.candidates.count }) candidates) to \(path)")
    }

    private func runReport(_ loaded: EnrichmentSettings) throws {
        let labelledSets = try EvalReport.sets(in: URL(fileURLWithPath: sets))
        let models = settings.model.map { [$0] } ?? ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory).embeddingModels()
        guard !models.isEmpty else { throw CommandFailure("No embedding model is installed: `bash Tools/fetch-weights.sh`.") }
        var rows: [EvalReport.Row] = []
        for model in models {
            for set in labelledSets {
                Console.error("\(set.name) with \(model)")
                let (labelled, queries) = try Self.read(tasks: set.tasks.path, queries: set.queries?.path)
                rows.append(EvalReport.Row(set: set.name, group: set.group, report: try Self.evaluate(labelled, queries, settings: loaded, model: model).report))
            }
        }
        let order = { (row: EvalReport.Row) in
            (labelledSets.firstIndex { $0.name == row.set } ?? 0, models.firstIndex(of: row.report.model) ?? 0)
        }
        for line in EvalReport.markdown(rows.sorted { order($0) < order($1) }).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            Console.out(String(line))
        }
    }

    static func read(tasks: String, queries: String?) throws -> ([Evaluation.LabelledTask], [Evaluation.Query]) {
        let labelled = try JSONLines.read(tasks, as: Evaluation.LabelledTask.self,
                                          expected: "{\"id\", \"title\", \"description\", \"due_in_days\", \"category\", \"priority\", \"tags\"}").map(\.value)
        guard !labelled.isEmpty else { throw CommandFailure("\(tasks) holds no tasks.") }
        let asked = try queries.map { try JSONLines.read($0, as: Evaluation.Query.self, expected: "{\"query\", \"relevant\": [ids]}").map(\.value) } ?? []
        return (labelled, asked)
    }

    static func evaluate(_ tasks: [Evaluation.LabelledTask], _ queries: [Evaluation.Query], settings: EnrichmentSettings,
                         model: String) throws -> (report: Evaluation.Report, misses: [Evaluation.Miss]) {
        let evaluation = Evaluation(settings: settings, models: ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: model))
        let progress = ProgressLine("evaluating")
        return try enrichmentCall { try evaluation.run(tasks: tasks, queries: queries, progress: progress.show) }
    }
}

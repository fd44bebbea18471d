import ArgumentParser
import Foundation
import Logging
import TaskPostgres
import TaskService

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why a task has its priority (the urgency score, term by term), its category and its tags.",
        discussion: """
        priority = high when the sum reaches 2, medium from 1, else low. Terms: due date \
        (overdue 2.5, within 2 days 2, within a week 1, within 2 weeks 0.3), urgency in \
        the text (+2: a cue word or an urgent-sounding clause), minor task (−1 for a \
        pressing but small chore), age (0.02 per day, up to 0.5), lead \
        time (+1 when the text says to act ahead). Coefficients live in the settings \
        file (docs/ai-design.md has each default and why).

        Category: every category's score, best first — by nearest example tasks, the \
        category's description and cue words, or by the NLI model's entailment when one \
        is installed. Set a category yourself and the task becomes an example for the \
        next ones.

        Tags: each suggested tag, most relevant first, with its relevance and every term of it: the \
        similarity to the task, the settings' titleBonus for a phrase of the title, knownTagBonus for one \
        of your tags, lengthPenalty per word beyond the first, neighbourWeight times the share of the \
        labelled tasks like this one that have it, filedTagBonus for a tag people file by (one of the \
        built-in labelled tasks'), and the learned ranking's term (learnedWeight times its log-odds that \
        people would file the task under it). Where it came from: the title, the description, the \
        built-in common tags, your tags, or the labelled tasks most like this one.

        Examples:
          todo explain 12
          todo explain 12 --json
        """
    )

    @Argument(help: "The task's id.") var id: Int64
    @Flag(help: "Print {terms, score, priority, stored_priority, set_by, category: {category, stored_category, set_by, method, scores}, tags: {tags, set_by, suggested: [{tag, relevance, source, filed, learned, similarity, support, words}]}} as JSON.")
    var json = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func run() async throws {
        _ = try engine.applyThreads()
        let (id, loaded) = (id, try settings.load())
        let (task, explanation): (TodoTask, EnrichmentEngine.Explanation)
        if let shared = try await store.onPostgres({ tasks in
            // The account's engine: its own habits, the shared cache (as a worker decides).
            let task = try await tasks.task(id: id)
            let models = ModelRegistry(weightsDirectory: DefaultPaths.weightsDirectory, embeddingModel: loaded.model)
            let worker = PostgresWorker(store: tasks.store, settings: loaded, models: models,
                                        logger: Logger(label: "todo-explain", factory: { _ in SwiftLogNoOpLogHandler() }))
            let engine = worker.engine(for: tasks.account.id)
            return (task, try await onBlockingThread { try engine.explain(task) })
        }) {
            (task, explanation) = shared
        } else {
            let session = try EnrichmentSession(store: store, settings: settings)
            task = try storeCall { try session.store.task(id: id) }
            explanation = try enrichmentCall { try session.enricher.explain(task) }
        }
        let (e, c, tags) = (explanation.priority, explanation.category, explanation.tags)
        if json {
            Console.out(try JSONOutput.line(ExplanationOutput(task, explanation)))
            return
        }
        Console.out("Task \(id): \(TaskText.oneLine(task.title))")
        Console.out("Priority (urgency score, term by term):")
        if e.terms.isEmpty {
            // A date beyond two weeks adds nothing: "no date" would then contradict the task's own due date.
            Console.out("  no term applies (\(task.due == nil ? "no date" : "due in more than two weeks"), nothing urgent in the text)")
        }
        for term in e.terms {
            let value = term.value == 1 ? "" : String(format: " × %.2f", term.value)
            Console.out(String(format: "  %+6.2f  ", term.contribution) + "\(term.name)\(value)  — \(term.why)")
        }
        Console.out(String(format: "  ------\n  %+6.2f  → %@", e.score, e.priority.rawValue))
        switch task.setBy(.priority) {
        case .user where task.priority != e.priority: Console.out("  (you set it to \(task.priority!.rawValue); yours is kept)")
        case .ai where task.priority != e.priority: Console.out("  (stored: \(task.priority?.rawValue ?? "-"), scored earlier; `todo enrich \(id)` updates it)")
        default: break
        }
        printCategory(c, task: task, setBy: task.setBy(.category))
        printTags(tags, task: task, setBy: task.setBy(.tags), settings: loaded.tags)
    }

    private func printTags(_ suggested: [TagExplanation], task: TodoTask, setBy: TodoTask.SetBy, settings: TagSettings) {
        Console.out("Tags: " + (task.tags.isEmpty ? "none" : task.tags.map { "#" + TaskText.oneLine($0) }.joined(separator: " ")) + " (set by \(setBy.rawValue))")
        if suggested.isEmpty { Console.out("  the AI suggests none (no phrase or common tag is close enough)") }
        if setBy == .user && !suggested.isEmpty { Console.out("  the AI would suggest (not applied: yours are kept):") }
        let width = min(24, suggested.map(\.tag.count).max() ?? 0)
        // Most relevant first: the stored order (and --json's) is the order the tags were picked in.
        for t in suggested.enumerated().sorted(by: { ($1.element.relevance, $0.offset) < ($0.element.relevance, $1.offset) }).map(\.element) {
            let from: String
            switch t.source {
            case .title: from = "a phrase of the title" + String(format: " (+%.2g)", settings.titleBonus)
            case .description: from = "a phrase of the description"
            case .lexicon: from = "a common tag the text does not say"
            case .yours: from = "one of your tags" + String(format: " (+%.2g)", settings.knownTagBonus)
            case .similarTasks: from = "a tag of labelled tasks like this one"
            }
            // Every term of the relevance, so the figure adds up.
            var terms = [String(format: "similarity %.2f", t.similarity), from]
            if t.words > 1 { terms.append(String(format: "%d words (%+.2g)", t.words, -settings.lengthPenalty * Double(t.words - 1))) }
            if t.support > 0 {
                terms.append(String(format: "on %.0f%% of the labelled tasks like it (%+.2f)", t.support * 100, settings.neighbourWeight * t.support))
            }
            if t.filed { terms.append(String(format: "people file by it (+%.2g)", settings.filedTagBonus)) }
            terms.append(String(format: "learned ranking %+.2f", t.learned))
            Console.out(String(format: "  %5.2f  ", t.relevance) + TaskText.oneLine(t.tag).padded(to: width) + "  " + terms.joined(separator: "; "))
        }
        if setBy != .user, let weakest = suggested.filter({ task.tags.contains($0.tag) }).min(by: { $0.relevance < $1.relevance })?.tag ?? task.tags.last {
            let quoted = weakest.contains(" ") ? "\"\(weakest)\"" : weakest
            Console.out("  (`todo edit \(id) --remove-tag \(quoted)` drops one for good; --tag replaces them all)")
        }
    }

    private func printCategory(_ c: CategoryExplanation, task: TodoTask, setBy: TodoTask.SetBy) {
        let how = c.byZeroShot ? "by the NLI model's entailment" : "by nearest example tasks, description and cue words"
        Console.out("Category: \(c.category ?? Enricher.uncategorized) (\(how))")
        if c.scores.isEmpty {
            Console.out("  no word to go on: no category is guessed")
        } else {
            Console.out("  " + c.scores.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: " · "))
        }
        let stored = task.category.map(TaskText.oneLine) ?? "-"
        if setBy == .user {
            if stored != (c.category ?? Enricher.uncategorized) { Console.out("  (you set it to \(stored); yours is kept)") }
        } else {
            Console.out("  (`todo edit \(id) --category NAME` sets it; your categorized tasks become examples for the next ones)")
        }
    }
}

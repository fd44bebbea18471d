import ArgumentParser
import Foundation
import TaskService

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why a task has its priority (the urgency score, term by term) and its category.",
        discussion: """
        priority = high when the sum reaches 2, medium from 1, else low. Terms: due date \
        (overdue 2.5, within 2 days 2, within a week 1, within 2 weeks 0.3), urgency in \
        the text (+2: a cue word or an urgent-sounding clause), minor task (−1 for a \
        pressing but small chore), no rush (−1), age (0.02 per day, up to 0.5), lead \
        time (+1 when the text says to act ahead). Coefficients live in the settings \
        file (see README, "Priority").

        Category: every category's score, best first — by nearest example tasks, the \
        category's description and cue words, or by the NLI model's entailment when one \
        is installed. Set a category yourself and the task becomes an example for the \
        next ones.

        Examples:
          todo explain 12
          todo explain 12 --json
        """
    )

    @Argument(help: "The task's id.") var id: Int64
    @Flag(help: "Print {terms, score, priority, stored_priority, set_by, category: {category, stored_category, set_by, method, scores}} as JSON.")
    var json = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    struct Output: Encodable {
        var terms: [Term]
        var score: Double
        var priority: String
        var stored_priority: String?
        var set_by: String
        var category: Category

        struct Category: Encodable {
            var category: String?
            var stored_category: String?
            var set_by: String
            var method: String
            var scores: [Score]
        }

        struct Score: Encodable {
            var name: String
            var score: Double
        }

        struct Term: Encodable {
            var name: String
            var coefficient: Double
            var value: Double
            var contribution: Double
            var why: String
        }
    }

    func run() throws {
        _ = try engine.applyThreads()
        let session = try EnrichmentSession(store: store, settings: settings)
        let task = try storeCall { try session.store.task(id: id) }
        let (e, c) = try enrichmentCall { try session.enricher.explain(task) }
        // Who set a field: nobody yet, the user (kept whatever the AI says) or the AI.
        func setBy(_ field: String, present: Bool) -> String { !present ? "nobody yet" : task.isUserSet(field) ? "you" : "AI" }
        let prioritySetBy = setBy("priority", present: task.priority != nil)
        let categorySetBy = setBy("category", present: task.category != nil)
        let method = c.byZeroShot ? "zero-shot" : "examples"
        if json {
            let category = Output.Category(category: c.category, stored_category: task.category, set_by: categorySetBy, method: method,
                                           scores: c.scores.map { .init(name: $0.name, score: $0.score) })
            print(try JSONOutput.line(Output(terms: e.terms.map { .init(name: $0.name, coefficient: $0.coefficient, value: $0.value, contribution: $0.contribution, why: $0.why) },
                                             score: e.score, priority: e.priority.rawValue, stored_priority: task.priority?.rawValue, set_by: prioritySetBy,
                                             category: category)))
            return
        }
        print("Task \(id): \(TaskText.oneLine(task.title))")
        print("Priority (urgency score, term by term):")
        if e.terms.isEmpty { print("  no term applies (no date, nothing urgent in the text)") }
        for term in e.terms {
            let value = term.value == 1 ? "" : String(format: " × %.2f", term.value)
            print(String(format: "  %+6.2f  ", term.contribution) + "\(term.name)\(value)  — \(term.why)")
        }
        print(String(format: "  ------\n  %+6.2f  → %@", e.score, e.priority.rawValue))
        switch prioritySetBy {
        case "you" where task.priority != e.priority: print("  (you set it to \(task.priority!.rawValue); yours is kept)")
        case "AI" where task.priority != e.priority: print("  (stored: \(task.priority!.rawValue), scored earlier; `todo enrich \(id)` updates it)")
        default: break
        }
        printCategory(c, task: task, setBy: categorySetBy)
    }

    private func printCategory(_ c: CategoryExplanation, task: TodoTask, setBy: String) {
        let how = c.byZeroShot ? "by the NLI model's entailment" : "by nearest example tasks, description and cue words"
        print("Category: \(c.category ?? Enricher.uncategorized) (\(how))")
        if c.scores.isEmpty {
            print("  no word to go on: no category is guessed")
        } else {
            print("  " + c.scores.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: " · "))
        }
        let stored = task.category.map(TaskText.oneLine) ?? "-"
        if setBy == "you" {
            if stored != (c.category ?? Enricher.uncategorized) { print("  (you set it to \(stored); yours is kept)") }
        } else {
            print("  (`todo edit \(id) --category NAME` sets it; your categorized tasks become examples for the next ones)")
        }
    }
}

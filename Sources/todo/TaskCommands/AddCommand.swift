import ArgumentParser
import Foundation
import Inference
import TaskService

struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a task. It is stored at once; nothing you give is ever changed by the AI.",
        discussion: """
        Fields you leave out (category, priority, tags) are filled by the AI right away \
        when the model is installed (a few tens of milliseconds), else queued for \
        `todo enrich`. A model too large for that (all-mpnet-base-v2) fills them in the \
        background a moment later (`todo enrich --watch --idle-exit`), unless --wait. \
        Results are cached by content, so a repeated task costs nothing.

        Dates: 2026-12-01, "dec 1", "1 December 2027", today, tomorrow (tmrw), "the day \
        after tomorrow", friday (the next one), "this friday" (today on a Friday), "next friday" \
        (next week's), "next week" (its Monday), "next month" (its 1st), "in 3 days", "in a week", \
        +2w, +1m, +1y, eom (end of the month), and for something already late yesterday, "3 days ago" \
        or --due=-3d; any of them may end with a time: "2026-12-01 17:00", "tomorrow 9am", "friday \
        at 5:30pm", "friday midnight" (its end). A time alone ("5pm") is its next occurrence; "in 3 \
        hours" or +90min count from now; without a time, a date is due at the end of its day. \
        1/2 is refused: day or month first is anyone's guess. The date as understood is printed back. Without --due, a \
        deadline the title states ("by friday", "before dec 1", "due in 3 days", "tomorrow \
        at 9am", "by 5pm") sets it, and the output says so; `todo edit ID --no-due` removes it.

        Examples:
          todo add "Renew passport" --due friday --priority high --tag travel
          todo add "Quarterly review notes" --description - < notes.txt
          todo add "Pay rent" --due +3d --category Finance --json
          todo add "Send the invoice to Acme by friday"
        """
    )

    @Argument(help: "The task's title.")
    var title: String

    @Option(help: "Longer text; - reads it from standard input (never truncated).")
    var description: String?

    @Option(parsing: .unconditional, help: "Due date (see above).")
    var due: String?

    @Option(help: "Category, e.g. Work, Personal, Learning, Health, Shopping, Finance.")
    var category: String?

    @Option(help: "high, medium or low.")
    var priority: String?

    @Option(name: .customLong("tag"), help: "A tag (repeat for more).")
    var tags: [String] = []

    @Flag(help: "Store the task and queue its AI fields for `todo enrich` instead of computing them now.")
    var async = false

    @Flag(help: "Fill the AI fields before returning, even with a model that fills them in the background.")
    var wait = false

    @Flag(help: "Print the stored task as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("The title is empty; give the task a title, e.g. todo add \"Buy milk\".")
        }
        _ = try TaskArguments.priority(priority)
        _ = try TaskArguments.category(category)
        _ = try TaskArguments.tags(tags)
        if async && wait { throw ValidationError("--async queues the AI fields and --wait waits for them; give one of them.") }
    }

    func run() async throws {
        var dueDate = try TaskArguments.date(due)
        let fromTitle = due == nil ? TitleDeadline.read(in: title) : (deadline: nil, unreadable: nil)
        let stated = fromTitle.deadline
        if let stated { dueDate = stated.date }
        if let unreadable = fromTitle.unreadable {
            Console.error("note: “\(unreadable.phrase)” in the title names no date (\(unreadable.reason)), so no due date was set; give one with --due")
        }
        let text = try TaskArguments.description(description, action: "nothing was stored") ?? ""
        let task = TodoTask(title: title.trimmingCharacters(in: .whitespacesAndNewlines), description: text,
                            category: try TaskArguments.category(category).map { try settings.load().categoryName($0) }, priority: try TaskArguments.priority(priority),
                            tags: try TaskArguments.tags(tags), due: dueDate)
        var stored: TodoTask
        if let shared = try await store.onPostgres({ try await $0.add(task) }) {
            // With its job, in one transaction; the workers (`todo worker`, the replicas) fill the AI fields.
            stored = shared
            Console.error(StoreOptions.queuedForWorkers)
        } else {
            let session = try EnrichmentSession(store: store, settings: settings, creating: true, quick: true)
            // Stored first, with its enrichment job, in one transaction: nothing after this can lose it.
            stored = try storeCall { try session.store.add(task, enqueue: true, undo: commandLineForUndo) }
            if let enriched = enrichInline(stored, session: session) { stored = enriched }
        }
        if json {
            Console.out(try JSONOutput.line(TaskOutput(stored)))
        } else {
            let source = stated.map { " (from “\($0.phrase)” in the title)" } ?? ""
            Console.out("Added task \(stored.id ?? 0): \(TaskText.oneLine(stored.title))" + (stored.due.map { " — due \(TaskText.dueText($0))" + source } ?? ""))
            if let summary = TaskText.aiSummary(stored) { Console.out("  " + summary) }
        }
    }

    /// Longest text enriched inline (about 30 windows, ~1.5 s); longer ones wait for `todo enrich`.
    static let inlineBudget = 20_000
    /// The same with an NLI model installed: each window of the text runs once per category
    /// through it (bart-large-mnli: ~1 s a window), so only about two windows are inline.
    static let inlineBudgetWithNLI = 2_000

    /// The task is already stored with a pending job; enrichment now is a bonus and never a reason to fail.
    private func enrichInline(_ task: TodoTask, session: EnrichmentSession) -> TodoTask? {
        if async {
            Console.error("note: AI fields queued; run `todo enrich` to fill them")
            return nil
        }
        let nli = session.enricher.models.zeroShotDirectory() != nil
        let budget = nli ? Self.inlineBudgetWithNLI : Self.inlineBudget
        guard task.title.count + task.description.count <= budget else {
            Console.error("note: the text is long" + (nli ? " for the installed NLI model" : "")
                       + ", so its AI fields are queued (whole, never cut); run `todo enrich`, or keep `todo enrich --watch` running")
            return nil
        }
        guard session.modelInstalled else {
            Console.error("note: no embedding model installed, so AI fields are queued; \(session.fetchHint)")
            return nil
        }
        if !wait && !session.enricher.models.enrichesInline {
            Console.error(BackgroundEnrichment.run(task.id!, session: session, settings: settings))  // its job is queued already
            return nil
        }
        KeptToExit.keep(session.enricher.models)
        do {
            _ = try engine.applyThreads()
            let report = try session.runPending(taskID: task.id!, quiet: true)
            session.enricher.engine.lastContext.map(KeptToExit.keep)
            if let error = report.errors.first { Console.error("note: the task is stored, but enriching it failed (\(error)); it will be retried by `todo enrich`") }
            let enriched = try session.store.task(id: task.id!)
            session.finishLeftovers(maxTextLength: budget)
            return enriched
        } catch {
            Console.error("note: the task is stored, but enriching it failed (\(error)); it stays queued for `todo enrich`")
            return nil
        }
    }
}

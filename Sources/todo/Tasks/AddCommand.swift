import ArgumentParser
import Foundation
import Inference
import TaskService

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a task. It is stored at once; nothing you give is ever changed by the AI.",
        discussion: """
        Dates: 2026-12-01, "2026-12-01 17:00", today, tomorrow, friday (the next one),
        "in 3 days", +2w, +1m. The date as understood is printed back.

        Examples:
          todo add "Renew passport" --due friday --priority high --tag travel
          todo add "Quarterly review notes" --description - < notes.txt
          todo add "Pay rent" --due +3d --category Finance --json
        """
    )

    @Argument(help: "The task's title.")
    var title: String

    @Option(help: "Longer text; - reads it from standard input (never truncated).")
    var description: String?

    @Option(help: "Due date (see above).")
    var due: String?

    @Option(help: "Category, e.g. Work, Personal, Learning, Health, Shopping, Finance.")
    var category: String?

    @Option(help: "high, medium or low.")
    var priority: String?

    @Option(name: .customLong("tag"), help: "A tag (repeat for more).")
    var tags: [String] = []

    @Flag(help: "Print the stored task as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("The title is empty; give the task a title, e.g. todo add \"Buy milk\".")
        }
        _ = try TaskArguments.priority(priority)
        if tags.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("A --tag is empty.") }
    }

    func run() throws {
        let dueDate = try TaskArguments.date(due)
        let text = try description.map(readDescription) ?? ""
        let task = TodoTask(title: title.trimmingCharacters(in: .whitespacesAndNewlines), description: text,
                            category: category, priority: try TaskArguments.priority(priority),
                            tags: tags.map { $0.trimmingCharacters(in: .whitespaces) }, due: dueDate)
        let taskStore = try store.open()
        let stored = try storeCall { try taskStore.add(task) }
        embedForSearch(taskStore, textLength: stored.title.count + stored.description.count)
        if json {
            print(try JSONOutput.line(TaskOutput(stored)))
        } else {
            print("Added task \(stored.id ?? 0): \(stored.title)" + (stored.due.map { " — due \(TaskText.dueText($0))" } ?? ""))
        }
    }

    /// Longest text embedded inline (about 30 windows, ~1.5 s); longer ones wait for the next search.
    static let inlineEmbeddingBudget = 20_000

    /// The task is already stored; its embedding is a bonus computed now when the model is
    /// installed and the text is within budget (search computes it later otherwise), and
    /// never a reason to fail.
    private func embedForSearch(_ taskStore: TaskStore, textLength: Int) {
        guard textLength <= Self.inlineEmbeddingBudget else {
            printError("note: the description is long; it will be embedded (whole, in windows) at the next `todo search`")
            return
        }
        let bundle = DefaultPaths.defaultEmbeddingModel
        guard FileManager.default.fileExists(atPath: bundle.appendingPathComponent("config.json").path) else {
            printError("note: no embedding model installed, so search will embed this task later; install it with `bash Tools/fetch-weights.sh`")
            return
        }
        do {
            try TaskEmbeddings(store: taskStore, embedder: SentenceEmbedder(bundle: ModelBundle(directory: bundle))).refresh()
        } catch {
            printError("note: the task is stored, but embedding it failed (\(error)); search will retry")
        }
    }

    private func readDescription(_ value: String) throws -> String {
        guard value == "-" else { return value }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(validating: data, as: UTF8.self) else {
            throw CommandFailure("The description on standard input is not valid UTF-8; nothing was stored.")
        }
        return text
    }
}

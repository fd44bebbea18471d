import ArgumentParser
import Foundation
import TaskPostgres
import TaskService

struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a task. What you set is yours: the AI never overwrites it.",
        discussion: """
        A changed title or description queues the AI fields you did not set for a fresh \
        look (run now unless --async; in the background with a model too large to wait \
        for, unless --wait). A tag you remove is never suggested again for \
        this task. A new title that states a deadline ("... by friday") sets the due \
        date when the task has none and no --due/--no-due is given, as `add` does. \
        `todo undo` reverts the edit.

        Examples:
          todo edit 3 --title "Renew passport and ID card" --due +2w
          todo edit 3 --priority high --category Personal
          todo edit 3 --remove-tag errand --add-tag travel
          todo edit 3 --description - < notes.txt
          todo edit 3 --no-due --clear-priority      (let the AI decide again)
        """
    )

    @Argument(help: "The task's id (from todo list).") var id: Int64
    @Option(help: "New title.") var title: String?
    @Option(help: "New description; - reads it from standard input.") var description: String?
    @Option(parsing: .unconditional, help: "New due date (same forms as add).") var due: String?
    @Flag(help: "Remove the due date.") var noDue = false
    @Option(help: "Set the category.") var category: String?
    @Flag(help: "Clear the category so the AI chooses it.") var clearCategory = false
    @Option(help: "Set the priority: high, medium or low.") var priority: String?
    @Flag(help: "Clear the priority so the AI scores it.") var clearPriority = false
    @Option(name: .customLong("tag"), help: "Replace all tags (repeat for more).") var tags: [String] = []
    @Option(name: .customLong("add-tag"), help: "Add a tag.") var addTags: [String] = []
    @Option(name: .customLong("remove-tag"), help: "Remove a tag (it will not be suggested again).") var removeTags: [String] = []
    @Flag(help: "Queue the AI's fresh look for `todo enrich` instead of running it now.") var async = false
    @Flag(help: "Wait for the AI's fresh look even with a model that takes it in the background (as `todo add --wait`).") var wait = false
    @Flag(help: "Print the task as JSON.") var json = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if async && wait { throw ValidationError("--async queues the AI's fresh look and --wait waits for it; give one of them.") }
        if let title, title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("The new title is empty.") }
        if due != nil && noDue { throw ValidationError("Give --due or --no-due, not both.") }
        if category != nil && clearCategory { throw ValidationError("Give --category or --clear-category, not both.") }
        if priority != nil && clearPriority { throw ValidationError("Give --priority or --clear-priority, not both.") }
        _ = try TaskArguments.priority(priority)
        _ = try TaskArguments.category(category)
        _ = try TaskArguments.tags(tags + addTags + removeTags)
        let anything = title != nil || description != nil || due != nil || noDue || category != nil || clearCategory || priority != nil
            || clearPriority || !tags.isEmpty || !addTags.isEmpty || !removeTags.isEmpty
        if !anything { throw ValidationError("Nothing to change: give at least one option (see todo edit --help).") }
    }

    func run() async throws {
        let text = try TaskArguments.description(description, action: "nothing was changed")
        let id = self.id
        let shared = try await store.onPostgres { tasks -> TodoTask in
            let read = try await tasks.task(id: id)
            let change = try self.change(read, description: text)
            // Applied only to the task as it was read: another change in between is not overwritten.
            let stored = try await tasks.edit(id: id) { current in
                guard current.updated == read.updated else { throw StoreError.invalid("task \(id) changed while this edit was made; nothing was changed, run it again") }
                return TaskEdit(task: change.task, reenrich: change.reenrich)
            }
            if stored.reenrich { Console.error(StoreOptions.queuedForWorkers) }
            change.sayIfUnchanged(id: id)
            if let stated = change.stated, !json { Console.out("Due \(TaskText.dueText(stated.date)) (from “\(stated.phrase)” in the title).") }
            return stored.task
        }
        if let shared {
            Console.out(json ? try JSONOutput.line(TaskOutput(shared)) : TaskText.details(shared))
            return
        }
        let session = try EnrichmentSession(store: store, settings: settings, quick: true)
        let change = try self.change(try storeCall { try session.store.task(id: id) }, description: text)
        let (reenrich, stated) = (change.reenrich, change.stated)
        var stored = try storeCall { try session.store.update(change.task, reenrich: reenrich, undo: commandLineForUndo) }
        change.sayIfUnchanged(id: id)
        if reenrich && !async && session.modelInstalled {
            if !wait && !session.enricher.models.enrichesInline {
                Console.error(BackgroundEnrichment.run(id, session: session, settings: settings))  // its job is queued already
            } else {
                _ = try engine.applyThreads()
                _ = try session.runPending(taskID: id, quiet: true)
                stored = try storeCall { try session.store.task(id: id) }
            }
        } else if reenrich && !session.modelInstalled {
            Console.error("note: the AI fields are queued; \(session.fetchHint)")
        }
        if let stated, !json { Console.out("Due \(TaskText.dueText(stated.date)) (from “\(stated.phrase)” in the title).") }
        Console.out(json ? try JSONOutput.line(TaskOutput(stored)) : TaskText.details(stored))
    }

    /// What this edit makes of the task as read: the task to store, whether the AI must look at
    /// it again, and a deadline found in a new title. `text`: the new description, if given.
    private func change(_ read: TodoTask, description text: String?) throws -> Change {
        var t = read
        // A tag to remove must be one the task has now, before this edit adds any.
        for tag in try TaskArguments.tags(removeTags) where !t.tags.contains(where: { $0.caseInsensitiveCompare(tag) == .orderedSame }) {
            throw CommandFailure("Task \(id) has no tag '\(tag)' (its tags: \(t.tags.isEmpty ? "none" : t.tags.joined(separator: ", "))). Nothing was changed.")
        }
        var newDue = noDue ? nil : try TaskArguments.date(due) ?? t.due
        var stated: TitleDeadline?
        if let title, due == nil, !noDue, t.due == nil, let deadline = TitleDeadline.find(in: title) {
            stated = deadline
            newDue = deadline.date
        }
        if let title { t.title = title.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let text { t.description = text }
        t.due = newDue
        if let category = try TaskArguments.category(category) { t.category = try settings.load().categoryName(category); t.provenance[.category] = nil }
        if clearCategory { t.category = nil; t.provenance[.category] = nil }
        if let p = try TaskArguments.priority(priority) { t.priority = p; t.provenance[.priority] = nil }
        if clearPriority { t.priority = nil; t.provenance[.priority] = nil }
        if !tags.isEmpty || !addTags.isEmpty {
            let given = try TaskArguments.tags(tags + addTags)
            t.tags = try TaskArguments.tags(given, appendedTo: tags.isEmpty ? t.tags : [])  // --tag replaces, --add-tag appends
            t.provenance[.tags] = nil  // the tag list is now the user's
            t.removedTags.removeAll { removed in given.contains { $0.caseInsensitiveCompare(removed) == .orderedSame } }
        }
        for tag in try TaskArguments.tags(removeTags) {
            t.tags.removeAll { $0.caseInsensitiveCompare(tag) == .orderedSame }
            t.removedTags.append(tag)
        }
        let reenrich = t.needsEnrichment(editedFrom: read, cleared: clearCategory || clearPriority)
        return Change(task: t, reenrich: reenrich, stated: stated, unchanged: !reenrich && t.changesNothing(of: read))
    }

    private struct Change {
        var task: TodoTask
        var reenrich: Bool
        var stated: TitleDeadline?
        /// Everything given is what the task already has: the stores write nothing.
        var unchanged: Bool

        /// Said on standard error, so `--json` stays one task.
        func sayIfUnchanged(id: Int64) {
            if unchanged { Console.error("note: task \(id) already is as given; nothing was changed.") }
        }
    }
}

import Foundation
import TaskService

/// The body of `POST /api/tasks`: only `title` is required. Every value given is the user's.
struct CreateTaskRequest: Sendable {
    static let fields: Set<String> = ["title", "description", "due", "category", "priority", "tags"]

    var title: String
    var description: String
    var due: Date?
    /// The phrase of the title that set the due date when none was given ("by friday").
    var dueFromTitle: String?
    var category: String?
    var priority: TodoTask.Priority?
    var tags: [String]

    /// `dueDates` reads a due date in words in the client's time zone (`ClientTimeZone`).
    init(_ body: JSONBody, dueDates: DueDateParser = DueDateParser(), now: Date = Date()) throws {
        guard let title = try body.string("title") else { throw Problem.invalid("title", "is required") }
        self.title = try FieldValues.title(title)
        description = try body.string("description") ?? ""
        due = try body.string("due").map { try FieldValues.due($0, parser: dueDates, now: now) }
        if due == nil, !body.contains("due"), let stated = TitleDeadline.find(in: self.title, parser: dueDates, now: now) {
            due = stated.date
            dueFromTitle = stated.phrase
        }
        category = try body.string("category").map(FieldValues.category)
        priority = try body.string("priority").map(FieldValues.priority)
        tags = try FieldValues.tags(try body.strings("tags") ?? [])
    }

    /// The task to store; `categoryName` spells a given category as the settings do.
    func task(categoryName: (String) -> String = { $0 }, now: Date = Date()) -> TodoTask {
        TodoTask(title: title, description: description, category: category.map(categoryName), priority: priority, tags: tags, due: due, now: now)
    }
}

/// The body of `PATCH /api/tasks/{id}`: a field left out stays as it is; `null` clears it (for
/// category, priority and tags: the AI decides it again); a value sets it, as the user's.
struct PatchTaskRequest: Sendable {
    static let fields: Set<String> = ["title", "description", "due", "category", "priority", "tags", "status"]

    enum Change<Value: Sendable>: Sendable { case keep, clear, set(Value) }

    var title: String?
    var description: String?
    var due: Change<Date> = .keep
    var category: Change<String> = .keep
    var priority: Change<TodoTask.Priority> = .keep
    var tags: Change<[String]> = .keep
    /// A deadline the new title states ("by friday"): the due date of a task that has none,
    /// unless `due` is given (as `todo edit --title` and `POST` do).
    var titleDeadline: Date?

    /// `categoryName` spells a given category as the settings do.
    init(_ body: JSONBody, categoryName: (String) -> String = { $0 }, dueDates: DueDateParser = DueDateParser(), now: Date = Date()) throws {
        if body.isNull("title") { throw Problem.invalid("title", "cannot be null") }
        title = try body.string("title").map(FieldValues.title)
        titleDeadline = title.flatMap { TitleDeadline.find(in: $0, parser: dueDates, now: now)?.date }
        if body.isNull("description") { throw Problem.invalid("description", "cannot be null (give \"\" to empty it)") }
        description = try body.string("description")
        due = try Self.change(body, "due") { try FieldValues.due($0, parser: dueDates, now: now) }
        category = try Self.change(body, "category") { categoryName(try FieldValues.category($0)) }
        priority = try Self.change(body, "priority", FieldValues.priority)
        if body.isNull("tags") { tags = .clear } else if let given = try body.strings("tags") { tags = .set(try FieldValues.tags(given)) }
        if body.contains("status") { throw Problem.invalid("status", "is changed with POST /api/tasks/{id}/done or /reopen, or DELETE") }
        if !PatchTaskRequest.fields.contains(where: body.contains) { throw Problem(.badRequest, "Nothing to change", detail: "give at least one field") }
    }

    private static func change<Value: Sendable>(_ body: JSONBody, _ key: String, _ read: (String) throws -> Value) throws -> Change<Value> {
        if body.isNull(key) { return .clear }
        return try body.string(key).map { .set(try read($0)) } ?? .keep
    }

    /// The task with these changes, and whether its AI fields need a fresh look (the rules of `todo edit`).
    func applied(to task: TodoTask) -> (task: TodoTask, reenrich: Bool) {
        var t = task
        var textChanged = false
        if let title, title != t.title { t.title = title; textChanged = true }
        if let description, description != t.description { t.description = description; textChanged = true }
        switch due {
        case .keep:
            if textChanged, t.due == nil, let titleDeadline { t.due = titleDeadline }
        case .clear: t.due = nil
        case .set(let date): t.due = date
        }
        switch category {
        case .keep: break
        case .clear: t.category = nil; t.provenance[.category] = nil
        case .set(let c): t.category = c; t.provenance[.category] = nil
        }
        switch priority {
        case .keep: break
        case .clear: t.priority = nil; t.provenance[.priority] = nil
        case .set(let p): t.priority = p; t.provenance[.priority] = nil
        }
        switch tags {
        case .keep: break
        case .clear:
            t.tags = []; t.provenance[.tags] = nil
        case .set(let given):
            // The list is now the user's, as with `todo edit --tag`: the AI's tags it replaces are
            // not banned (a later `null` lets the AI suggest them again); a given one is unbanned.
            t.removedTags.removeAll { removed in given.contains { $0.caseInsensitiveCompare(removed) == .orderedSame } }
            t.tags = given
            t.provenance[.tags] = nil
        }
        return (t, t.needsEnrichment(editedFrom: task, cleared: category.isClear || priority.isClear || tags.isClear))
    }
}

extension PatchTaskRequest.Change {
    var isClear: Bool {
        if case .clear = self { return true }
        return false
    }
}

/// One field's value as the API reads it, a `Problem` naming the field otherwise.
enum FieldValues {
    static func title(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Problem.invalid("title", "is empty") }
        return trimmed
    }

    static func category(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Problem.invalid("category", "is empty (null lets the AI choose)") }
        return trimmed
    }

    static func priority(_ text: String) throws -> TodoTask.Priority {
        guard let p = TodoTask.Priority(typed: text) else { throw Problem.invalid("priority", "must be high, medium or low") }
        return p
    }

    static func tags(_ given: [String]) throws -> [String] {
        do { return try TaskRules.normalizedTags(given) } catch { throw Problem.invalid(error.field, error.problem) }
    }

    /// Every form `todo add --due` takes: an ISO 8601 instant, "friday 5pm", "+3d".
    static func due(_ text: String, parser: DueDateParser, now: Date, field: String = "due") throws -> Date {
        do { return try parser.understand(text, now: now).date } catch let failure as DueDateParser.Failure {
            throw Problem.invalid(field, failure.description)
        } catch {
            throw Problem.invalid(field, "is not a date")
        }
    }
}

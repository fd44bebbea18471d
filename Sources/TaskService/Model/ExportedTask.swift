import Foundation

/// A line of `todo export` read back, or a line written by hand: only `title` is required.
public struct ExportedTask: Decodable, Sendable {
    public var id: Int64?
    public var uuid: String?
    public var title: String
    public var description: String?
    public var category: String?
    public var priority: String?
    public var tags: [String]?
    public var due: String?
    public var status: String?
    public var created: String?
    public var updated: String?
    public var completed: String?
    public var provenance: [String: Provenance]?
    public var removedTags: [String]?

    public struct Provenance: Decodable, Sendable {
        public var model: String
        public var score: Double?
        public var at: String
    }

    /// Keys of the line that are no field of a task: refused by `task(now:)`, never dropped
    /// silently (a misspelt "priorty" would otherwise vanish).
    public var unknownFields: [String] = []

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, title, description, category, priority, tags, due, status, created, updated, completed, provenance
        case removedTags = "removed_tags"
    }

    /// The fields a line may have.
    static let fields = Set(CodingKeys.allCases.map(\.rawValue))

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        uuid = try c.decodeIfPresent(String.self, forKey: .uuid)
        title = try c.decode(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        priority = try c.decodeIfPresent(String.self, forKey: .priority)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        due = try c.decodeIfPresent(String.self, forKey: .due)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        updated = try c.decodeIfPresent(String.self, forKey: .updated)
        completed = try c.decodeIfPresent(String.self, forKey: .completed)
        provenance = try c.decodeIfPresent([String: Provenance].self, forKey: .provenance)
        removedTags = try c.decodeIfPresent([String].self, forKey: .removedTags)
        unknownFields = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !Self.fields.contains($0) }.sorted()
    }

    /// What is wrong with a line: the field (for an API's error) and the whole message.
    public struct Problem: Error, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    /// The task this line describes; throws `Problem` naming the field.
    public func task(now: Date = Date()) throws -> TodoTask {
        func failure(_ problem: String, _ field: String) -> Problem { Problem(field: field, message: problem) }
        func date(_ text: String?, _ field: String) throws -> Date? {
            guard let text else { return nil }
            guard let d = TaskOutput.parseISO(text) else { throw failure("\(field) '\(text)' is not an ISO 8601 date", field) }
            return d
        }
        if let unknown = unknownFields.first {
            let fields = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
            throw failure("\"\(unknown)\" is not a field of a task (fields: \(fields))", unknown)
        }
        guard !title.allSatisfy(\.isWhitespace) else { throw failure("the title is empty", "title") }
        if let id, !TaskRules.importableIDs.contains(id) {
            throw failure("id \(id) is outside 1…\(TaskRules.importableIDs.upperBound.formatted()) (leave \"id\" out to give the task a new one)", "id")
        }
        let uuid = try self.uuid.map { text in
            guard let uuid = UUID(uuidString: text) else { throw failure("'\(text)' is not a uuid", "uuid") }
            return uuid
        }
        let created = try date(created, "created") ?? now
        // An exported due date is an ISO 8601 instant; one written by hand may be anything `add --due` takes.
        let due = try self.due.map { text in
            do { return try DueDateParser().parse(text, now: now) } catch { throw failure("due: \(error)", "due") }
        }
        let p = try priority.map { value -> TodoTask.Priority in
            guard let p = TodoTask.Priority(typed: value) else { throw failure("unknown priority '\(value)' (high, medium or low)", "priority") }
            return p
        }
        let tags: [String]
        do { tags = try TaskRules.normalizedTags(self.tags ?? []) } catch { throw failure("\(error.field) \(error.problem)", error.field) }
        var t = TodoTask(title: title, description: description ?? "", category: category, priority: p, tags: tags,
                         due: due, now: created)
        // A line written by hand (no uuid) is a new task: a new uuid and a new id.
        if let uuid { t.uuid = uuid; t.id = id }
        t.updated = try date(updated, "updated") ?? t.created
        t.completed = try date(completed, "completed")
        guard let s = TodoTask.Status(rawValue: status ?? "pending") else { throw failure("unknown status '\(status ?? "")' (pending, done or deleted)", "status") }
        t.status = s
        // A done task written by hand, without a time: done by its last update at the latest.
        if s == .done && t.completed == nil { t.completed = t.updated }
        for (name, p) in provenance ?? [:] {
            guard let field = AIField(rawValue: name) else { throw failure("provenance.\(name): no such AI field (category, priority or tags)", "provenance.\(name)") }
            t.provenance[field] = TodoTask.Provenance(model: p.model, score: p.score, at: try date(p.at, "provenance.\(name).at") ?? created)
        }
        t.removedTags = removedTags ?? []
        return t
    }
}

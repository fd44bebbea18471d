import Foundation

/// One task of Taskwarrior's `task export` (a JSON array, or one object per line), mapped onto
/// ours: description → title, annotations → description, project → category, H/M/L →
/// priority, tags, due, entry/modified/end → created/updated/completed.
public struct TaskwarriorTask: Decodable, Sendable {
    public var uuid: UUID?
    public var description: String
    public var status: String?
    public var entry: String?
    public var modified: String?
    public var end: String?
    public var due: String?
    public var project: String?
    public var priority: String?
    public var tags: [String]?
    public var annotations: [Annotation]?
    /// Fields Smart TODO has no place for; an import reports how many tasks carried each.
    public var wait: String?
    public var scheduled: String?
    public var until: String?
    public var depends: Depends?

    public struct Annotation: Decodable, Sendable { public var description: String }

    /// Taskwarrior 2.6 writes dependencies as one comma-separated string, 3.x as an array.
    public enum Depends: Decodable, Sendable {
        case list([String])
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) { self = .list(text.split(separator: ",").map(String.init)) } else { self = .list(try c.decode([String].self)) }
        }
    }

    /// The template a recurring task's instances are made from: not a task to do itself.
    public var isRecurringTemplate: Bool { status == "recurring" }

    /// The names of the fields this task carries that an import drops.
    public var droppedFields: [String] {
        [("wait", wait != nil), ("scheduled", scheduled != nil), ("until", until != nil), ("depends", depends != nil)].filter(\.1).map(\.0)
    }

    /// Taskwarrior's compact UTC timestamps: 20261201T170000Z.
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.date(from: text)
    }

    public func task(now: Date = Date()) -> TodoTask {
        let priorities: [String: TodoTask.Priority] = ["H": .high, "M": .medium, "L": .low]
        var t = TodoTask(title: description, description: (annotations ?? []).map(\.description).joined(separator: "\n"),
                         category: project, priority: priority.flatMap { priorities[$0.uppercased()] }, tags: tags ?? [],
                         due: Self.date(due), now: Self.date(entry) ?? now)
        if let uuid { t.uuid = uuid }
        t.updated = (Self.date(modified) ?? t.created).storedPrecision
        switch status {
        // Without an end: done by its last modification at the latest.
        case "completed": t.status = .done; t.completed = (Self.date(end) ?? t.updated).storedPrecision
        case "deleted": t.status = .deleted
        default: t.status = .pending  // pending, and "waiting" (Taskwarrior 2.x's hidden-until-wait)
        }
        return t
    }
}

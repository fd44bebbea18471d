import Foundation

/// One task of Taskwarrior's `task export` (JSON), mapped onto ours: description →
/// title, annotations → description, project → category, H/M/L → priority.
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

    public struct Annotation: Decodable, Sendable { public var description: String }

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
        case "completed": t.status = .done; t.completed = Self.date(end)?.storedPrecision
        case "deleted": t.status = .deleted
        default: t.status = .pending
        }
        return t
    }
}

import Foundation

/// What every stored task satisfies, whoever writes it — a command, an import line, the API.
/// The store checks before each write; a caller that can name the problem better (an import
/// line's number) checks first. (Emptiness and the allowed words are also in the schema.)
public enum TaskRules {
    /// Ids an imported task may keep: positive, and small enough that later ids stay short
    /// (SQLite's AUTOINCREMENT continues from the largest, and one near 2^63 made every
    /// later `add` fail with "database or disk is full").
    public static let importableIDs: ClosedRange<Int64> = 1...9_999_999
    /// Dates are kept between these (the dates people plan by; far years are typos).
    public static let dates = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)  // 9999-12-31 23:59:59 UTC
    /// How far ahead of this machine's clock a creation or change may be (another machine's clock).
    public static let clockSlack: TimeInterval = 86_400

    /// The first rule `task` breaks, naming the field; nil when it keeps them all.
    public static func problem(with task: TodoTask, now: Date = Date()) -> TaskProblem? {
        if task.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .init(field: "title", "is empty") }
        for (field, text) in [("title", task.title), ("description", task.description), ("category", task.category ?? "")] {
            if let problem = nulProblem(field, text) { return problem }
        }
        if let category = task.category, category.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .init(field: "category", "is empty") }
        for (i, tag) in task.tags.enumerated() {
            if tag.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .init(field: "tags[\(i)]", "is empty") }
            if let problem = nulProblem("tags[\(i)]", tag) { return problem }
        }
        for (i, tag) in task.removedTags.enumerated() { if let problem = nulProblem("removed_tags[\(i)]", tag) { return problem } }
        var named: [(String, Date?)] = [("created", task.created), ("updated", task.updated), ("completed", task.completed), ("due", task.due)]
        named += task.provenance.sorted { $0.key.rawValue < $1.key.rawValue }.map { ("provenance.\($0.key.rawValue).at", $0.value.at) }
        for (field, date) in named {
            if let date, !dates.contains(date) { return .init(field: field, "\(iso(date)) is outside the years 1970 to 9999") }
        }
        if task.created > now.addingTimeInterval(clockSlack) { return .init(field: "created", "\(iso(task.created)) is in the future") }
        // Compared at the store's precision (milliseconds): a parsed ".130" is a hair below 0.13.
        if ms(task.updated) < ms(task.created) { return .init(field: "updated", "\(iso(task.updated)) is before created (\(iso(task.created)))") }
        if task.status == .done && task.completed == nil { return .init(field: "completed", "is missing: a done task has the time it was done") }
        if let completed = task.completed {
            if task.status != .done { return .init(field: "completed", "is set, but the task is \(task.status.rawValue), not done") }
            if ms(completed) < ms(task.created) { return .init(field: "completed", "\(iso(completed)) is before created (\(iso(task.created)))") }
        }
        return nil
    }

    /// A NUL character cut stored text short (SQLite's C strings end there): refused instead.
    private static func nulProblem(_ field: String, _ text: String) -> TaskProblem? {
        guard let index = text.unicodeScalars.firstIndex(of: "\u{0}") else { return nil }
        let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index) + 1
        return .init(field: field, "holds a NUL character (U+0000) at character \(position); remove it")
    }

    private static func ms(_ date: Date) -> Double { (date.timeIntervalSince1970 * 1000).rounded() }

    private static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
    }
}

/// A rule a task breaks: the field and what is wrong with it.
public struct TaskProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var problem: String

    public init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
}

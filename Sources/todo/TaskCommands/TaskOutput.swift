import Foundation
import TaskService

/// The `--json` shape of a task, shared by every command.
struct TaskOutput: Encodable {
    var id: Int64
    var uuid: String
    var title: String
    var description: String
    var category: String?
    var priority: String?
    var tags: [String]
    var due: String?
    var status: String
    var created: String
    var updated: String
    var completed: String?
    var provenance: [String: ProvenanceOutput]
    var removedTags: [String]

    struct ProvenanceOutput: Encodable {
        var model: String
        var score: Double?
        var at: String
    }

    init(_ t: TodoTask) {
        id = t.id ?? 0
        uuid = t.uuid.uuidString.lowercased()
        title = t.title
        description = t.description
        category = t.category
        priority = t.priority?.rawValue
        tags = t.tags
        due = t.due.map(Self.iso)
        status = t.status.rawValue
        created = Self.iso(t.created)
        updated = Self.iso(t.updated)
        completed = t.completed.map(Self.iso)
        provenance = Dictionary(uniqueKeysWithValues: t.provenance.map { ($0.key.rawValue, ProvenanceOutput(model: $0.value.model, score: $0.value.score, at: Self.iso($0.value.at))) })
        removedTags = t.removedTags
    }

    enum CodingKeys: String, CodingKey {
        case id, uuid, title, description, category, priority, tags, due, status, created, updated, completed, provenance
        case removedTags = "removed_tags"
    }

    /// Every field is always present; absent values are null (the synthesized encoder would drop them).
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(uuid, forKey: .uuid)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(category, forKey: .category)
        try c.encode(priority, forKey: .priority)
        try c.encode(tags, forKey: .tags)
        try c.encode(due, forKey: .due)
        try c.encode(status, forKey: .status)
        try c.encode(created, forKey: .created)
        try c.encode(updated, forKey: .updated)
        try c.encode(completed, forKey: .completed)
        try c.encode(provenance, forKey: .provenance)
        try c.encode(removedTags, forKey: .removedTags)
    }

    /// ISO 8601 in UTC with milliseconds: the store's precision, so export and import are lossless.
    /// Milliseconds are rounded here: the formatter truncates, and a parsed ".560" is a hair
    /// below 0.56 as a Double, which would print as ".559" and break the round trip.
    static func iso(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let whole = Date(timeIntervalSince1970: seconds)
            .formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
        return String(whole.dropLast()) + String(format: ".%03dZ", Int(milliseconds - seconds * 1000))
    }

    /// Reads what `iso` writes, and the same without fractional seconds.
    static func parseISO(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }
}

/// Human-readable task lines.
enum TaskText {
    /// A title, tag or category on one line: line breaks and tabs (a pasted title, an imported
    /// task) become spaces. (Other control characters are replaced where every line is
    /// written, `Console`.) The stored text is unchanged.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }) else { return text }
        return String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" ? " " : $0 })
    }

    /// A description as typed, its lines (also Windows' \r\n and old Macs' \r) and tabs kept.
    static func printable(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// "#tag #other tag", each on one line.
    static func hashtags(_ tags: [String]) -> String {
        tags.map { "#\(oneLine($0))" }.joined(separator: " ")
    }

    static func dueText(_ date: Date, now: Date = Date()) -> String {
        let f = DateFormatter()
        f.dateFormat = "EEE yyyy-MM-dd HH:mm"
        let text = f.string(from: date)
        return date < now ? "\(text), overdue" : text
    }

    static func line(_ t: TodoTask) -> String {
        var parts = ["\(t.id ?? 0)".padded(to: 5), t.status == .done ? "✔" : " ",
                     (t.priority?.rawValue ?? "-").padded(to: 7), oneLine(t.title)]
        if let due = t.due { parts.append("(due \(dueText(due)))") }
        if let c = t.category { parts.append("[\(oneLine(c))]") }
        if !t.tags.isEmpty { parts.append(hashtags(t.tags)) }
        return parts.joined(separator: " ")
    }

    /// "AI: Finance · high · #refund #flight" for the fields the AI set, nil when none.
    static func aiSummary(_ t: TodoTask) -> String? {
        var parts: [String] = []
        if t.provenance[.category] != nil, let c = t.category { parts.append(oneLine(c)) }
        if t.provenance[.priority] != nil, let p = t.priority { parts.append(p.rawValue) }
        if t.provenance[.tags] != nil, !t.tags.isEmpty { parts.append(hashtags(t.tags)) }
        return parts.isEmpty ? nil : "AI: " + parts.joined(separator: " · ")
    }

    static func details(_ t: TodoTask) -> String {
        var lines = ["Task \(t.id ?? 0): \(oneLine(t.title))", "  uuid      \(t.uuid.uuidString.lowercased())", "  status    \(t.status.rawValue)"]
        lines.append("  priority  \(t.priority?.rawValue ?? "-")\(t.provenance[.priority].map { " (AI: \($0.model.prefix(12))…)" } ?? "")")
        lines.append("  category  \(t.category.map(oneLine) ?? "-")\(t.provenance[.category].map { " (AI: \($0.model.prefix(12))…)" } ?? "")")
        lines.append("  tags      \(t.tags.isEmpty ? "-" : t.tags.map(oneLine).joined(separator: ", "))\(t.provenance[.tags].map { " (AI: \($0.model.prefix(12))…)" } ?? "")")
        lines.append("  due       \(t.due.map { dueText($0) } ?? "-")")
        lines.append("  created   \(TaskOutput.iso(t.created))   updated \(TaskOutput.iso(t.updated))")
        if let c = t.completed { lines.append("  completed \(TaskOutput.iso(c))") }
        if !t.description.isEmpty { lines += ["", printable(t.description)] }
        return lines.joined(separator: "\n")
    }
}

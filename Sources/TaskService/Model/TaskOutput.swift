import Foundation

/// The JSON shape of a task, shared by every command's `--json` and the HTTP API.
public struct TaskOutput: Encodable, Sendable {
    public var id: Int64
    public var uuid: String
    public var title: String
    public var description: String
    public var category: String?
    public var priority: String?
    public var tags: [String]
    public var due: String?
    public var status: String
    public var created: String
    public var updated: String
    public var completed: String?
    public var provenance: [String: ProvenanceOutput]
    public var removedTags: [String]

    public struct ProvenanceOutput: Encodable, Sendable {
        public var model: String
        public var score: Double?
        public var at: String
    }

    public init(_ t: TodoTask) {
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
    public func encode(to encoder: Encoder) throws {
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
    public static func iso(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let whole = Date(timeIntervalSince1970: seconds)
            .formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
        return String(whole.dropLast()) + String(format: ".%03dZ", Int(milliseconds - seconds * 1000))
    }

    /// Reads what `iso` writes, and the same without fractional seconds or with an offset.
    public static func parseISO(_ text: String) -> Date? {
        if case .instant(let date) = readISO(text) { return date }
        return nil
    }

    /// What a text is as an ISO 8601 instant.
    public enum ISOReading: Equatable {
        case instant(Date)
        /// Written as one, but its day or time does not exist (February 30, 25:00): the
        /// parser would roll it over into another date.
        case impossible
        case notAnInstant
    }

    public static func readISO(_ text: String) -> ISOReading {
        guard let m = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})/) else { return .notAnInstant }
        guard let year = Int(m.1), let month = Int(m.2), let day = Int(m.3), let hour = Int(m.4), let minute = Int(m.5), let second = Int(m.6),
              (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return .impossible }
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        guard let first = gregorian.date(from: DateComponents(year: year, month: month, day: 1)),
              let days = gregorian.range(of: .day, in: .month, for: first), days.contains(day),
              let date = (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
        else { return .impossible }
        return .instant(date)
    }
}

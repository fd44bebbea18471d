import Foundation
import GRDB

/// A task. The short numeric `id` is assigned once and never reused or shifted
/// (SQLite AUTOINCREMENT); `uuid` is stable across export and import.
public struct TodoTask: Codable, Sendable, Equatable, Identifiable {
    public enum Priority: String, Codable, Sendable, CaseIterable {
        case high, medium, low

        /// A priority as people type it, in any case ("HIGH", "High"): the one reading of the CLI,
        /// the API and import lines.
        public init?(typed: String) { self.init(rawValue: typed.lowercased()) }
    }
    public enum Status: String, Codable, Sendable, CaseIterable { case pending, done, deleted }

    /// Where an AI-set field came from: which model (bundle fingerprint), how sure, when.
    public struct Provenance: Codable, Sendable, Equatable {
        public var model: String
        public var score: Double?
        public var at: Date

        public init(model: String, score: Double?, at: Date) {
            self.model = model
            self.score = score
            self.at = at
        }
    }

    public var id: Int64?
    public var uuid: UUID
    public var title: String
    public var description: String
    public var category: String?
    public var priority: Priority?
    public var tags: [String]
    public var due: Date?
    public var status: Status
    public var created: Date
    public var updated: Date
    public var completed: Date?
    /// Provenance of the fields the AI set; a field without it is the user's (or empty).
    public var provenance: [AIField: Provenance]
    /// Tags the user removed from an AI suggestion: enrichment never adds them back.
    public var removedTags: [String]

    enum CodingKeys: String, CodingKey {
        case id, uuid, title, description, category, priority, tags, due, status, created, updated, completed, provenance
        case removedTags = "removed_tags"
    }

    public init(title: String, description: String = "", category: String? = nil, priority: Priority? = nil,
                tags: [String] = [], due: Date? = nil, now: Date = Date()) {
        self.id = nil
        self.uuid = UUID()
        self.title = title
        self.description = description
        self.category = category
        self.priority = priority
        self.tags = tags
        self.due = due?.storedPrecision
        self.status = .pending
        self.created = now.storedPrecision
        self.updated = now.storedPrecision
        self.completed = nil
        self.provenance = [:]
        self.removedTags = []
    }

    /// Whether the user set this field (it has a value the AI did not put there): enrichment leaves it alone.
    public func isUserSet(_ field: AIField) -> Bool {
        setBy(field) == .user
    }

    /// Whether an AI field is still to fill: set by nobody yet — tags too, unless the user
    /// removed some (a task whose tags were all removed has the tags its user chose).
    public var lacksAIFields: Bool {
        setBy(.category) == .nobody || setBy(.priority) == .nobody || (setBy(.tags) == .nobody && removedTags.isEmpty)
    }

    /// Whether an import queues it for enrichment: a live task lacking AI fields (a deleted one
    /// stays as the file has it; the rest arrive whole).
    public var queuedOnImport: Bool { lacksAIFields && status != .deleted }

    /// Whether storing this over `stored` would change nothing but the `updated` stamp and the
    /// times the AI decided: an edit that sets what is already there, or an enrichment that
    /// decides as before (a deleted task brought back by undo), writes nothing (no new stamp,
    /// undo step or event). Dates are compared at the stored precision, since a store keeps no finer.
    public func changesNothing(of stored: TodoTask) -> Bool {
        func stamped(_ t: TodoTask) -> TodoTask {
            var t = t
            (t.updated, t.due, t.completed) = (stored.updated, t.due?.storedPrecision, t.completed?.storedPrecision)
            for field in t.provenance.keys { if let kept = stored.provenance[field]?.at { t.provenance[field]?.at = kept } }
            return t
        }
        return stamped(self) == stamped(stored)
    }

    /// Whether this edit of `before` needs the AI to look again: its text changed, the user
    /// cleared a field for the AI (`cleared`), or its due date moved while the AI keeps the
    /// priority (which weighs the date).
    public func needsEnrichment(editedFrom before: TodoTask, cleared: Bool) -> Bool {
        let textChanged = title != before.title || description != before.description
        let dueMoved = due?.storedPrecision != before.due?.storedPrecision
        return textChanged || cleared || dueMoved && !isUserSet(.priority)
    }

    /// Who set a field: nobody yet, the user (kept whatever the AI says) or the AI. An AI that
    /// found no tag still leaves its provenance: the tags were decided, as none.
    public func setBy(_ field: AIField) -> SetBy {
        if provenance[field] != nil { return .ai }
        switch field {
        case .category: return category == nil ? .nobody : .user
        case .priority: return priority == nil ? .nobody : .user
        case .tags: return tags.isEmpty ? .nobody : .user
        }
    }

    public enum SetBy: String, Codable, Sendable {
        case nobody = "nobody yet", user = "you", ai = "AI"
    }
}

/// The fields the AI fills, each only where the user has not set a value.
public enum AIField: String, Codable, CodingKeyRepresentable, CaseIterable, Sendable {
    case category, priority, tags
}

extension TodoTask: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "task"

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let status = Column(CodingKeys.status)
        static let due = Column(CodingKeys.due)
        static let category = Column(CodingKeys.category)
        static let priority = Column(CodingKeys.priority)
        static let created = Column(CodingKeys.created)
    }

    /// Dates are stored as seconds since 1970 (REAL): exact, so a task reads back equal to
    /// what was written. (GRDB's default text format truncates to milliseconds, and a
    /// Double a hair below .560 came back as .559.) Query arguments use the same encoding.
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .timeIntervalSince1970 }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { .timeIntervalSince1970 }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension Date {
    /// This date at milliseconds, the precision of exported JSON, so export and import round-trip exactly.
    var storedPrecision: Date { Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000) }
}

import Foundation
import PostgresNIO
import TaskService

/// A task as a row of PostgreSQL's `task` table: the columns read, and the JSON columns
/// (tags, provenance, removed tags) as they are written. One home for both directions.
enum PostgresTaskRow {
    /// The columns `decode` reads, in its order (the owner first).
    static let columns = "account_id, id, uuid, title, description, status, category, priority, tags::text, due, created, updated, completed, provenance::text, removed_tags::text"

    typealias Columns = (Int64, Int64, UUID, String, String, String, String?, String?, String, Date?, Date, Date, Date?, String, String)

    /// The owner's account id and the task.
    static func decode(_ row: PostgresRow) throws -> (account: Int64, task: TodoTask) {
        let r = try row.decode(Columns.self)
        var task = TodoTask(title: r.3, description: r.4, category: r.6, priority: r.7.flatMap(TodoTask.Priority.init(rawValue:)),
                            tags: try decoder.decode([String].self, from: Data(r.8.utf8)), due: r.9, now: r.10)
        task.id = r.1
        task.uuid = r.2
        task.status = TodoTask.Status(rawValue: r.5) ?? .pending
        task.updated = r.11
        task.completed = r.12
        task.provenance = try decoder.decode([AIField: TodoTask.Provenance].self, from: Data(r.13.utf8))
        task.removedTags = try decoder.decode([String].self, from: Data(r.14.utf8))
        return (r.0, task)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Dates in the JSON columns as seconds since 1970 (as the timestamp columns hold them).
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = .sortedKeys
        return e
    }()

    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()
}

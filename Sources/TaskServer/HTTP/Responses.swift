import Foundation
import Hummingbird
import Inference
import TaskService

/// How routes answer: JSON bodies, and tasks with their ETag.
enum Responses {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try ServerJSON.data(value))))
    }

    /// A task as `todo show --json` prints it, with `"enrichment"` when known, its ETag, and for
    /// a new task its Location.
    static func task(_ task: TodoTask, enrichment: EnrichmentState?, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.eTag] = ETag.of(task)
        if status == .created { headers[.location] = "/api/tasks/\(task.id ?? 0)" }
        return try json(TaskBody(task: TaskOutput(task), enrichment: enrichment), status: status, headers: headers)
    }
}

/// Whether a task's AI fields are computed: in the answer, or still queued for the worker.
enum EnrichmentState: String, Encodable, Sendable {
    case done, pending
}

/// The task object plus `"enrichment"` (a single task's answer) or `"etag"` (a task in a list
/// or an event, whose ETag no header carries: a page that lists and then edits sends it as
/// If-Match, so an edit made meanwhile elsewhere is not overwritten).
struct TaskBody: Encodable {
    var task: TaskOutput
    var enrichment: EnrichmentState?
    var etag: String?

    init(task: TaskOutput, enrichment: EnrichmentState?) {
        (self.task, self.enrichment, etag) = (task, enrichment, nil)
    }

    /// A task with its ETag in the body.
    init(listing task: TodoTask) {
        (self.task, enrichment, etag) = (TaskOutput(task), nil, ETag.of(task))
    }

    private enum Keys: String, CodingKey { case enrichment, etag }

    func encode(to encoder: any Encoder) throws {
        try task.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeIfPresent(enrichment, forKey: .enrichment)
        try c.encodeIfPresent(etag, forKey: .etag)
    }
}

/// A task's entity tag: a digest of everything the API shows of it, so any change — the user's,
/// the AI's, another process's — gives a new one.
enum ETag {
    static func of(_ task: TodoTask) -> String {
        var hash = SHA256()
        hash.update((try? ServerJSON.data(TaskOutput(task))).map { Array($0) } ?? [])
        return "\"" + hash.finalize().prefix(20) + "\""
    }

    /// Whether an If-Match header names this tag: `*` or a list of entity tags, compared
    /// strongly (RFC 9110 §13.1.1: a weak tag never matches If-Match). A value that is not an
    /// entity tag ("abc" without quotes) is a 400 naming the header, not a silent 412.
    static func matches(_ header: String, _ tag: String) throws -> Bool {
        let candidates = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for candidate in candidates where candidate != "*" {
            let opaque = candidate.hasPrefix("W/") ? String(candidate.dropFirst(2)) : candidate
            guard opaque.count >= 2, opaque.hasPrefix("\""), opaque.hasSuffix("\""), !opaque.dropFirst().dropLast().contains("\"") else {
                throw Problem.invalid("If-Match", "must be * or entity tags in double quotes, as the ETag header gave them (got \(candidate.debugDescription))")
            }
        }
        return candidates.contains { $0 == "*" || $0 == tag }
    }

    /// What an If-Match header asks of a change to task `id`, checked on the task as stored in
    /// the transaction that changes it (two clients holding the same ETag cannot both win);
    /// nil without the header. A header that is not entity tags is refused before anything.
    static func precondition(_ header: String?, id: Int64) throws -> TaskPrecondition? {
        guard let header else { return nil }
        _ = try matches(header, "")
        return { current in
            let tag = of(current)
            if try !matches(header, tag) {
                throw Problem(.preconditionFailed, "Changed meanwhile",
                              detail: "task \(id) changed since you read it (its ETag is now \(tag)); read it again and reapply your change")
            }
        }
    }
}

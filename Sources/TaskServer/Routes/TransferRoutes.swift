import Foundation
import Hummingbird
import TaskService

/// `POST /api/import` (all or nothing: JSON Lines of `todo export` or Taskwarrior's, or
/// Taskwarrior's JSON array, as `todo import` reads them) and `GET /api/export` (streamed JSON
/// Lines, as `todo export`).
struct TransferRoutes {
    let state: any ServerBackend
    /// JSON Lines, or JSON for Taskwarrior's array.
    static let importTypes: Set<String> = ["application/x-ndjson", "application/jsonl", "application/json-lines", "application/json"]

    func add(to router: Router<TaskRequestContext>) {
        router.post("/api/import") { request, context in try await importLines(request, context.tasks()) }
        router.get("/api/export") { request, context in try export(request, context.tasks()) }
    }

    func importLines(_ request: Request, _ scope: TaskScope) async throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let type, Self.importTypes.contains(type) else {
            throw Problem(.unsupportedMediaType, "Unsupported media type", detail: "send JSON Lines as application/x-ndjson (Taskwarrior's array as application/json)")
        }
        let tasks = try Self.tasks(in: try await JSONBody.collect(request, limit: state.settings.maxBodyBytes))
        // As `todo import` of an empty file: an empty body is more likely a client's mistake than an intent.
        guard !tasks.isEmpty else {
            throw Problem(.badRequest, "Empty import", detail: "the body holds no tasks (JSON Lines: one task object per line); nothing was imported")
        }
        let (added, skipped) = try await scope.tasks.importTasks(tasks)
        // Each new task is told, as a POST's is: a client must not first hear of one by its enrichment.
        await state.changed(.created, added, in: scope)
        return try Responses.json(["added": added.count, "skipped": skipped])
    }

    /// Every line read before anything is stored (`ImportReader`, as `todo import`): the first
    /// problem names its line and field.
    static func tasks(in data: Data) throws -> [TodoTask] {
        do { return try ImportReader.read(data).tasks } catch {
            let items = error.problems.map { problem -> Problem.Item in
                let place: String? = switch problem.place {
                case .whole: nil
                case .line(let n): "line \(n)"
                case .task(let i): "task \(i)"
                }
                let field = [place, problem.field].compactMap { $0 }.joined(separator: ": ")
                return Problem.Item(field: field.isEmpty ? nil : field, detail: (place.map { "\($0): " } ?? "the body is ") + problem.message)
            }
            guard let first = items.first else { throw Problem(.badRequest, "Invalid import", detail: "nothing was imported") }
            let more = items.count > 1 ? " (and \(items.count - 1) more problem\(items.count == 2 ? "" : "s"): see problems)" : ""
            var refusal = Problem(.badRequest, "Invalid import", detail: first.detail + more + "; nothing was imported", field: first.field)
            if items.count > 1 { refusal.all = items }
            throw refusal
        }
    }

    func export(_ request: Request, _ scope: TaskScope) throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let tasks = scope.tasks
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // Pages of tasks by id, each written as it comes.
            try await tasks.forEachExportPage { page in
                var text = ""
                for task in page { text += try ServerJSON.string(TaskOutput(task)) + "\n" }
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        })
    }
}

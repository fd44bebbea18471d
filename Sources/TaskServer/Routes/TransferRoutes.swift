import Foundation
import Hummingbird
import TaskService

/// `POST /api/import` (JSON Lines, all or nothing) and `GET /api/export` (streamed JSON Lines),
/// the lines of `todo export` / `todo import`.
struct TransferRoutes {
    let state: any ServerBackend
    static let lineTypes: Set<String> = ["application/x-ndjson", "application/jsonl", "application/json-lines"]

    func add(to router: Router<TaskRequestContext>) {
        router.post("/api/import") { request, context in try await importLines(request, context.tasks()) }
        router.get("/api/export") { request, context in try export(request, context.tasks()) }
    }

    func importLines(_ request: Request, _ scope: TaskScope) async throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let type, Self.lineTypes.contains(type) else {
            throw Problem(.unsupportedMediaType, "Unsupported media type", detail: "send JSON Lines as application/x-ndjson")
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

    /// Every line read before anything is stored: a problem names its line and field.
    static func tasks(in data: Data) throws -> [TodoTask] {
        guard String(validating: data, as: UTF8.self) != nil else { throw Problem(.badRequest, "Invalid JSON Lines", detail: "the body is not valid UTF-8") }
        var tasks: [TodoTask] = []
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.filter { $0 != UInt8(ascii: "\r") }
            guard !trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            let number = i + 1
            let exported: ExportedTask
            do { exported = try JSONDecoder().decode(ExportedTask.self, from: Data(trimmed)) } catch DecodingError.keyNotFound(let key, _) {
                throw Problem(.badRequest, "Invalid line", detail: "line \(number): \(key.stringValue) is required; nothing was imported", field: "line \(number): \(key.stringValue)")
            } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
                let field = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw Problem(.badRequest, "Invalid line", detail: "line \(number): \(field) has the wrong type; nothing was imported", field: "line \(number): \(field)")
            } catch {
                throw Problem(.badRequest, "Invalid line", detail: "line \(number) is not a JSON object of a task; nothing was imported", field: "line \(number)")
            }
            do {
                let task = try exported.task()
                if let problem = TaskRules.problem(with: task) {
                    throw Problem(.badRequest, "Invalid line", detail: "line \(number): \(problem); nothing was imported", field: "line \(number): \(problem.field)")
                }
                tasks.append(task)
            } catch let problem as ExportedTask.Problem {
                throw Problem(.badRequest, "Invalid line", detail: "line \(number): \(problem.message); nothing was imported", field: "line \(number): \(problem.field)")
            }
        }
        return tasks
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

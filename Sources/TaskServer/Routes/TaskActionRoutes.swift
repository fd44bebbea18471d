import Foundation
import Hummingbird
import TaskService

/// What is done to one task besides editing: done, reopen, explain, similar.
struct TaskActionRoutes {
    let state: any ServerBackend

    func add(to router: Router<TaskRequestContext>) {
        router.post("/api/tasks/{id}/done") { request, context in
            try await change(request, TaskID.of(context), context.tasks()) { try await $0.markDone(id: $1, precondition: $2) }
        }
        router.post("/api/tasks/{id}/reopen") { request, context in
            try await change(request, TaskID.of(context), context.tasks()) { try await $0.reopen(id: $1, precondition: $2) }
        }
        router.get("/api/tasks/{id}/explain") { request, context in try await explain(request, id: TaskID.of(context), context.tasks()) }
        router.get("/api/tasks/{id}/similar") { request, context in try await similar(request, id: TaskID.of(context), context.tasks()) }
    }

    /// Done or reopen, refused with a 412 when an If-Match header names another state of the task.
    func change(_ request: Request, _ id: Int64, _ scope: TaskScope,
                _ body: (any TaskRepository, Int64, TaskPrecondition?) async throws -> TodoTask) async throws -> Response {
        let task = try await body(scope.tasks, id, try ETag.precondition(request.headers[.ifMatch], id: id))
        await state.changed(.updated, [task], in: scope)
        return try Responses.task(task, enrichment: try await scope.tasks.enrichmentState(of: id))
    }

    func explain(_ request: Request, id: Int64, _ scope: TaskScope) async throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let task = try await scope.tasks.task(id: id)
        return try Responses.json(ExplanationOutput(task, try await state.explain(task, in: scope)))
    }

    func similar(_ request: Request, id: Int64, _ scope: TaskScope) async throws -> Response {
        let query = try QueryValues(request, allowed: ["limit", "min", "all"])
        let limit = try query.int("limit", default: 5, in: 1...100)
        let minimum = try query.float("min", default: 0.5, in: 0...1)
        let all = try query.bool("all")
        let hits = try await state.similar(to: id, limit: limit, minimum: minimum, includeDone: all, in: scope)
        return try Responses.json(hits.map { SimilarHit(similarity: $0.similarity, task: TaskOutput($0.task)) })
    }
}

struct SimilarHit: Encodable {
    var similarity: Float
    var task: TaskOutput
}

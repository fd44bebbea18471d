import Foundation
import Hummingbird
import TaskService

/// What is done to one task besides editing: done, reopen, explain, similar.
struct TaskActionRoutes {
    let state: ServerState

    func add(to router: Router<BasicRequestContext>) {
        router.post("/api/tasks/{id}/done") { _, context in try await change(TaskID.of(context)) { try $0.markDone(ids: [$1]) } }
        router.post("/api/tasks/{id}/reopen") { _, context in try await change(TaskID.of(context)) { try $0.reopen(ids: [$1]) } }
        router.get("/api/tasks/{id}/explain") { request, context in try await explain(request, id: TaskID.of(context)) }
        router.get("/api/tasks/{id}/similar") { request, context in try await similar(request, id: TaskID.of(context)) }
    }

    func change(_ id: Int64, _ body: @escaping @Sendable (TaskStore, Int64) throws -> [TodoTask]) async throws -> Response {
        let store = state.store
        let (task, pending) = try await state.blocking { () -> (TodoTask, Bool) in
            let changed = try body(store, id)
            return (changed[0], try store.hasPendingEnrichment(id))
        }
        await state.durable.sync()
        state.search.invalidate()
        await state.events.publish(.updated, task)
        return try Responses.task(task, enrichment: pending ? .pending : .done)
    }

    func explain(_ request: Request, id: Int64) async throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let (store, enricher, model) = (state.store, state.enricher, state.model)
        let (task, explanation) = try await state.blocking { () -> (TodoTask, Enricher.Explanation) in
            let task = try store.task(id: id)
            return (task, try model.use { try enricher.explain(task) })
        }
        return try Responses.json(ExplanationOutput(task, explanation))
    }

    func similar(_ request: Request, id: Int64) async throws -> Response {
        let query = try QueryValues(request, allowed: ["limit", "min", "all"])
        let limit = try query.int("limit", default: 5, in: 1...100)
        let minimum = try query.float("min", default: 0.5, in: 0...1)
        let all = try query.bool("all")
        let search = state.search
        let hits = try await state.blocking { try search.similar(to: id, limit: limit, minimum: minimum, includeDone: all) }
        return try Responses.json(hits.map { SimilarHit(similarity: $0.similarity, task: TaskOutput($0.task)) })
    }
}

struct SimilarHit: Encodable {
    var similarity: Float
    var task: TaskOutput
}

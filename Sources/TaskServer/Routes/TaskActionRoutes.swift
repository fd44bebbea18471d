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
        return try Responses.json(ExplainBody(task, explanation))
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

/// `todo explain --json`'s shape: the priority term by term, the category's scores, the tags' sources.
struct ExplainBody: Encodable {
    struct Term: Encodable {
        var name: String
        var coefficient: Double
        var value: Double
        var contribution: Double
        var why: String
    }

    struct Category: Encodable {
        var category: String?
        var storedCategory: String?
        var setBy: TodoTask.SetBy
        var method: String
        var scores: [CategoryExplanation.Score]

        enum CodingKeys: String, CodingKey {
            case category, method, scores
            case storedCategory = "stored_category", setBy = "set_by"
        }
    }

    struct Tags: Encodable {
        var tags: [String]
        var setBy: TodoTask.SetBy
        var suggested: [TagExplanation]

        enum CodingKeys: String, CodingKey {
            case tags, suggested
            case setBy = "set_by"
        }
    }

    var terms: [Term]
    var score: Double
    var priority: TodoTask.Priority
    var storedPriority: TodoTask.Priority?
    var setBy: TodoTask.SetBy
    var category: Category
    var tags: Tags

    enum CodingKeys: String, CodingKey {
        case terms, score, priority, category, tags
        case storedPriority = "stored_priority", setBy = "set_by"
    }

    init(_ task: TodoTask, _ e: Enricher.Explanation) {
        terms = e.priority.terms.map { Term(name: $0.name, coefficient: $0.coefficient, value: $0.value, contribution: $0.contribution, why: $0.why) }
        score = e.priority.score
        priority = e.priority.priority
        storedPriority = task.priority
        setBy = task.setBy(.priority)
        category = Category(category: e.category.category, storedCategory: task.category, setBy: task.setBy(.category),
                            method: e.category.byZeroShot ? "zero-shot" : "examples", scores: e.category.scores)
        tags = Tags(tags: task.tags, setBy: task.setBy(.tags), suggested: e.tags)
    }
}

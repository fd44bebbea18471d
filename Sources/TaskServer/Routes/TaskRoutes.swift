import Foundation
import Hummingbird
import TaskService

/// Create, list, read, change and delete tasks.
struct TaskRoutes {
    let state: ServerState
    let inline: InlineEnrichment

    func add(to router: Router<BasicRequestContext>) {
        router.post("/api/tasks") { request, _ in try await create(request) }
        router.get("/api/tasks") { request, _ in try await list(request) }
        router.get("/api/tasks/{id}") { _, context in try await show(TaskID.of(context)) }
        router.patch("/api/tasks/{id}") { request, context in try await patch(request, id: TaskID.of(context)) }
        router.delete("/api/tasks/{id}") { _, context in try await delete(TaskID.of(context)) }
    }

    func create(_ request: Request) async throws -> Response {
        let query = try QueryValues(request, allowed: ["enrich"])
        let skipInline = try enrichAsync(query)
        let body = try await JSONBody.read(request, limit: state.settings.maxBodyBytes, allowed: CreateTaskRequest.fields)
        let task = try CreateTaskRequest(body).task()
        if let problem = TaskRules.problem(with: task) { throw Problem.invalid(problem.field, problem.problem) }
        let store = state.store
        // Stored with its enrichment job in one transaction, then synced: the 201 survives a crash.
        let stored = try await state.blocking { try store.add(task, enqueue: true) }
        await state.durable.sync()
        state.search.invalidate()
        await state.events.publish(.created, stored)
        let (task2, enrichment) = await inline.enrich(stored, skip: skipInline)
        return try Responses.task(task2, enrichment: enrichment, status: .created)
    }

    func enrichAsync(_ query: QueryValues) throws -> Bool {
        switch query.string("enrich") {
        case nil, "inline": return false
        case "async": return true
        default: throw Problem.invalid("enrich", "must be inline or async")
        }
    }

    func list(_ request: Request) async throws -> Response {
        let query = try QueryValues(request, allowed: ["status", "category", "priority", "tag", "due_before", "due_after", "limit", "cursor", "order"])
        let status: TodoTask.Status?
        switch query.string("status") ?? "pending" {
        case "all": status = nil
        case "pending": status = .pending
        case "done": status = .done
        default: throw Problem.invalid("status", "must be pending, done or all")
        }
        let now = Date()
        let filter = TaskFilter(status: status, category: query.string("category"), priority: try query.string("priority").map(FieldValues.priority),
                                tag: query.string("tag"),
                                dueBefore: try query.string("due_before").map { try FieldValues.due($0, now: now, field: "due_before") },
                                dueAfter: try query.string("due_after").map { try FieldValues.due($0, now: now, field: "due_after") })
        let limit = try query.int("limit", default: 50, in: 1...500)
        let cursor = try query.string("cursor").map { text -> Int64 in
            guard let id = Int64(text), id >= 0 else { throw Problem.invalid("cursor", "is not a cursor this API gave (use the \"next\" of a page)") }
            return id
        }
        let newestFirst: Bool
        switch query.string("order") ?? "oldest" {
        case "oldest": newestFirst = false
        case "newest": newestFirst = true
        default: throw Problem.invalid("order", "must be oldest or newest")
        }
        let store = state.store
        let page = try await state.blocking { try store.page(filter, after: cursor, limit: limit, newestFirst: newestFirst) }
        return try Responses.json(TaskPage(tasks: page.tasks.map(TaskOutput.init), next: page.next.map(String.init)))
    }

    func show(_ id: Int64) async throws -> Response {
        let store = state.store
        let (task, pending) = try await state.blocking { (try store.task(id: id), try store.hasPendingEnrichment(id)) }
        return try Responses.task(task, enrichment: pending ? .pending : .done)
    }

    func patch(_ request: Request, id: Int64) async throws -> Response {
        let query = try QueryValues(request, allowed: ["enrich"])
        let skipInline = try enrichAsync(query)
        let body = try await JSONBody.read(request, limit: state.settings.maxBodyBytes, allowed: PatchTaskRequest.fields)
        let change = try PatchTaskRequest(body)
        let ifMatch = request.headers[.ifMatch]
        let (store, edits) = (state.store, state.edits)
        // Compare and write under one lock: two clients holding the same ETag cannot both win.
        let (stored, reenrich) = try await state.blocking { () throws -> (TodoTask, Bool) in
            try edits.use {
                let current = try store.task(id: id)
                if let ifMatch, try !ETag.matches(ifMatch, ETag.of(current)) {
                    throw Problem(.preconditionFailed, "Changed meanwhile",
                                  detail: "task \(id) changed since you read it (its ETag is now \(ETag.of(current))); read it again and reapply your change")
                }
                let (edited, reenrich) = change.applied(to: current)
                if let problem = TaskRules.problem(with: edited) { throw Problem.invalid(problem.field, problem.problem) }
                return (try store.update(edited, reenrich: reenrich), reenrich)
            }
        }
        await state.durable.sync()
        state.search.invalidate()
        await state.events.publish(.updated, stored)
        guard reenrich else { return try Responses.task(stored, enrichment: try await pendingState(id)) }
        let (task, enrichment) = await inline.enrich(stored, skip: skipInline)
        return try Responses.task(task, enrichment: enrichment)
    }

    private func pendingState(_ id: Int64) async throws -> EnrichmentState {
        let store = state.store
        return try await state.blocking { try store.hasPendingEnrichment(id) } ? .pending : .done
    }

    func delete(_ id: Int64) async throws -> Response {
        let store = state.store
        let deleted = try await state.blocking { try store.delete(ids: [id]) }
        await state.durable.sync()
        state.search.invalidate()
        for task in deleted { await state.events.publish(.deleted, task) }
        return Response(status: .noContent)
    }
}

/// A page of `GET /api/tasks`: `next` is the cursor of the following page, null on the last.
struct TaskPage: Encodable {
    var tasks: [TaskOutput]
    var next: String?

    private enum Keys: String, CodingKey { case tasks, next }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(next, forKey: .next)  // null on the last page, never absent
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import TaskService

/// Create, list, read, change and delete tasks.
struct TaskRoutes {
    let state: any ServerBackend

    func add(to router: Router<TaskRequestContext>) {
        router.post("/api/tasks") { request, context in try await create(request, context.tasks()) }
        router.get("/api/tasks") { request, context in try await list(request, context.tasks()) }
        router.get("/api/tasks/{id}") { _, context in try await show(TaskID.of(context), context.tasks()) }
        router.patch("/api/tasks/{id}") { request, context in try await patch(request, id: TaskID.of(context), context.tasks()) }
        router.delete("/api/tasks/{id}") { request, context in try await delete(request, id: TaskID.of(context), context.tasks()) }
    }

    func create(_ request: Request, _ scope: TaskScope) async throws -> Response {
        let query = try QueryValues(request, allowed: ["enrich"])
        let skipInline = try enrichAsync(query)
        let body = try await JSONBody.read(request, limit: state.settings.maxBodyBytes, allowed: CreateTaskRequest.fields)
        let task = try CreateTaskRequest(body, dueDates: try ClientTimeZone.dueDates(for: request)).task(categoryName: state.enrichmentSettings.categoryName)
        if let problem = TaskRules.problem(with: task) { throw Problem.invalid(problem.field, problem.problem) }
        let key = try request.headers[Self.idempotencyKey].map { given in
            guard let key = IdempotencyKey(given) else { throw Problem.invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters") }
            return key
        }
        // Stored with its enrichment job in one transaction, durably: the 201 survives a crash.
        let added = try await scope.tasks.add(task, idempotencyKey: key)
        if added.replayed {
            // A retry: the task its first try stored, as it is now; nothing new is stored or told.
            var response = try Responses.task(added.task, enrichment: try await scope.tasks.enrichmentState(of: added.task.id!), status: .created)
            response.headers[Self.replayed] = "true"
            return response
        }
        let stored = added.task
        await state.changed(.created, [stored], in: scope)
        let (task2, enrichment) = await state.enrichInline(stored, skip: skipInline, in: scope)
        return try Responses.task(task2, enrichment: enrichment, status: .created)
    }

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    func enrichAsync(_ query: QueryValues) throws -> Bool {
        switch query.string("enrich") {
        case nil, "inline": return false
        case "async": return true
        default: throw Problem.invalid("enrich", "must be inline or async")
        }
    }

    func list(_ request: Request, _ scope: TaskScope) async throws -> Response {
        let query = try QueryValues(request, allowed: ["status", "category", "priority", "tag", "due_before", "due_after", "limit", "cursor", "order"])
        let status: TodoTask.Status?
        switch query.string("status") ?? "pending" {
        case "all": status = nil
        case "pending": status = .pending
        case "done": status = .done
        default: throw Problem.invalid("status", "must be pending, done or all")
        }
        let (now, dueDates) = (Date(), try ClientTimeZone.dueDates(for: request))
        let filter = TaskFilter(status: status, category: query.string("category"), priority: try query.string("priority").map(FieldValues.priority),
                                tag: query.string("tag"),
                                dueBefore: try query.string("due_before").map { try FieldValues.due($0, parser: dueDates, now: now, field: "due_before") },
                                dueAfter: try query.string("due_after").map { try FieldValues.due($0, parser: dueDates, now: now, field: "due_after") })
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
        let page = try await scope.tasks.page(filter, after: cursor, limit: limit, newestFirst: newestFirst)
        return try Responses.json(TaskPage(tasks: page.tasks.map(TaskBody.init(listing:)), next: page.next.map(String.init)))
    }

    func show(_ id: Int64, _ scope: TaskScope) async throws -> Response {
        let task = try await scope.tasks.task(id: id)
        return try Responses.task(task, enrichment: try await scope.tasks.enrichmentState(of: id))
    }

    func patch(_ request: Request, id: Int64, _ scope: TaskScope) async throws -> Response {
        let query = try QueryValues(request, allowed: ["enrich"])
        let skipInline = try enrichAsync(query)
        let body = try await JSONBody.read(request, limit: state.settings.maxBodyBytes, allowed: PatchTaskRequest.fields)
        let change = try PatchTaskRequest(body, categoryName: state.enrichmentSettings.categoryName, dueDates: try ClientTimeZone.dueDates(for: request))
        let precondition = try ETag.precondition(request.headers[.ifMatch], id: id)
        let edit = try await scope.tasks.edit(id: id) { current in
            try precondition?(current)
            let (edited, reenrich) = change.applied(to: current)
            if let problem = TaskRules.problem(with: edited) { throw Problem.invalid(problem.field, problem.problem) }
            return TaskEdit(task: edited, reenrich: reenrich)
        }
        if edit.changed { await state.changed(.updated, [edit.task], in: scope) }
        guard edit.reenrich else {
            return try Responses.task(edit.task, enrichment: try await scope.tasks.enrichmentState(of: id))
        }
        let (task, enrichment) = await state.enrichInline(edit.task, skip: skipInline, in: scope)
        return try Responses.task(task, enrichment: enrichment)
    }

    func delete(_ request: Request, id: Int64, _ scope: TaskScope) async throws -> Response {
        let deleted = try await scope.tasks.delete(id: id, precondition: try ETag.precondition(request.headers[.ifMatch], id: id))
        await state.changed(.deleted, [deleted], in: scope)
        return Response(status: .noContent)
    }
}

/// A page of `GET /api/tasks`: `next` is the cursor of the following page, null on the last.
struct TaskPage: Encodable {
    var tasks: [TaskBody]
    var next: String?

    private enum Keys: String, CodingKey { case tasks, next }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(next, forKey: .next)  // null on the last page, never absent
    }
}

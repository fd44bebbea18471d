import Foundation
import Hummingbird
import TaskService

/// POST /api/undo: `todo undo` for the page and the API. The last recorded command — a
/// request's or a shell's, on a SQLite file; the account's own, on PostgreSQL — is reverted
/// as a whole, and the tasks it touched are told to the event streams.
struct UndoRoute {
    let state: any ServerBackend

    func add(to router: Router<TaskRequestContext>) {
        router.post("/api/undo") { request, context in try await undo(request, context.tasks()) }
    }

    /// As `todo undo --json` prints it, each task with its ETag (as in a list) for the next edit.
    struct Undone: Encodable {
        var command: String
        var tasks: [TaskBody]
    }

    func undo(_ request: Request, _ scope: TaskScope) async throws -> Response {
        let force = try QueryValues(request, allowed: ["force"]).bool("force")
        guard let undone = try await scope.tasks.undo(force: force) else {
            throw Problem(.conflict, "Nothing to undo", detail: "there is no recorded command left to undo")
        }
        // An undone add is a removal; every other task is shown as it is again.
        let removed = undone.tasks.filter { $0.status == .deleted }, shown = undone.tasks.filter { $0.status != .deleted }
        if !removed.isEmpty { await state.changed(.deleted, removed, in: scope) }
        if !shown.isEmpty { await state.changed(.updated, shown, in: scope) }
        return try Responses.json(Undone(command: undone.command, tasks: undone.tasks.map(TaskBody.init(listing:))))
    }
}

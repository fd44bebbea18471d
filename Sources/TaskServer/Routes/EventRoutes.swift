import Foundation
import HTTPTypes
import Hummingbird

/// `GET /api/events`: Server-Sent Events of task changes. A client that reconnects with
/// `Last-Event-ID` (or `?after=`) first gets the events it missed, then the live ones. With a
/// token, a browser sends it as `?access_token=` (EventSource cannot set a header).
struct EventRoutes {
    let state: any ServerBackend
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    func add(to router: Router<TaskRequestContext>) {
        router.get("/api/events") { request, context in try await events(request, context.tasks()) }
    }

    /// Only the events of the scope's own tasks.
    func events(_ request: Request, _ scope: TaskScope) async throws -> Response {
        let query = try QueryValues(request, allowed: ["after", "access_token"])
        // Any text: an id this process never sent (another process's, or garbage) gets `event: gap`
        // and the kept events — a 400 would make EventSource retry with the same id forever.
        let given = (request.headers[Self.lastEventID] ?? query.string("after")).map { $0.trimmingCharacters(in: .whitespaces) }
        let (events, gap) = await state.events.subscribe(after: given, owner: scope.owner)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // A comment first, so the client sees the stream open; a gap is said, never hidden.
            var opening = ": task events\nretry: 1000\n\n"
            if gap { opening += "event: gap\ndata: {\"detail\":\"some events since your Last-Event-ID are no longer kept: reload the task list\"}\n\n" }
            try await writer.write(ByteBuffer(string: opening))
            for await event in events { try await writer.write(ByteBuffer(string: event.wireText)) }
            try await writer.finish(nil)
        })
    }
}

import Foundation
import NIOHTTP1
import TaskService
import XCTest

/// POST /api/undo: `todo undo` over HTTP, on a server of its own (a fresh history).
final class UndoRouteTests: XCTestCase {
    func testUndoRevertsTheLastRequestTellsTheStreamAndNeverLosesALaterChange() async throws {
        let server = try ServerProcess(arguments: ["--inline-budget-ms", "20000"]).start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let nothing = try await client.send(.POST, "/api/undo")
        XCTAssertEqual(nothing.status, 409, nothing.text)
        XCTAssertEqual(nothing.json["title"] as? String, "Nothing to undo")
        let asRead = try await client.send(.GET, "/api/undo")
        XCTAssertEqual(asRead.status, 405)
        let badForce = try await client.send(.POST, "/api/undo?force=maybe")
        XCTAssertEqual(badForce.json["field"] as? String, "force", badForce.text)

        let created = try await client.post("/api/tasks", json: ["title": "Return the library books"])
        let id = try XCTUnwrap(created.json["id"] as? Int)
        let deleted = try await client.send(.DELETE, "/api/tasks/\(id)")
        XCTAssertEqual(deleted.status, 204)
        // The revived task reaches the open streams, as any change does.
        let events = try await EventStreamTests.read(server.baseURL, until: { events in
            events.contains { $0.kind == "task.updated" && $0.data["id"] as? Int == id }
        }) {
            let undone = try await client.send(.POST, "/api/undo")
            XCTAssertEqual(undone.status, 200, undone.text)
            XCTAssertEqual(undone.json["command"] as? String, "DELETE /api/tasks/\(id) (todo serve)")
            let tasks = try XCTUnwrap(undone.json["tasks"] as? [[String: Any]])
            XCTAssertEqual(tasks.map { $0["status"] as? String }, ["pending"])
            XCTAssertNotNil(tasks.first?["etag"] as? String, "the next edit can send it as If-Match")
        }
        XCTAssertEqual(events.last { $0.data["id"] as? Int == id }?.data["status"] as? String, "pending")
        let back = try await client.get("/api/tasks/\(id)")
        XCTAssertEqual(back.status, 200, "the task is back")

        // A change no step records (here, written to the file directly) since the last request: refused
        // whole, nothing undone, unless forced.
        let patched = try await client.patch("/api/tasks/\(id)", json: ["title": "Return the library books by Friday"])
        XCTAssertEqual(patched.status, 200, patched.text)
        let store = try TaskStore(url: URL(fileURLWithPath: server.database))
        var task = try store.task(id: Int64(id))
        task.description = "two of them are overdue"
        _ = try store.update(task)
        let refused = try await client.send(.POST, "/api/undo")
        XCTAssertEqual(refused.status, 409, refused.text)
        let detail = refused.json["detail"] as? String ?? ""
        XCTAssertTrue(detail.hasPrefix("task \(id) was changed after `PATCH /api/tasks/\(id) (todo serve)`") && detail.contains("force=true"), detail)
        let kept = try await client.get("/api/tasks/\(id)")
        XCTAssertEqual(kept.json["title"] as? String, "Return the library books by Friday", "nothing undone")
        let forced = try await client.send(.POST, "/api/undo?force=true")
        XCTAssertEqual(forced.status, 200, forced.text)
        let restored = try await client.get("/api/tasks/\(id)").json
        XCTAssertEqual(restored["title"] as? String, "Return the library books")
        XCTAssertEqual(restored["description"] as? String, "", "the later change went with it, as asked")

        // The add itself: its task is removed, and the streams are told so.
        let removal = try await EventStreamTests.read(server.baseURL, until: { events in
            events.contains { $0.kind == "task.deleted" && $0.data["id"] as? Int == id }
        }) {
            let undone = try await client.send(.POST, "/api/undo?force=true")
            XCTAssertEqual(undone.json["command"] as? String, "POST /api/tasks (todo serve)", undone.text)
        }
        XCTAssertFalse(removal.isEmpty)
        let gone = try await client.get("/api/tasks/\(id)")
        XCTAssertEqual(gone.status, 404)
    }
}

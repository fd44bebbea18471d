import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import XCTest

/// `GET /api/events`: the events of a task's life, in order, and a reconnect that resumes.
final class EventStreamTests: XCTestCase {
    struct Event: @unchecked Sendable {
        var id: String
        var kind: String
        var data: [String: Any]
    }

    /// Reads events from the stream until `enough` says so (at most 60 s).
    static func read(_ base: String, lastEventID: String? = nil, token: String? = nil, until enough: @escaping ([Event]) -> Bool,
                     whileOpen action: @escaping @Sendable () async throws -> Void = {}) async throws -> [Event] {
        var request = HTTPClientRequest(url: base + "/api/events")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        XCTAssertEqual(response.status.code, 200)
        XCTAssertEqual(response.headers.first(name: "Content-Type"), "text/event-stream")
        let work = Task { try await action() }
        defer { work.cancel() }
        var events: [Event] = [], pending = ""
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let block = pending[..<end.lowerBound]
                pending.removeSubrange(..<end.upperBound)
                var id: String?, kind: String?, data: [String: Any]?
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { kind = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))) as? [String: Any] }
                }
                if let kind, let data { events.append(Event(id: id ?? "", kind: kind, data: data)) }
            }
            if enough(events) { break }
        }
        try await work.value
        return events
    }

    func testEventsTellATasksLifeAndAReconnectResumesWithoutAGap() async throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let idBox = LockedText()
        let events = try await Self.read(server.baseURL, until: { events in
            events.contains { $0.kind == "task.enriched" } && events.contains { $0.kind == "task.deleted" }
        }, whileOpen: {
            try await Task.sleep(for: .milliseconds(200))  // the stream is open
            let created = try await client.post("/api/tasks?enrich=async", json: ["title": "Call the bank about the mortgage"])
            let id = created.json["id"] as? Int ?? 0
            idBox.append(Data(String(id).utf8))
            _ = try await HTTPTestClient.eventually { try await client.get("/api/tasks/\(id)").json["enrichment"] as? String == "done" }
            _ = try await client.send(.DELETE, "/api/tasks/\(id)")
        })
        let id = Int(idBox.value) ?? -1
        let mine = events.filter { $0.data["id"] as? Int == id }
        XCTAssertEqual(mine.map(\.kind), ["task.created", "task.enriched", "task.deleted"])
        guard mine.count == 3 else { return }
        XCTAssertNotNil(mine[1].data["category"] as? String, "task.enriched carries the AI fields")
        let tags = mine.compactMap { $0.data["etag"] as? String }
        XCTAssertEqual(tags.count, 3, "each event carries the task's ETag, for an edit that follows")
        XCTAssertEqual(Set(tags).count, 3, "a new one at each change: \(tags)")
        // "EPOCH-N": one epoch, N increasing by one.
        let parts = events.map { $0.id.split(separator: "-").map(String.init) }
        XCTAssertTrue(parts.allSatisfy { $0.count == 2 && $0[0] == parts[0][0] }, "\(events.map(\.id))")
        let numbers = parts.compactMap { Int($0[1]) }
        XCTAssertEqual(numbers, Array(numbers[0]..<(numbers[0] + events.count)), "ids increase by one")
        XCTAssertFalse(events.contains { $0.kind == "gap" })

        // Reconnect after the first event: the rest come again, in order, none missing.
        let resumed = try await Self.read(server.baseURL, lastEventID: mine[0].id, until: { $0.count >= 2 })
        XCTAssertEqual(Array(resumed.prefix(2)).map(\.id), [mine[1].id, mine[2].id])
        XCTAssertEqual(Array(resumed.prefix(2)).map(\.kind), ["task.enriched", "task.deleted"])
    }

    /// What the CLI changes on the same file is told too (the task change log, read twice a
    /// second): its add as created (before the server's worker tells its enrichment), its done
    /// as updated, its delete as deleted; and the server's own task is told once, not again
    /// when the log shows its write.
    func testChangesTheCLIMakesAreToldToo() async throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let cli = TodoCLI(db: server.database)
        let posted = LockedText()
        let events = try await Self.read(server.baseURL, until: { events in
            events.contains { $0.kind == "task.deleted" && $0.data["title"] as? String == "Water the ferns" }
        }, whileOpen: {
            try await Task.sleep(for: .milliseconds(200))  // the stream is open
            let created = try await client.post("/api/tasks", json: ["title": "Posted: renew the library card", "priority": "low", "category": "Personal", "tags": ["library"]])
            posted.append(Data(String(created.json["id"] as? Int ?? 0).utf8))
            for args in [["add", "Water the ferns", "--async"], ["done", "2"], ["delete", "2"]] {
                let r = try cli.todo(args)
                XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
                try await Task.sleep(for: .milliseconds(1200))  // a look at the log between each
            }
        })
        let ferns = events.filter { $0.data["title"] as? String == "Water the ferns" }
        let kinds = ferns.map(\.kind)
        XCTAssertEqual(kinds.first, "task.created", "\(kinds)")
        XCTAssertEqual(kinds.filter { $0 == "task.created" }.count, 1, "\(kinds)")
        XCTAssertTrue(ferns.contains { $0.kind == "task.updated" && $0.data["status"] as? String == "done" }, "\(kinds)")
        XCTAssertEqual(kinds.last, "task.deleted", "\(kinds)")
        let mine = events.filter { $0.data["id"] as? Int == Int(posted.value) }
        XCTAssertEqual(mine.map(\.kind).filter { $0 != "task.enriched" }, ["task.created"], "the server's own task, told once")
    }

    /// Imported tasks are told as created, as posted ones are: a client never first hears of a
    /// task by its enrichment.
    func testImportedTasksAreToldAsCreated() async throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let events = try await Self.read(server.baseURL, until: { $0.filter { $0.kind == "task.created" }.count >= 2 }, whileOpen: {
            try await Task.sleep(for: .milliseconds(200))  // the stream is open
            let lines = Data("{\"title\": \"Imported one\"}\n{\"title\": \"Imported two\"}\n".utf8)
            let reply = try await client.send(.POST, "/api/import", body: lines, contentType: "application/x-ndjson")
            XCTAssertEqual(reply.status, 200, reply.text)
        })
        let created = events.filter { $0.kind == "task.created" }.compactMap { $0.data["title"] as? String }
        XCTAssertEqual(created, ["Imported one", "Imported two"])
        if let firstEnriched = events.firstIndex(where: { $0.kind == "task.enriched" }) {
            XCTAssertTrue(events[..<firstEnriched].filter { $0.kind == "task.created" }.count >= 1, "created before enriched")
        }
    }

    func testAnIDThisServerNeverSentIsAGapWithTheKeptEventsReplayed() async throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let created = try await client.post("/api/tasks?enrich=async", json: ["title": "Sent before the reconnect"])
        XCTAssertEqual(created.status, 201)
        // As after a restart: the client's last id is from an earlier process — even one whose
        // number this process has already passed — or is no id at all.
        let mine = try await Self.read(server.baseURL, lastEventID: "x", until: { $0.count >= 2 })
        let epoch = try XCTUnwrap(mine.last?.id.split(separator: "-").first)
        for stale in ["0-1", "\(epoch)x-1", "\(epoch)-5000", "5000", "garbage"] {
            let events = try await Self.read(server.baseURL, lastEventID: stale, until: { $0.count >= 2 })
            XCTAssertEqual(events.first?.kind, "gap", "\(stale): the client is told to reload")
            XCTAssertEqual(events.dropFirst().first?.kind, "task.created", "\(stale): and gets what this process kept")
        }
    }
}

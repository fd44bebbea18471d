import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import XCTest

/// `todo serve --db postgres://…`: replicas of a team's service on one PostgreSQL database,
/// each request scoped to its token's account, events carried between replicas by the database.
final class TeamServerTests: XCTestCase {
    /// A fresh database in the test cluster with accounts; their tokens by name.
    struct Team {
        let database: TestDatabase
        var tokens: [String: String] = [:]
        var url: String { database.url }

        init(_ names: [String], server: String? = nil) throws {
            database = try TestDatabase()
            for name in names { tokens[name] = try Self.addUser(name, url: database.url) }
        }

        static func addUser(_ name: String, url: String) throws -> String {
            let added = try TodoCLI(db: url).todo(["users", "add", name])
            guard added.status == 0, let token = added.out.split(separator: "\n").last.map(String.init) else {
                throw ServeTestError("todo users add \(name): \(added.err)")
            }
            return token
        }
    }

    override func setUp() async throws {
        try XCTSkipUnless(TestDatabase.available || ProcessInfo.processInfo.environment["SMART_TODO_REQUIRE_POSTGRES"] == "1",
                          "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)")
    }

    /// Bob can neither read, list, search, get `similar` or `explain` of, patch, delete, mark,
    /// export nor hear events about Alice's tasks — by id or by guessing ids; no token, a wrong
    /// one or a revoked one reaches nothing.
    func testEveryRouteIsScopedToTheTokensAccount() async throws {
        let team = try Team(["alice", "bob"])
        defer { try? team.database.drop() }
        let server = try ServerProcess(database: team.url).start()
        let alice = HTTPTestClient(baseURL: server.baseURL, token: team.tokens["alice"])
        let bob = HTTPTestClient(baseURL: server.baseURL, token: team.tokens["bob"])

        let noToken = try await HTTPTestClient(baseURL: server.baseURL).get("/api/tasks")
        XCTAssertEqual(noToken.status, 401)
        let wrongToken = try await HTTPTestClient(baseURL: server.baseURL, token: String(repeating: "0", count: 64)).get("/api/tasks")
        XCTAssertEqual(wrongToken.status, 401)

        // Bob listens from the start: he must hear nothing of Alice's.
        let bobsEvents = Task {
            try await EventStreamTests.read(server.baseURL, token: team.tokens["bob"], until: { $0.contains { $0.kind == "task.created" } })
        }
        var hers: [Int] = []
        for title in ["pay the rent", "book a dentist appointment", "renew passport"] {
            let created = try await alice.post("/api/tasks", json: ["title": title, "tags": ["private"]])
            XCTAssertEqual(created.status, 201, created.text)
            hers.append(try XCTUnwrap(created.json["id"] as? Int))
        }
        let bobs = try await bob.post("/api/tasks", json: ["title": "water the plants"])
        let his = try XCTUnwrap(bobs.json["id"] as? Int)

        for id in hers + [0, his + 1, 9_999_999] where id > 0 {
            let read = try await bob.get("/api/tasks/\(id)")
            XCTAssertEqual(read.status, 404, "read \(id)")
            let patched = try await bob.patch("/api/tasks/\(id)", json: ["title": "mine now"])
            XCTAssertEqual(patched.status, 404, "patch \(id)")
            let done = try await bob.send(.POST, "/api/tasks/\(id)/done")
            XCTAssertEqual(done.status, 404, "done \(id)")
            let reopened = try await bob.send(.POST, "/api/tasks/\(id)/reopen")
            XCTAssertEqual(reopened.status, 404, "reopen \(id)")
            let explained = try await bob.get("/api/tasks/\(id)/explain")
            XCTAssertEqual(explained.status, 404, "explain \(id)")
            let similar = try await bob.get("/api/tasks/\(id)/similar")
            XCTAssertEqual(similar.status, 404, "similar \(id)")
            let deleted = try await bob.send(.DELETE, "/api/tasks/\(id)")
            XCTAssertEqual(deleted.status, 404, "delete \(id)")
        }
        let listed = try await bob.get("/api/tasks?status=all&limit=500")
        XCTAssertEqual((listed.json["tasks"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }, [his])
        let exported = try await bob.get("/api/export")
        XCTAssertEqual(exported.status, 200)
        XCTAssertEqual(exported.text.split(separator: "\n").count, 1, exported.text)
        XCTAssertFalse(exported.text.contains("rent"))
        let stats = try await bob.get("/api/stats")
        XCTAssertEqual((stats.json["statuses"] as? [String: Int])?["pending"], 1, stats.text)
        let searched = try await bob.get("/api/search?q=rent&min_score=-1&all=true")
        XCTAssertEqual(searched.status, 200, searched.text)
        XCTAssertEqual((searched.json["hits"] as? [[String: Any]])?.compactMap { ($0["task"] as? [String: Any])?["id"] as? Int }, [his],
                       "Bob's search reaches his task only")

        // Alice still has all of hers, untouched; her own routes work.
        let mine = try await alice.get("/api/tasks?limit=500")
        XCTAssertEqual((mine.json["tasks"] as? [[String: Any]])?.compactMap { $0["title"] as? String }, ["pay the rent", "book a dentist appointment", "renew passport"])
        let herDone = try await alice.send(.POST, "/api/tasks/\(hers[0])/done")
        XCTAssertEqual(herDone.json["status"] as? String, "done")
        let herEdit = try await alice.patch("/api/tasks/\(hers[1])", json: ["title": "book the dentist"])
        XCTAssertEqual(herEdit.json["title"] as? String, "book the dentist")
        let herExplanation = try await alice.get("/api/tasks/\(hers[1])/explain")
        XCTAssertEqual(herExplanation.status, 200)
        let herDelete = try await alice.send(.DELETE, "/api/tasks/\(hers[2])")
        XCTAssertEqual(herDelete.status, 204)
        let herDeleted = try await alice.get("/api/tasks/\(hers[2])")
        XCTAssertEqual(herDeleted.status, 404)
        let imported = try await alice.send(.POST, "/api/import", body: Data(exported.text.utf8), contentType: "application/x-ndjson")
        XCTAssertEqual(imported.json["added"] as? Int, 1, "Bob's export, imported by Alice, becomes a copy of her own: \(imported.text)")
        let hisList = try await bob.get("/api/tasks")
        XCTAssertEqual(hisList.json["tasks"].map { ($0 as? [[String: Any]])?.count }, 1, "Bob's task stays his alone")

        // Bob's stream: only his own task's creation, numbered as his first event (the ids an
        // account sees say nothing of the others' activity).
        let heard = try await bobsEvents.value
        XCTAssertEqual(heard.filter { $0.kind == "task.created" }.compactMap { $0.data["id"] as? Int }, [his])
        XCTAssertEqual(heard.first?.id.split(separator: "-").last, "1", "\(heard.map(\.id))")
        XCTAssertFalse(heard.contains { ($0.data["title"] as? String)?.contains("rent") == true })

        // Undo takes back the account's own last request, never another's (Alice's import came after
        // Bob's add). Forced: the worker's AI fields changed both tasks since.
        let hisUndo = try await bob.send(.POST, "/api/undo?force=true")
        XCTAssertEqual(hisUndo.json["command"] as? String, "POST /api/tasks (todo serve)", hisUndo.text)
        XCTAssertEqual((hisUndo.json["tasks"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }, [his])
        let herUndo = try await alice.send(.POST, "/api/undo?force=true")
        XCTAssertEqual(herUndo.json["command"] as? String, "POST /api/import (todo serve)", herUndo.text)
        let herTasks = try await alice.get("/api/tasks?status=all&limit=500")
        XCTAssertEqual(herTasks.json["tasks"].map { ($0 as? [[String: Any]])?.count }, 2, "her import undone, her own two tasks kept")

        // The replica's enrichment from the shared queue shows in /metrics; the result cache's
        // gauges are not shown, since PostgreSQL counts no hits (they were zeros).
        var metrics = ""
        let counted = try await HTTPTestClient.eventually(timeout: 30) {
            metrics = try await alice.get("/metrics").text
            let enriched = metrics.split(separator: "\n").first { $0.hasPrefix("smart_todo_jobs_enriched_total ") }
            return enriched.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 > 0 } ?? false
        }
        XCTAssertTrue(counted, metrics)
        XCTAssertTrue(metrics.contains("smart_todo_forward_pass_seconds_count"), metrics)
        XCTAssertFalse(metrics.contains("smart_todo_cache_entries"), metrics)

        // Revoked: refused at once, and the stream her token opened is closed.
        let started = ContinuousClock.now
        let heardAfter = try await EventStreamTests.read(server.baseURL, token: team.tokens["alice"], until: { _ in false }, whileOpen: {
            try await Task.sleep(for: .milliseconds(300))  // the stream is open
            XCTAssertEqual(try TodoCLI(db: team.url).todo(["users", "revoke", "alice"]).status, 0)
            _ = try await bob.post("/api/tasks", json: ["title": "after the revocation"])
        })
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10), "the stream ends when the account is revoked")
        XCTAssertFalse(heardAfter.contains { ($0.data["title"] as? String) == "after the revocation" }, "Bob's task is not hers")
        let revoked = try await alice.get("/api/tasks")
        XCTAssertEqual(revoked.status, 401)
        let hisAfterRevoke = try await bob.get("/api/tasks")
        XCTAssertEqual(hisAfterRevoke.status, 200)
        server.signal(SIGTERM)
        XCTAssertEqual(server.waitForExit(), 0, server.stderr)
    }

    /// A page connected to replica A sees what replica B stored and what a worker enriched.
    func testEventsReachEveryReplica() async throws {
        let team = try Team(["alice"])
        defer { try? team.database.drop() }
        let a = try ServerProcess(database: team.url).start()
        let b = try ServerProcess(database: team.url).start()
        let token = try XCTUnwrap(team.tokens["alice"])
        let events = try await EventStreamTests.read(a.baseURL, token: token, until: { events in
            events.contains { $0.kind == "task.enriched" }
        }, whileOpen: {
            let created = try await HTTPTestClient(baseURL: b.baseURL, token: token).post("/api/tasks?enrich=async", json: ["title": "fix the leaking kitchen tap"])
            XCTAssertEqual(created.status, 201)
        })
        XCTAssertEqual(events.first?.kind, "task.created")
        XCTAssertEqual(events.first?.data["title"] as? String, "fix the leaking kitchen tap")
        let enriched = try XCTUnwrap(events.first { $0.kind == "task.enriched" })
        XCTAssertNotNil(enriched.data["category"] as? String, "the AI fields travel with the event")
        // A request on either replica waits for its own task's enrichment within the budget.
        let inline = try await HTTPTestClient(baseURL: a.baseURL, token: token).post("/api/tasks", json: ["title": "call mum on sunday"])
        XCTAssertEqual(inline.status, 201)
        XCTAssertEqual(inline.json["enrichment"] as? String, "done", inline.text)
    }

    /// Each replica searches an account's tasks from an index it holds, kept current by the
    /// database's notifications: what replica A stores, edits or deletes, replica B's search
    /// and `similar` follow, for that account only.
    func testSearchOnEveryReplicaFollowsTheDatabase() async throws {
        let team = try Team(["alice", "bob"])
        defer { try? team.database.drop() }
        let a = try ServerProcess(database: team.url).start()
        let b = try ServerProcess(database: team.url).start()
        let onA = HTTPTestClient(baseURL: a.baseURL, token: team.tokens["alice"])
        let onB = HTTPTestClient(baseURL: b.baseURL, token: team.tokens["alice"])
        var ids: [String: Int] = [:]
        for title in ["fix the leaking kitchen tap", "renew passport before the trip", "book a dentist appointment", "fix the kitchen tap that leaks"] {
            let created = try await onA.post("/api/tasks", json: ["title": title])
            XCTAssertEqual(created.status, 201, created.text)
            ids[title] = try XCTUnwrap(created.json["id"] as? Int)
        }
        _ = try await HTTPTestClient(baseURL: a.baseURL, token: team.tokens["bob"]).post("/api/tasks", json: ["title": "call the plumber"])
        let tap = try XCTUnwrap(ids["fix the leaking kitchen tap"]), passport = try XCTUnwrap(ids["renew passport before the trip"])

        /// The ids `query` finds on `client`, best first, once every task is indexed.
        func found(_ client: HTTPTestClient, _ query: String) async throws -> [Int] {
            let reply = try await client.get("/api/search?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&limit=3")
            XCTAssertEqual(reply.status, 200, reply.text)
            return (reply.json["hits"] as? [[String: Any]])?.compactMap { ($0["task"] as? [String: Any])?["id"] as? Int } ?? []
        }
        var first: [Int] = []
        let indexed = try await HTTPTestClient.eventually(timeout: 20) {
            first = try await found(onB, "plumbing repair")
            return first.count == 3
        }
        XCTAssertTrue(indexed, "\(first)")
        XCTAssertEqual(Set(first.prefix(2)), [tap, ids["fix the kitchen tap that leaks"]!], "B finds A's tasks, not Bob's plumber")
        let near = try await onB.get("/api/tasks/\(tap)/similar")
        XCTAssertEqual(near.status, 200, near.text)
        XCTAssertEqual((near.jsonArray.first?["task"] as? [String: Any])?["id"] as? Int, ids["fix the kitchen tap that leaks"], near.text)

        // An edit on A: B's search finds the task by its new words once told.
        let edited = try await onA.patch("/api/tasks/\(passport)", json: ["title": "take the car for its annual service"])
        XCTAssertEqual(edited.status, 200, edited.text)
        let followed = try await HTTPTestClient.eventually(timeout: 10) { try await found(onB, "vehicle maintenance").first == passport }
        XCTAssertTrue(followed, "B's index follows A's edit")
        // A delete on B: A's search no longer finds it.
        let deleted = try await onB.send(.DELETE, "/api/tasks/\(tap)")
        XCTAssertEqual(deleted.status, 204)
        let gone = try await HTTPTestClient.eventually(timeout: 10) { try await !found(onA, "plumbing repair").contains(tap) }
        XCTAssertTrue(gone, "A's index follows B's delete")
        for server in [a, b] {
            server.signal(SIGTERM)
            XCTAssertEqual(server.waitForExit(), 0, server.stderr)
        }
    }
}

extension TeamServerTests {
    /// 2 replicas + 2 `todo worker`s on one database: 4 clients × 500 `POST /api/tasks` spread
    /// over both replicas → 2,000 tasks, none lost, none duplicated, each enriched exactly once
    /// (a trigger of the test's own counts every time a task's AI fields are written).
    func testTwoReplicasAndTwoWorkersStoreAndEnrichEachTaskOnce() async throws {
        let team = try Team(["alice"])
        defer { try? team.database.drop() }
        try TestDatabase.psql(team.url, """
            CREATE TABLE enrichment_applied (task_id bigint NOT NULL);
            CREATE FUNCTION count_enrichment() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO enrichment_applied VALUES (NEW.id); RETURN NULL; END $$;
            CREATE TRIGGER count_enrichment AFTER UPDATE ON task FOR EACH ROW
                WHEN (OLD.provenance IS DISTINCT FROM NEW.provenance) EXECUTE FUNCTION count_enrichment();
            """)
        let replicas = [try ServerProcess(database: team.url).start(), try ServerProcess(database: team.url).start()]
        let workers = try (0..<2).map { _ in try WorkerProcess(database: team.url) }
        let token = try XCTUnwrap(team.tokens["alice"])
        let (clients, perClient) = (4, 500)
        let acknowledged = LockedList()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<clients {
                group.addTask {
                    for i in 0..<perClient {
                        let replica = replicas[(c + i) % replicas.count]
                        let reply = try await HTTPTestClient(baseURL: replica.baseURL, token: token)
                            .post("/api/tasks?enrich=async", json: ["title": "client \(c) task \(i): call the plumber about the boiler"])
                        XCTAssertEqual(reply.status, 201, reply.text)
                        if let id = reply.json["id"] as? Int { acknowledged.append(id) }
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(acknowledged.count, clients * perClient)
        XCTAssertEqual(Set(acknowledged.values).count, clients * perClient, "no id given twice")
        XCTAssertEqual(try TestDatabase.psql(team.url, "SELECT count(*), count(DISTINCT title) FROM task"), "\(clients * perClient)|\(clients * perClient)")
        let drained = try await HTTPTestClient.eventually(timeout: 300) {
            try TestDatabase.psql(team.url, "SELECT count(*) FROM enrichment_job WHERE state <> 'done'") == "0"
        }
        let states = try TestDatabase.psql(team.url, "SELECT state, count(*) FROM enrichment_job GROUP BY state")
        XCTAssertTrue(drained, "the queue drained: \(states)")
        XCTAssertEqual(try TestDatabase.psql(team.url, "SELECT count(*) FROM task WHERE provenance = '{}'"), "0", "every task enriched")
        XCTAssertEqual(try TestDatabase.psql(team.url, "SELECT count(*) FROM (SELECT task_id FROM enrichment_applied GROUP BY task_id HAVING count(*) <> 1) AS twice"), "0",
                       "each task's AI fields written once")
        XCTAssertEqual(try TestDatabase.psql(team.url, "SELECT count(DISTINCT task_id) FROM enrichment_applied"), "\(clients * perClient)")
        for worker in workers { worker.stop() }
    }
}

extension TeamServerTests {
    /// SIGTERM stops a worker's batch at its next window, even a pasted megabyte's (minutes of
    /// model work), and gives its job back at once: unclaimed, its attempt not counted.
    func testSIGTERMStopsAWorkersLongBatchAndReleasesItsJob() async throws {
        let team = try Team(["alice"])
        defer { try? team.database.drop() }
        let megabyte = String(repeating: "Pasted log: the nightly backup job on db-02 failed again with a timeout. ", count: 14_000)
        let added = try TodoCLI(db: team.url).todo(["add", "Pasted backup log", "--description", "-", "--async", "--user", "alice"],
                                                   stdin: Data(megabyte.utf8))
        XCTAssertEqual(added.status, 0, added.err)
        let worker = try WorkerProcess(database: team.url)
        let claimed = try await HTTPTestClient.eventually(timeout: 60) {
            try TestDatabase.psql(team.url, "SELECT count(*) FROM enrichment_job WHERE lease_id IS NOT NULL") == "1"
        }
        XCTAssertTrue(claimed, "the worker took the job")
        try await Task.sleep(for: .seconds(1))  // into the model work
        worker.process.terminate()
        let exited = try await HTTPTestClient.eventually(timeout: 60) { !worker.process.isRunning }
        XCTAssertTrue(exited, "SIGTERM stopped the megabyte's batch")
        guard exited else { kill(worker.process.processIdentifier, SIGKILL); return }
        XCTAssertEqual(worker.process.terminationStatus, 0)
        XCTAssertEqual(try TestDatabase.psql(team.url, "SELECT state, lease_id IS NULL, attempts FROM enrichment_job"), "pending|t|0",
                       "the job is back in the queue as it was")
    }
}

/// A `todo worker` process on a database, stopped by SIGTERM.
final class WorkerProcess: @unchecked Sendable {
    let process = Process()

    init(database: String) throws {
        process.executableURL = TodoCLI.binary
        process.arguments = ["worker", "--db", database]
        process.environment = ProcessInfo.processInfo.environment.merging(["SMART_TODO_WEIGHTS": PackagePaths.weights.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []

    func append(_ value: Int) { lock.lock(); items.append(value); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
    var count: Int { values.count }
}

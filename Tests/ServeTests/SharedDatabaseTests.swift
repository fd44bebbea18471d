import Foundation
import TestSupport
import XCTest

/// The CLI and the server on one database at once (SQLite WAL): neither loses the other's writes.
final class SharedDatabaseTests: XCTestCase {
    func testCLIAddsAndAPIPostsAtOnceAreAllStored() async throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let cli = TodoCLI(db: server.database)
        async let posted = LoadDriver.load(client, clients: 4, each: 10)
        // Eight CLI processes, one after another, while the API takes its 40.
        var cliStatuses: [Int32] = []
        for i in 0..<8 {
            cliStatuses.append(try cli.todo(["add", "From the command line \(i)", "--async"], environment: ["SMART_TODO_WEIGHTS": PackagePaths.weights.path]).status)
        }
        let (ids, statuses, _) = await posted
        XCTAssertEqual(cliStatuses, Array(repeating: 0, count: 8))
        XCTAssertEqual(statuses, Array(repeating: 201, count: 40))
        let listed = try cli.todo(["list", "--json"])
        let tasks = try XCTUnwrap(try cli.json(listed.out) as? [[String: Any]])
        XCTAssertEqual(tasks.count, 48, "the CLI sees every task")
        XCTAssertTrue(Set(ids).isSubset(of: Set(tasks.compactMap { $0["id"] as? Int })))
        let page = try await client.get("/api/tasks?limit=100")
        XCTAssertEqual((page.json["tasks"] as? [Any])?.count, 48, "the server sees every task")
        // The server's worker enriches what the CLI queued.
        let drained = try await HTTPTestClient.eventually(timeout: 120) {
            ((try await client.get("/api/stats").json["queue"] as? [String: Int])?["pending"]) == 0
        }
        XCTAssertTrue(drained)
        // One shape of counts: the API's is the CLI's without the cache, equal once both are settled.
        var fromCLI = try XCTUnwrap(try cli.json(try cli.todo(["stats", "--json"]).out) as? [String: Any])
        XCTAssertNotNil(fromCLI.removeValue(forKey: "cache"))
        let fromAPI = try await client.get("/api/stats").json
        XCTAssertEqual(Set(fromAPI.keys), Set(fromCLI.keys))
        XCTAssertEqual(fromAPI["statuses"] as? [String: Int], fromCLI["statuses"] as? [String: Int])
        XCTAssertEqual(fromAPI["due_within_week"] as? Int, fromCLI["due_within_week"] as? Int)
    }

    /// The server's worker holds the database's watcher lock once its model is loaded: a `todo add`
    /// with a model too large to wait for leaves its job to the server instead of starting a
    /// watcher of its own, and `todo show` says a watcher is at work.
    func testTheServersWorkerIsTheDatabasesWatcher() async throws {
        let weights = PackagePaths.weights
        XCTAssertTrue(FileManager.default.fileExists(atPath: weights.appendingPathComponent("all-mpnet-base-v2/config.json").path),
                      "all-mpnet-base-v2 is needed: bash Tools/fetch-weights.sh all-mpnet-base-v2")
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let lockFile = server.database + "-enrich.lock"
        let held = try await HTTPTestClient.eventually(timeout: 60) {
            let fd = open(lockFile, O_RDONLY)
            defer { if fd >= 0 { close(fd) } }
            return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0
        }
        XCTAssertTrue(held, "the server's worker holds \(lockFile)")
        let cli = TodoCLI(db: server.database)
        let added = try cli.todo(["add", "Pay the electricity bill", "--json", "--model", "all-mpnet-base-v2"], environment: ["SMART_TODO_WEIGHTS": weights.path])
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertTrue(added.err.contains("the watcher at work on this queue fills the AI fields"), added.err)
        let id = try XCTUnwrap((try cli.json(added.out) as? [String: Any])?["id"] as? Int)
        let enriched = try await HTTPTestClient.eventually(timeout: 60) {
            (try await client.get("/api/tasks/\(id)").json["category"] as? String) != nil
        }
        XCTAssertTrue(enriched, "the server's worker enriched the CLI's task")
    }

    func testATaskTheCLIAddsAndEnrichesIsFoundByTheServersSearch() async throws {
        let server = try ServerProcess().start()
        defer { server.signal(SIGTERM); _ = server.waitForExit() }
        let client = HTTPTestClient(baseURL: server.baseURL)
        let first = try await client.get("/api/search?q=garden%20tools")
        XCTAssertEqual(first.status, 200)  // the server has its index in hand now
        let cli = TodoCLI(db: server.database)
        let added = try cli.todo(["add", "Sharpen the lawnmower blades", "--json"], environment: ["SMART_TODO_WEIGHTS": PackagePaths.weights.path])
        XCTAssertEqual(added.status, 0, added.err)
        let id = try XCTUnwrap((try cli.json(added.out) as? [String: Any])?["id"] as? Int)
        // Another process's change is not announced: the server reads its index again within seconds.
        let found = try await HTTPTestClient.eventually(timeout: 15) {
            let hits = try await client.get("/api/search?q=lawnmower%20blades").json["hits"] as? [[String: Any]] ?? []
            return hits.contains { ($0["task"] as? [String: Any])?["id"] as? Int == id }
        }
        XCTAssertTrue(found)
    }
}

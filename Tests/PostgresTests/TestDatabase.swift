import Foundation
import Testing
import TaskPostgres

/// A fresh database in the test cluster (`Tools/postgres-cluster.sh`, whose URL Tools/test.sh
/// exports as SMART_TODO_TEST_POSTGRES), dropped when done.
struct TestDatabase {
    static let serverURL = ProcessInfo.processInfo.environment["SMART_TODO_TEST_POSTGRES"]
    /// Tools/test.sh sets SMART_TODO_REQUIRE_POSTGRES=1: there, a missing cluster fails the run
    /// instead of leaving these tests out.
    static let available = serverURL != nil

    let name = "smart_todo_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let url: String

    init() throws {
        let server = try #require(Self.serverURL, "SMART_TODO_TEST_POSTGRES is not set")
        url = server.replacingOccurrences(of: "/postgres", with: "/" + name)
        try Self.psql(server, "CREATE DATABASE \(name)")
    }

    func drop() throws {
        try Self.psql(Self.serverURL!, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    var location: PostgresLocation { get throws { try PostgresLocation(url: url) } }

    /// Runs SQL with psql; its output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PSQLFailed(message: problem) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct PSQLFailed: Error { var message: String }

    /// Runs `body` against a fresh database, then drops it.
    static func with(_ body: (TestDatabase) async throws -> Void) async throws {
        let database = try TestDatabase()
        do { try await body(database) } catch { try? database.drop(); throw error }
        try database.drop()
    }
}

@Suite struct TestClusterTests {
    @Test func theTestCommandProvidesACluster() {
        if ProcessInfo.processInfo.environment["SMART_TODO_REQUIRE_POSTGRES"] == "1" {
            #expect(TestDatabase.available, "Tools/test.sh starts a cluster: SMART_TODO_TEST_POSTGRES must be set")
        }
    }
}

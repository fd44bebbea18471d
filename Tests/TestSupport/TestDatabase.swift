import Foundation

/// A fresh database in the test cluster (`Tools/postgres-cluster.sh`, whose URL Tools/test.sh
/// exports as SMART_TODO_TEST_POSTGRES), dropped when done.
public struct TestDatabase: Sendable {
    public static let serverURL = ProcessInfo.processInfo.environment["SMART_TODO_TEST_POSTGRES"]
    /// Tools/test.sh sets SMART_TODO_REQUIRE_POSTGRES=1: there, a missing cluster fails the run
    /// instead of leaving these tests out.
    public static let available = serverURL != nil

    public let name = "smart_todo_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    public let url: String

    public init() throws {
        guard let server = Self.serverURL else { throw PSQLFailed(message: "SMART_TODO_TEST_POSTGRES is not set (Tools/postgres-cluster.sh start)") }
        url = server.replacingOccurrences(of: "/postgres", with: "/" + name)
        try Self.psql(server, "CREATE DATABASE \(name)")
    }

    public func drop() throws {
        try Self.psql(Self.serverURL!, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs pg_dump on the database `url` names.
    public static func pgDump(_ url: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pg_dump")
        process.arguments = arguments + ["--dbname=\(url)"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "pg_dump failed"]) }
    }

    /// Runs SQL with psql; its output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
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

    public struct PSQLFailed: Error { public var message: String }

    /// Runs `body` against a fresh database, then drops it.
    public static func with(_ body: (TestDatabase) async throws -> Void) async throws {
        let database = try TestDatabase()
        do { try await body(database) } catch { try? database.drop(); throw error }
        try database.drop()
    }
}

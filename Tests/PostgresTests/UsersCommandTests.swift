import Foundation
import Testing
import TestSupport
import TaskPostgres

/// `todo users` end to end, as a process.
@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct UsersCommandTests {
    @Test func addListRevokeAndTheTokenOnTheLastLine() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            let added = try cli.todo(["users", "add", "alice"])
            #expect(added.status == 0, "\(added.err)")
            let token = try #require(added.out.split(separator: "\n").last.map(String.init))
            #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
            // The token printed is the one that authenticates, and it is not stored.
            let store = try await PostgresStore.open(try db.location)
            #expect(try await store.account(token: APIToken(text: token))?.name == "alice")
            #expect(!(try TestDatabase.psql(db.url, "SELECT row_to_json(a)::text FROM account a")).contains(token))

            let again = try cli.todo(["users", "add", "alice"])
            #expect(again.status != 0 && again.err.contains("An account named 'alice' already exists."))
            let json = try cli.todo(["users", "add", "bob", "--json"])
            let created = try #require(try cli.json(json.out) as? [String: Any])
            #expect((created["token"] as? String)?.count == 64 && (created["account"] as? [String: Any])?["name"] as? String == "bob")

            #expect(try cli.todo(["users", "revoke", "alice"]).out.contains("Revoked alice"))
            #expect(try cli.todo(["users", "revoke", "alice"]).out.contains("alice was already revoked"))
            #expect(try await store.account(token: APIToken(text: token)) == nil, "refused at once")
            await store.close()
            let listed = try #require(try cli.json(try cli.todo(["users", "list", "--json"]).out) as? [[String: Any]], "one JSON array")
            #expect(listed.map { $0["name"] as? String } == ["alice", "bob"])
            #expect(listed.map { $0["revoked"] is String } == [true, false])
            let missing = try cli.todo(["users", "revoke", "zed"])
            #expect(missing.status != 0 && missing.err.contains("No account named 'zed'"))
        }
    }

    /// A URL where a file is expected, or a file where a URL is, is said plainly — never taken
    /// for a file called "postgres:".
    @Test func theWrongKindOfDatabaseIsNamed() throws {
        let url = try #require(TestDatabase.serverURL)
        let tasks = try TodoCLI(db: url).todo(["list"])
        #expect(tasks.status != 0 && tasks.err.contains("say whose with --user NAME"), "\(tasks.err)")
        let fileUser = try TodoCLI().todo(["list", "--user", "alice"])
        #expect(fileUser.status != 0 && fileUser.err.contains("a SQLite file has one user"), "\(fileUser.err)")
        let wholeDatabase = try TodoCLI(db: url).todo(["cache", "stats", "--user", "alice"])
        #expect(wholeDatabase.status == 64 && wholeDatabase.err.contains("works on the whole database"), "\(wholeDatabase.err)")
        let undo = try TodoCLI(db: url).todo(["undo"])
        #expect(undo.status != 0 && undo.err.contains("say whose with --user NAME"), "\(undo.err)")
        #expect(!FileManager.default.fileExists(atPath: "postgres:"))
        let sqlite = try TodoCLI().todo(["users", "list"])
        #expect(sqlite.status != 0 && sqlite.err.contains("is a SQLite file, which has one user"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scheme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = Process()
        list.executableURL = TodoCLI.binary
        list.arguments = ["list", "--db", "mysql://u:hunter2@127.0.0.1/x"]
        list.currentDirectoryURL = folder
        let said = Pipe()
        list.standardError = said
        try list.run()
        list.waitUntilExit()
        let message = String(decoding: said.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(list.terminationStatus != 0 && message.contains("mysql://u:…@127.0.0.1/x is neither a file path nor a postgres:// URL"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "no file named after the URL")
        let other = try TodoCLI(db: "mysql://u:hunter2@127.0.0.1/x").todo(["users", "list"])
        #expect(other.err.contains("mysql://u:…@127.0.0.1/x is not a postgres:// URL") && !other.err.contains("hunter2"), "\(other.err)")
        let down = try TodoCLI(db: "postgres://u@127.0.0.1:1/x").todo(["users", "list"])
        #expect(down.status != 0 && down.err.contains("Cannot reach PostgreSQL at postgres://u@127.0.0.1:1/x: connection refused (is PostgreSQL running"), "\(down.err)")
    }
}

import Foundation
import Testing
import TestSupport
@testable import TaskPostgres

@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct MigrationAndSchemaTests {
    @Test func migratesOnceEvenWhenManyOpenAtOnce() async throws {
        try await TestDatabase.with { db in
            let location = try db.location
            // Eight processes' worth of first opens together: one migrates, the others find it done.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { await (try PostgresStore.open(location)).close() } }
                try await group.waitForAll()
            }
            // Each once (by name: "v10" sorts before "v2").
            let names = try TestDatabase.psql(db.url, "SELECT name FROM schema_migration ORDER BY name").split(separator: "\n").map(String.init)
            #expect(names == PostgresMigrations.all.map(\.name).sorted())
        }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        try await TestDatabase.with { db in
            await (try PostgresStore.open(try db.location)).close()
            try TestDatabase.psql(db.url, "INSERT INTO schema_migration (name) VALUES ('v99 from the future')")
            await #expect(throws: PostgresFailure.invalid("This database was migrated by a newer Smart TODO (migration 'v99 from the future'): use that version.")) {
                _ = try await PostgresStore.open(try db.location)
            }
        }
    }

    /// The schema refuses what the application refuses, whoever writes.
    @Test func theSchemaHoldsTheRules() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            defer { Task { await store.close() } }
            _ = try await store.addAccount(name: "alice")
            let insert = "INSERT INTO task (account_id, uuid, title, status, priority, tags, created, updated, completed) VALUES (1, gen_random_uuid(), "
            try TestDatabase.psql(db.url, insert + "'Fine', 'pending', 'high', '[]', now(), now(), NULL)")
            for (bad, why) in [("'  ', 'pending', NULL, '[]', now(), now(), NULL)", "blank title"),
                               ("'T', 'open', NULL, '[]', now(), now(), NULL)", "unknown status"),
                               ("'T', 'pending', 'urgent', '[]', now(), now(), NULL)", "unknown priority"),
                               ("'T', 'pending', NULL, '{}', now(), now(), NULL)", "tags not a list"),
                               ("'T', 'done', NULL, '[]', now(), now(), NULL)", "done without completed"),
                               ("'T', 'pending', NULL, '[]', now(), now(), now())", "pending with completed"),
                               ("'T', 'pending', NULL, '[]', now(), now() - interval '1 day', NULL)", "updated before created")] {
                #expect(throws: TestDatabase.PSQLFailed.self, "\(why)") { try TestDatabase.psql(db.url, insert + bad) }
            }
            #expect(throws: TestDatabase.PSQLFailed.self, "a task of no account") {
                try TestDatabase.psql(db.url, "INSERT INTO task (account_id, uuid, title, created, updated) VALUES (42, gen_random_uuid(), 'T', now(), now())")
            }
            #expect(throws: TestDatabase.PSQLFailed.self, "a token hash of the wrong length") {
                try TestDatabase.psql(db.url, "INSERT INTO account (name, token_sha256) VALUES ('bob', '\\x00')")
            }
        }
    }

    @Test func unreachableAndMalformedLocationsAreSaidPlainly() async throws {
        #expect(throws: PostgresFailure.self) { try PostgresLocation(url: "postgres://127.0.0.1/db") }  // no user
        #expect(throws: PostgresFailure.self) { try PostgresLocation(url: "postgres://u@127.0.0.1/") }  // no database
        #expect(throws: PostgresFailure.self) { try PostgresLocation(url: "postgres://u@h/db?sslmode=maybe") }
        #expect(try PostgresLocation(url: "postgres://u@db.example.com/x").tls == .require, "TLS unless loopback")
        #expect(try PostgresLocation(url: "postgresql://u:p%40ss@127.0.0.1:6543/x").password == "p@ss")
        #expect(throws: PostgresFailure.badURL("postgres://u@127.0.0.1:99999/x", "the port 99999 is not between 1 and 65535")) {
            try PostgresLocation(url: "postgres://u@127.0.0.1:99999/x")
        }
        // A password is never repeated in a message.
        for bad in ["postgres://u:SuperSecret@127.0.0.1/", "postgres://u:SuperSecret@127.0.0.1/x?sslmode=bogus", "postgres://u:Super:Secret@h:99999/x"] {
            do { _ = try PostgresLocation(url: bad); Issue.record("accepted \(bad)") } catch {
                #expect(!"\(error)".contains("Secret") && "\(error)".contains("postgres://u:…@"), "\(error)")
            }
        }
        // A port nothing listens on: the connection's own answer, named (not a pool retrying
        // quietly until a deadline; no wall-clock bound here: the test run shares two cores).
        do {
            _ = try await PostgresStore.open(try PostgresLocation(url: "postgres://u@127.0.0.1:1/db"))
            Issue.record("opened a database on port 1")
        } catch let failure as PostgresFailure {
            #expect(failure.description == "Cannot reach PostgreSQL at postgres://u@127.0.0.1:1/db: connection refused (is PostgreSQL running and listening on that port?).", "\(failure)")
        }
    }
}

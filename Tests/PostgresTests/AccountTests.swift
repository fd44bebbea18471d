import Foundation
import Testing
import TestSupport
import TaskService
@testable import TaskPostgres

@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct AccountTests {
    @Test func aTokenIsShownOnceAndOnlyItsHashIsStored() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            defer { Task { await store.close() } }
            let (alice, token) = try await store.addAccount(name: "alice")
            #expect(token.text.count == 64 && token.text.allSatisfy(\.isHexDigit), "256 bits as hex")
            #expect(try await store.account(token: token) == alice)
            // The database holds the SHA-256 of the token, never the token.
            let stored = try TestDatabase.psql(db.url, "SELECT encode(token_sha256, 'hex') FROM account")
            #expect(stored == token.sha256.map { String(format: "%02x", $0) }.joined() && !stored.contains(token.text))
            let dump = try TestDatabase.psql(db.url, "SELECT row_to_json(a)::text FROM account a")
            #expect(!dump.contains(token.text))
            // Two accounts never share a token; a wrong one matches nobody.
            let (_, other) = try await store.addAccount(name: "bob")
            #expect(other != token)
            #expect(try await store.account(token: APIToken.generate()) == nil)
            #expect(try await store.account(token: APIToken(text: "")) == nil)
            await #expect(throws: PostgresFailure.invalid("An account named 'alice' already exists.")) { _ = try await store.addAccount(name: "alice") }
            await #expect(throws: PostgresFailure.invalid("An account named 'alice' already exists."), "one name in any case") { _ = try await store.addAccount(name: "ALICE") }
            for bad in ["", "-x", "a b", "ünï", String(repeating: "a", count: 65), "x;DROP TABLE account"] {
                await #expect(throws: PostgresFailure.self, "\(bad)") { _ = try await store.addAccount(name: bad) }
            }
            #expect(try await store.accounts().map(\.name) == ["alice", "bob"])
        }
    }

    @Test func aRevokedTokenIsRefusedAtOnce() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            defer { Task { await store.close() } }
            let (_, token) = try await store.addAccount(name: "carol")
            #expect(try await store.account(token: token) != nil)
            let revoked = try await store.revoke(name: "carol")
            #expect(revoked.account.revoked != nil && !revoked.already)
            let again = try await store.revoke(name: "CAROL")
            #expect(again.already && again.account.revoked == revoked.account.revoked, "revoked once; the first time is kept")
            await #expect(throws: PostgresFailure.invalid("An account named 'carol' already exists (revoked: names are not reused, so its tasks never pass to someone new).")) {
                _ = try await store.addAccount(name: "carol")
            }
            #expect(try await store.account(token: token) == nil, "the very next lookup refuses it")
            // Another process (a replica) sees it too: a second pool on the same database.
            let replica = try await PostgresStore.open(try db.location)
            #expect(try await replica.account(token: token) == nil)
            await replica.close()
            await #expect(throws: PostgresFailure.notFound("No account named 'dave' (`todo users list` shows them).")) { try await store.revoke(name: "dave") }

            // A new token: the account is active again under it, the old one stays refused.
            let issued = try await store.issueToken(name: "Carol")
            #expect(issued.wasRevoked && issued.account.revoked == nil && issued.token != token)
            #expect(try await store.account(token: issued.token)?.name == "carol")
            #expect(try await store.account(token: token) == nil)
            let reissued = try await store.issueToken(name: "carol")
            #expect(!reissued.wasRevoked && reissued.account.id == issued.account.id)
            #expect(try await store.account(token: issued.token) == nil, "a leaked token is refused once replaced")
            #expect(try await store.account(token: reissued.token)?.id == issued.account.id)
            await #expect(throws: PostgresFailure.notFound("No account named 'dave' (`todo users list` shows them).")) { _ = try await store.issueToken(name: "dave") }
        }
    }

    /// Account B can neither read, list nor delete account A's tasks — by id or by guessing ids.
    @Test func anAccountSeesOnlyItsOwnTasks() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            defer { Task { await store.close() } }
            let a = AccountTasks(store: store, account: try await store.addAccount(name: "a").account)
            let b = AccountTasks(store: store, account: try await store.addAccount(name: "b").account)
            var mine: [Int64] = []
            for i in 0..<5 { mine.append(try await a.add(TodoTask(title: "A's task \(i)", tags: ["private"])).id!) }
            let theirs = try await b.add(TodoTask(title: "B's task")).id!
            #expect(try await a.tasks().map(\.id!) == mine.reversed())
            #expect(try await b.tasks().map(\.id!) == [theirs])
            for id in mine + [0, -1, 9_999_999] {
                await #expect(throws: StoreError.unknownTask(id: id)) { _ = try await b.task(id: id) }
                await #expect(throws: StoreError.unknownTask(id: id)) { _ = try await b.delete(id: id) }
            }
            #expect(try await a.tasks().count == 5, "B's attempts deleted nothing of A's")
            let first = try await a.task(id: mine[0])
            #expect(first.title == "A's task 0" && first.tags == ["private"] && first.status == .pending)
            #expect(try await a.delete(id: mine[0]).title == "A's task 0")
            await #expect(throws: StoreError.unknownTask(id: mine[0])) { _ = try await a.task(id: mine[0]) }
            #expect(try await a.tasks().count == 4)
            // Each task came with its enrichment job, in the same transaction; the deleted one's went with it.
            #expect(try TestDatabase.psql(db.url, "SELECT count(*) FROM enrichment_job WHERE state = 'pending'") == "5")
        }
    }
}

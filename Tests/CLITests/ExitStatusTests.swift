import Foundation
import GRDB
import TestSupport
import Testing

/// The exit statuses a script acts on: 1 for a failure that running again will not mend
/// (an unknown task), 75 for one that it may (a database away or locked), 64 for a malformed
/// command line — each with its message, and nothing changed.
@Suite struct ExitStatusTests {
    @Test func anUnknownTaskIsAFailureAndAMalformedLineIsUsage() throws {
        let cli = TodoCLI()
        #expect(try cli.todo(["add", "Water the plants", "--async"]).status == 0)
        let unknown = try cli.todo(["show", "99"])
        #expect(unknown.status == 1 && unknown.err.contains("no task 99"), "\(unknown.status) \(unknown.err)")
        let usage = try cli.todo(["show", "ninety-nine"])
        #expect(usage.status == 64, "\(usage.status) \(usage.err)")
    }

    @Test func theHelpListsThem() throws {
        let help = try TodoCLI().todo(["--help"], environment: ["COLUMNS": "400"])
        #expect(help.out.contains("Exit status: 0 done; 1 failed") && help.out.contains("75 the database was unreachable or locked"), "\(help.out)")
    }

    @Test func anUnreachableDatabaseSaysTryAgain() throws {
        let down = try TodoCLI(db: "postgres://u@127.0.0.1:1/x").todo(["list", "--user", "ana"])
        #expect(down.status == 75, "\(down.status) \(down.err)")
        #expect(down.err.contains("Cannot reach PostgreSQL at postgres://u@127.0.0.1:1/x: connection refused"), "\(down.err)")
    }

    /// Another process holds the write lock past the wait (10 s): the add is refused whole, by
    /// name, with 75; once the lock goes, the same command succeeds.
    @Test func aLockedDatabaseSaysTryAgainAndChangesNothing() throws {
        let cli = TodoCLI()
        #expect(try cli.todo(["add", "First task", "--async"]).status == 0)
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true  // the transaction outlives the access, on purpose
        let holder = try DatabaseQueue(path: cli.db, configuration: holding)
        try holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let locked = try cli.todo(["add", "Second task", "--async"])
        try holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        #expect(locked.status == 75, "\(locked.status) \(locked.err)")
        #expect(locked.err.contains("the task database \(cli.db) stayed busy") && locked.err.contains("nothing was changed, try again"), "\(locked.err)")
        #expect(!(try cli.todo(["list", "--json"]).out.contains("Second task")))
        #expect(try cli.todo(["add", "Second task", "--async"]).status == 0)
        #expect(try cli.todo(["list", "--json"]).out.contains("Second task"))
    }
}

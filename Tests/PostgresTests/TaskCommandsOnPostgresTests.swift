import Foundation
import Testing
import TestSupport
import TaskPostgres
import TaskService

/// The task commands on a PostgreSQL database, as a process: each reaches the tasks of the
/// account `--user` names, and no other's.
@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct TaskCommandsOnPostgresTests {
    @Test func eachCommandReachesItsUsersTasksOnly() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            for name in ["alice", "bob"] { #expect(try cli.todo(["users", "add", name]).status == 0) }
            func todo(_ args: [String], as user: String) throws -> TodoCLI.Run { try cli.todo(args + ["--user", user]) }

            let added = try todo(["add", "Renew passport", "--due", "2030-01-10", "--priority", "high", "--tag", "travel", "--json"], as: "alice")
            #expect(added.status == 0 && added.err.contains("AI fields queued for the workers"), "\(added.err)")
            let passport = try #require((try cli.json(added.out) as? [String: Any])?["id"] as? Int)
            let rent = try #require((try cli.json(try todo(["add", "Pay the rent", "--due", "2020-01-01", "--json"], as: "alice").out) as? [String: Any])?["id"] as? Int)
            let his = try todo(["add", "Water the plants"], as: "bob")
            #expect(his.out.hasPrefix("Added task "), "\(his.out)")

            // The most urgent first: the overdue rent before the high-priority passport.
            let listed = try todo(["list", "--json"], as: "alice")
            #expect((try cli.json(listed.out) as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [rent, passport], "\(listed.out)")
            #expect(try todo(["list", "--limit", "1"], as: "alice").out.contains("… and 1 more"))
            #expect(try todo(["list", "--tag", "TRAVEL", "--json"], as: "alice").out.contains("Renew passport"))
            #expect(!(try todo(["list", "--status", "all"], as: "bob").out.contains("passport")))

            // Edit: the same rules as on a file (a tag removed must be there; --add-tag appends).
            let edited = try todo(["edit", "\(passport)", "--add-tag", "urgent", "--remove-tag", "travel", "--json"], as: "alice")
            #expect((try cli.json(edited.out) as? [String: Any])?["tags"] as? [String] == ["urgent"], "\(edited.out) \(edited.err)")
            let noSuchTag = try todo(["edit", "\(passport)", "--remove-tag", "travel"], as: "alice")
            #expect(noSuchTag.status != 0 && noSuchTag.err.contains("has no tag 'travel'"))
            let retitled = try todo(["edit", "\(passport)", "--title", "Renew passport and visa"], as: "alice")
            #expect(retitled.out.contains("Renew passport and visa") && retitled.err.contains("AI fields queued"), "\(retitled.err)")

            // Bob reaches none of Alice's tasks by id; nothing of hers changes.
            for args in [["show", "\(passport)"], ["done", "\(passport)"], ["reopen", "\(passport)"], ["delete", "\(passport)"], ["edit", "\(passport)", "--title", "mine"]] {
                let tried = try todo(args, as: "bob")
                #expect(tried.status != 0 && tried.err.contains("no task \(passport)"), "\(args): \(tried.err)")
            }
            #expect(try todo(["show", "\(passport)"], as: "alice").out.contains("Task \(passport): Renew passport"))

            // Several ids: all change or none does.
            let partly = try todo(["done", "\(passport)", "999999"], as: "alice")
            #expect(partly.status != 0 && partly.err.contains("no task 999999"))
            #expect(try todo(["show", "\(passport)", "--json"], as: "alice").out.contains(#""status":"pending""#))
            #expect(try todo(["done", "\(passport)", "\(rent)"], as: "alice").out == "Done: \(passport) Renew passport and visa\nDone: \(rent) Pay the rent\n")
            #expect(try todo(["done", "\(passport)"], as: "alice").out.hasPrefix("Already done: \(passport)"))
            #expect(try todo(["reopen", "\(passport)"], as: "alice").out.hasPrefix("Reopened: \(passport)"))
            #expect(try todo(["delete", "\(rent)"], as: "alice").out.hasPrefix("Deleted: \(rent)"))

            let stats = try #require(try cli.json(try todo(["stats", "--json"], as: "alice").out) as? [String: Any])
            #expect(stats["statuses"] as? [String: Int] == ["pending": 1], "\(stats)")
            let exported = try todo(["export"], as: "alice").out.split(separator: "\n")
            #expect(exported.count == 2 && exported.last?.contains(#""status":"deleted""#) == true, "a lossless export: \(exported)")
            #expect(!(try todo(["export"], as: "bob").out.contains("passport")))
            // Alice's export imported by Bob: copies of his own (new ids), once; Alice's untouched.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("alice-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(exported.joined(separator: "\n").utf8).write(to: file)
            let imported = try todo(["import", file.path, "--json"], as: "bob")
            #expect((try cli.json(imported.out) as? [String: Any])?["added"] as? Int == 2, "\(imported.out) \(imported.err)")
            let twice = try todo(["import", file.path, "--json"], as: "bob")
            #expect((try cli.json(twice.out) as? [String: Any])?["skipped"] as? Int == 2, "the same uuids are the same tasks: \(twice.out)")
            #expect(try todo(["list", "--json"], as: "bob").out.contains("Renew passport and visa"))
            #expect(try todo(["show", "\(passport)"], as: "alice").status == 0)

            // The counts a listing's total reads follow every change of status (kept by triggers).
            let kept = try TestDatabase.psql(db.url, "SELECT string_agg(c, ',' ORDER BY c) FROM (SELECT account_id || ' ' || status || ' ' || n AS c FROM task_count WHERE n > 0) x")
            let counted = try TestDatabase.psql(db.url, "SELECT string_agg(c, ',' ORDER BY c) FROM (SELECT account_id || ' ' || status || ' ' || count(*) AS c FROM task GROUP BY account_id, status) x")
            #expect(kept == counted && !kept.isEmpty, "\(kept) vs \(counted)")

            // SMART_TODO_USER stands for --user; an unknown or revoked account is refused by name.
            #expect(try cli.todo(["list"], environment: ["SMART_TODO_USER": "bob"]).out.contains("Water the plants"))
            let unknown = try todo(["list"], as: "carol")
            #expect(unknown.status != 0 && unknown.err.contains("No account named 'carol'"))
            #expect(try cli.todo(["users", "revoke", "bob"]).status == 0)
            let revoked = try todo(["list"], as: "bob")
            #expect(revoked.status != 0 && revoked.err.contains("was revoked"), "\(revoked.err)")
            // A new token makes the account active again, with its tasks.
            let token = try cli.todo(["users", "token", "bob"])
            #expect(token.status == 0 && token.out.contains("the account is active again") && token.out.split(separator: "\n").last?.count == 64, "\(token.out)")
            #expect(try todo(["list"], as: "bob").out.contains("Water the plants"))
        }
    }

    /// `todo search` and `todo similar` on an account: its tasks by meaning, nobody else's.
    @Test func searchAndSimilarReachTheUsersTasksOnly() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            for name in ["alice", "bob"] { #expect(try cli.todo(["users", "add", name]).status == 0) }
            func todo(_ args: [String], as user: String) throws -> TodoCLI.Run { try cli.todo(args + ["--user", user]) }
            var ids: [Int] = []
            for title in ["Fix the leaking kitchen tap", "Fix the kitchen tap that leaks", "Renew passport before the trip"] {
                ids.append(try #require((try cli.json(try todo(["add", title, "--json"], as: "alice").out) as? [String: Any])?["id"] as? Int))
            }
            _ = try todo(["add", "Call the plumber about the boiler"], as: "bob")
            let found = try todo(["search", "plumbing repair", "--json"], as: "alice")
            #expect(found.status == 0, "\(found.err)")
            let hits = (try cli.json(found.out) as? [[String: Any]])?.compactMap { ($0["task"] as? [String: Any])?["id"] as? Int } ?? []
            #expect(Set(hits.prefix(2)) == Set(ids.prefix(2)) && hits.allSatisfy(ids.contains), "\(found.out)")
            let near = try todo(["similar", "\(ids[0])", "--json"], as: "alice")
            #expect((try cli.json(near.out) as? [[String: Any]])?.first.flatMap { ($0["task"] as? [String: Any])?["id"] as? Int } == ids[1], "\(near.out) \(near.err)")
            let explained = try todo(["explain", "\(ids[2])", "--json"], as: "alice")
            #expect(explained.status == 0 && explained.out.contains("\"terms\"") && explained.out.contains("\"suggested\""), "\(explained.out) \(explained.err)")
            #expect(try todo(["explain", "\(ids[2])"], as: "alice").out.hasPrefix("Task \(ids[2]): Renew passport before the trip\nPriority"))
            #expect(try todo(["explain", "\(ids[2])"], as: "bob").err.contains("no task \(ids[2])"))
            let his = try todo(["similar", "\(ids[0])"], as: "bob")
            #expect(his.status != 0 && his.err.contains("no task \(ids[0])"), "\(his.err)")
            #expect(!(try todo(["search", "kitchen tap", "--min-score", "0"], as: "bob").out.contains("kitchen")))
        }
    }

    /// `todo enrich --user` runs that account's queued jobs, and nobody else's.
    @Test func enrichRunsTheUsersJobsOnly() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            for name in ["alice", "bob"] { #expect(try cli.todo(["users", "add", name]).status == 0) }
            func todo(_ args: [String], as user: String) throws -> TodoCLI.Run { try cli.todo(args + ["--user", user]) }
            let hers = try #require((try cli.json(try todo(["add", "Book a dentist appointment", "--json"], as: "alice").out) as? [String: Any])?["id"] as? Int)
            _ = try todo(["add", "Pay the electricity bill"], as: "alice")
            _ = try todo(["add", "Water the plants"], as: "bob")
            let ran = try todo(["enrich", "--json"], as: "alice")
            let report = try #require(try cli.json(ran.out) as? [String: Any], "\(ran.out) \(ran.err)")
            #expect(report["enriched"] as? Int == 2 && (report["queue"] as? [String: Any])?["pending"] as? Int == 0, "\(report)")
            let shown = try #require(try cli.json(try todo(["show", "\(hers)", "--json"], as: "alice").out) as? [String: Any])
            #expect(shown["category"] is String && !((shown["provenance"] as? [String: Any])?.isEmpty ?? true), "the AI filled it: \(shown)")
            // `todo undo` takes the run back as a whole.
            #expect(try todo(["undo"], as: "alice").out.hasPrefix("Undid: todo enrich --json"))
            let undone = try #require(try cli.json(try todo(["show", "\(hers)", "--json"], as: "alice").out) as? [String: Any])
            #expect(!(undone["category"] is String) && ((undone["provenance"] as? [String: Any])?.isEmpty ?? true), "\(undone)")
            let his = try #require(try cli.json(try todo(["stats", "--json"], as: "bob").out) as? [String: Any])
            #expect((his["queue"] as? [String: Any])?["pending"] as? Int == 1, "Bob's job is his to run: \(his)")
            // The undone tasks are queued again (nothing else would fill them); Bob's job stays his.
            let rerun = try #require(try cli.json(try todo(["enrich", "--json"], as: "alice").out) as? [String: Any])
            #expect(rerun["enriched"] as? Int == 2, "\(rerun)")
            #expect(try todo(["enrich"], as: "alice").out.contains("Nothing to enrich."))
            let watch = try todo(["enrich", "--watch"], as: "alice")
            #expect(watch.status != 0 && watch.err.contains("`todo worker --db URL`"))

            // One task again, by id: only that job runs; another account's id is unknown.
            let again = try todo(["enrich", "\(hers)"], as: "alice")
            #expect(again.status == 0 && again.out.hasPrefix("Enriched \(hers): Book a dentist appointment\n  "), "\(again.out) \(again.err)")
            let notHers = try todo(["enrich", "\(hers)"], as: "bob")
            #expect(notHers.status != 0 && notHers.err.contains("no task \(hers)"), "\(notHers.err)")
            #expect((try cli.json(try todo(["stats", "--json"], as: "bob").out) as? [String: Any]).flatMap { ($0["queue"] as? [String: Any])?["pending"] as? Int } == 1)
            let all = try #require(try cli.json(try todo(["enrich", "--all", "--json"], as: "alice").out) as? [String: Any])
            #expect(all["enriched"] as? Int == 2, "\(all)")

            // A job claimed five times without an answer is given up, counted as failed, and run again by --retry.
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET attempts = 5 WHERE task_id = \(hers)")
            let stuck = try #require(try cli.json(try todo(["stats", "--json"], as: "alice").out) as? [String: Any])
            #expect((stuck["queue"] as? [String: Any])?["failed"] as? Int == 0, "a done job is not stuck: \(stuck)")
            _ = try todo(["edit", "\(hers)", "--title", "Book a dentist appointment for Tuesday"], as: "alice")
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET attempts = 5 WHERE task_id = \(hers)")
            #expect((try cli.json(try todo(["stats", "--json"], as: "alice").out) as? [String: Any]).flatMap { ($0["queue"] as? [String: Any])?["failed"] as? Int } == 1)
            #expect(try todo(["enrich"], as: "alice").out.contains("Nothing to enrich."))
            let retried = try #require(try cli.json(try todo(["enrich", "--retry", "--json"], as: "alice").out) as? [String: Any])
            #expect(retried["enriched"] as? Int == 1 && (retried["queue"] as? [String: Any])?["failed"] as? Int == 0, "\(retried)")

            // The cache the workers share: its entries by operation, and cleared for every account at once.
            let cached = try #require(try cli.json(try cli.todo(["cache", "stats", "--json"]).out) as? [String: Any])
            let entries = try #require(cached["entries"] as? Int)
            #expect(entries > 0 && ((cached["by_operation"] as? [String: Int])?.values.reduce(0, +)) == entries, "\(cached)")
            #expect(try cli.todo(["cache", "clear"]).out == "Removed \(entries) cached result(s).\n")
            #expect(try cli.todo(["cache", "stats"]).out.hasPrefix("0 entries, 0 KiB"))

            // A job another worker holds is said to be with the workers, not "nothing to enrich".
            _ = try todo(["edit", "\(hers)", "--title", "Book a dentist appointment for Friday"], as: "alice")
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET lease_id = gen_random_uuid(), lease_until = now() + interval '1 minute' WHERE task_id = \(hers)")
            let held = try todo(["enrich"], as: "alice")
            #expect(held.out == "1 job(s) are with the workers now (`todo stats --user alice` shows the queue).\n", "\(held.out)")
        }
    }

    /// A password in `--db` is neither kept in the undo history (stored, backed up) nor printed by `todo undo`.
    @Test func theUndoHistoryKeepsNoPassword() async throws {
        try await TestDatabase.with { db in
            let withPassword = db.url.replacingOccurrences(of: "smarttodo@", with: "smarttodo:hunter2@")
            #expect(withPassword != db.url)
            let cli = TodoCLI(db: withPassword)
            #expect(try cli.todo(["users", "add", "alice"]).status == 0)
            #expect(try cli.todo(["add", "Secret errand", "--user", "alice"]).status == 0)
            #expect(!(try TestDatabase.psql(db.url, "SELECT command FROM undo_entry")).contains("hunter2"))
            let undone = try cli.todo(["undo", "--user", "alice"])
            #expect(undone.out.contains("--db postgres://smarttodo:…@127.0.0.1") && !undone.out.contains("hunter2"), "\(undone.out)")
        }
    }

    /// `todo list --limit` reads at most `limit` rows per urgency class from the index: the same
    /// tasks as sorting all of them would give.
    @Test func aLimitedListIsTheHeadOfTheWholeOrder() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            #expect(try cli.todo(["users", "add", "alice"]).status == 0)
            let store = try await PostgresStore.open(try db.location)
            let account = try #require(try await store.accounts().first)
            let tasks = AccountTasks(store: store, account: account)
            let now = Date()
            for n in 0..<120 {
                let due: Date? = n % 5 == 0 ? nil : now.addingTimeInterval(Double(n % 37 - 10) * 86_400)
                _ = try await tasks.add(TodoTask(title: "task \(n)", priority: [TodoTask.Priority.high, .medium, .low, nil][n % 4], due: due))
            }
            await store.close()
            let all = try cli.todo(["list", "--json", "--user", "alice"])
            let order = (try cli.json(all.out) as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
            #expect(order.count == 120)
            for limit in [1, 7, 30] {
                let head = try cli.todo(["list", "--json", "--limit", "\(limit)", "--user", "alice"])
                #expect((try cli.json(head.out) as? [[String: Any]])?.compactMap { $0["id"] as? Int } == Array(order.prefix(limit)), "limit \(limit)")
            }
        }
    }

    /// `todo backup` and `todo restore` of the whole database (pg_dump's archive): every
    /// account as it was, the content replaced kept beside the archive, a file that is not a
    /// backup refused before anything changes.
    @Test func backupAndRestoreTheWholeDatabase() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            for name in ["alice", "bob"] { #expect(try cli.todo(["users", "add", name]).status == 0) }
            func todo(_ args: [String], as user: String) throws -> TodoCLI.Run { try cli.todo(args + ["--user", user]) }
            _ = try todo(["add", "Pay the rent"], as: "alice")
            _ = try todo(["add", "Water the plants"], as: "bob")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgbackup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let archive = folder.appendingPathComponent("team.pgdump").path
            let made = try #require(try cli.json(try cli.todo(["backup", archive, "--json"]).out) as? [String: Any])
            #expect(made["tasks"] as? Int == 2 && (made["bytes"] as? Int ?? 0) > 0, "\(made)")
            #expect(try cli.todo(["backup", archive]).err.contains("already exists"))

            _ = try todo(["add", "Call mom"], as: "alice")
            _ = try todo(["delete", "2"], as: "bob")  // 2 live tasks still, not the same
            #expect(try cli.todo(["users", "add", "carol"]).status == 0)
            #expect(try cli.todo(["users", "revoke", "bob"]).status == 0)

            // Not while another session is connected: its writes would be in neither copy.
            let other = try await PostgresStore.open(try db.location)
            _ = try await other.accounts()
            let busy = try cli.todo(["restore", archive])
            await other.close()
            #expect(busy.status != 0 && busy.err.contains("other sessions are connected") && busy.err.contains("nothing was changed"), "\(busy.err)")
            #expect(busy.err.contains("(SmartTODOPackageTests.xctest from 127.0.0.1"), "the session is named, with where it is from: \(busy.err)")
            #expect(try todo(["list"], as: "alice").out.contains("Call mom"))

            let restored = try cli.todo(["restore", archive])
            #expect(restored.status == 0 && restored.out.hasPrefix("Restored 2 tasks from \(archive).\nThe database as it was (2 tasks) is kept in "), "\(restored.out) \(restored.err)")
            #expect(try todo(["list"], as: "alice").out.contains("Pay the rent") && !(try todo(["list"], as: "alice").out.contains("Call mom")))
            func bobsLive() throws -> String {
                try TestDatabase.psql(db.url, "SELECT count(*) FROM task t JOIN account a ON a.id = t.account_id WHERE a.name = 'bob' AND t.status <> 'deleted'")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try bobsLive() == "1", "Bob's task is back (his account, revoked, is reached here by SQL)")
            #expect(!(try cli.todo(["users", "list"]).out.contains("carol")), "accounts are restored too")
            let bob = try cli.todo(["users", "list"]).out.split(separator: "\n").first { $0.contains("bob") }
            #expect(bob?.contains("revoked") == true, "an account revoked before the restore stays revoked: \(String(describing: bob))")
            let undo = try todo(["undo"], as: "alice")
            #expect(undo.status != 0 && undo.err.contains("Nothing to undo"), "the archive's undo history is of commands before it; it starts afresh: \(undo.out) \(undo.err)")
            #expect(try todo(["list"], as: "alice").out.contains("Pay the rent"))

            let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.contains(".before-restore-") })
            let back = try cli.todo(["restore", folder.appendingPathComponent(kept).path])
            #expect(back.out.hasPrefix("Restored 2 tasks"), "\(back.out) \(back.err)")
            #expect(try todo(["list"], as: "alice").out.contains("Call mom") && (try bobsLive()) == "0")

            // An archive without the data (schema only) is refused before anything changes.
            let schemaOnly = folder.appendingPathComponent("schema.pgdump").path
            try TestDatabase.pgDump(db.url, ["--format=custom", "--schema-only", "--file=\(schemaOnly)"])
            let noData = try cli.todo(["restore", schemaOnly])
            #expect(noData.status != 0 && noData.err.contains("not of a Smart TODO database with its data"), "\(noData.err)")
            let junk = folder.appendingPathComponent("junk.pgdump")
            try Data("not an archive".utf8).write(to: junk)
            let refused = try cli.todo(["restore", junk.path])
            #expect(refused.status != 0 && refused.err.contains("not a backup of a PostgreSQL database") && refused.err.contains("nothing was changed"), "\(refused.err)")
            #expect(try todo(["list"], as: "alice").out.contains("Call mom"))
        }
    }

    /// `todo enrich ID` beside a running `todo worker`: whichever of the two takes the job, the
    /// command answers once the task is enriched, with its new fields.
    @Test func enrichBesideAWorkerAnswersWithTheNewFields() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            #expect(try cli.todo(["users", "add", "alice"]).status == 0)
            let id = try #require((try cli.json(try cli.todo(["add", "Book a dentist appointment", "--json", "--user", "alice"]).out) as? [String: Any])?["id"] as? Int)
            let worker = Process()
            worker.executableURL = TodoCLI.binary
            worker.arguments = ["worker", "--db", db.url]
            worker.standardOutput = FileHandle.nullDevice
            worker.standardError = FileHandle.nullDevice
            try worker.run()
            defer { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() }
            for _ in 0..<100 where (try cli.json(try cli.todo(["stats", "--json", "--user", "alice"]).out) as? [String: Any])
                .flatMap({ ($0["queue"] as? [String: Any])?["pending"] as? Int }) != 0 { try await Task.sleep(for: .milliseconds(100)) }
            for round in 0..<3 {
                let before = Date()
                _ = try cli.todo(["edit", "\(id)", "--title", "Book a dentist appointment, round \(round)", "--user", "alice"])
                let ran = try cli.todo(["enrich", "\(id)", "--user", "alice"])
                #expect(ran.status == 0 && ran.out.hasPrefix("Enriched \(id): Book a dentist appointment, round \(round)\n  "), "\(ran.out) \(ran.err)")
                let shown = try #require(try cli.json(try cli.todo(["show", "\(id)", "--json", "--user", "alice"]).out) as? [String: Any])
                let at = ((shown["provenance"] as? [String: Any])?["category"] as? [String: Any])?["at"] as? String
                let when = try #require(at.flatMap { try? Date($0, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) }, "\(shown)")
                // By this command or the worker, whichever came first (the other decides the same and writes nothing).
                #expect(when >= before.addingTimeInterval(-0.001), "enriched for the new title, not before it: \(shown)")
            }
        }
    }

    /// A long task whose vectors left the cache (cleared, or another model) is queued again by
    /// the search that misses it, so a worker makes them: it is never out of search for good.
    @Test func aSearchQueuesALongTaskWhoseVectorsAreGone() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI(db: db.url)
            #expect(try cli.todo(["users", "add", "alice"]).status == 0)
            func todo(_ args: [String]) throws -> TodoCLI.Run { try cli.todo(args + ["--user", "alice"]) }
            let notes = String(repeating: "The boiler in the basement makes a knocking noise every morning and the pressure drops. ", count: 30)
            let id = try #require((try cli.json(try todo(["add", "Get the boiler serviced", "--description", notes, "--json"]).out) as? [String: Any])?["id"] as? Int)
            #expect(try todo(["enrich"]).status == 0)
            func found() throws -> (ids: [Int], note: String) {
                let run = try todo(["search", "heating repair", "--json", "--min-score", "0"])
                return ((try cli.json(run.out) as? [[String: Any]])?.compactMap { ($0["task"] as? [String: Any])?["id"] as? Int } ?? [], run.err)
            }
            #expect(try found().ids == [id])
            #expect(try cli.todo(["cache", "clear"]).status == 0)
            let missed = try found()
            #expect(missed.ids.isEmpty && missed.note.contains("1 task is not searchable yet"), "\(missed)")
            let queue = (try cli.json(try todo(["stats", "--json"]).out) as? [String: Any])?["queue"] as? [String: Any]
            #expect(queue?["pending"] as? Int == 1, "queued again for a worker: \(String(describing: queue))")
            #expect(try todo(["enrich"]).out.hasPrefix("Enriched 1 task(s)"))
            let back = try found()
            #expect(back.ids == [id] && back.note.isEmpty, "\(back)")
        }
    }
}

import Foundation
import Testing
import TestSupport

/// The same command-line script run on a SQLite file and on a PostgreSQL account, where the
/// two engines must agree beyond `TaskRepository` (undo, the rules of an import).
@Suite(.enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct CommandsOnBothEnginesTests {
    typealias Engine = TaskRepositoryTests.Engine

    /// `todo` on an empty database of `engine`: a SQLite file, or the account "alice" of a
    /// PostgreSQL database that also holds "bob" (reached with `as: "bob"`).
    /// `database`: the PostgreSQL URL, for a change made outside the command line; nil for a file.
    static func with(_ engine: Engine, _ body: (_ todo: (_ args: [String], _ user: String) throws -> TodoCLI.Run, _ database: String?) async throws -> Void) async throws {
        switch engine {
        case .sqlite:
            let cli = TodoCLI()
            try await body({ args, _ in try cli.todo(args) }, nil)
        case .postgres:
            try await TestDatabase.with { db in
                let cli = TodoCLI(db: db.url)
                for name in ["alice", "bob"] { #expect(try cli.todo(["users", "add", name]).status == 0) }
                try await body({ args, user in try cli.todo(args + ["--user", user]) }, db.url)
            }
        }
    }

    /// `todo undo` after each kind of change: the last command reverted as a whole, then the
    /// one before, until nothing is left.
    @Test(arguments: Engine.allCases) func undoRevertsEachCommandAsAWhole(_ engine: Engine) async throws {
        try await Self.with(engine) { run, database in
            func todo(_ args: String...) throws -> TodoCLI.Run { try run(args, "alice") }
            func json(_ run: TodoCLI.Run) throws -> [String: Any] {
                try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.out) \(run.err)")
            }
            let rent = try #require(try json(try todo("add", "Pay the rent", "--priority", "high", "--async", "--json"))["id"] as? Int)
            let mom = try #require(try json(try todo("add", "Call mom", "--async", "--json"))["id"] as? Int)

            #expect(try todo("edit", "\(rent)", "--title", "Pay the rent today").status == 0)
            let undoneEdit = try todo("undo")
            #expect(undoneEdit.out.hasPrefix("Undid: todo edit \(rent) --title \"Pay the rent today\""), "\(undoneEdit.out) \(undoneEdit.err)")
            #expect(try json(try todo("show", "\(rent)", "--json"))["title"] as? String == "Pay the rent")

            #expect(try todo("done", "\(rent)", "\(mom)").status == 0)
            let undoneDone = try todo("undo", "--json")
            let tasks = try #require(try json(undoneDone)["tasks"] as? [[String: Any]])
            #expect(tasks.compactMap { $0["id"] as? Int } == [rent, mom] && tasks.allSatisfy { $0["status"] as? String == "pending" }, "\(undoneDone.out)")

            #expect(try todo("delete", "\(mom)").status == 0)
            #expect(try todo("undo").status == 0)
            #expect(try json(try todo("show", "\(mom)", "--json"))["status"] as? String == "pending")

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("undo-\(UUID().uuidString).jsonl")
            try Data(#"{"title": "Renew passport"}"# .appending("\n").appending(#"{"title": "Book flights"}"#).utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            #expect(try todo("import", file.path).status == 0)
            #expect(try todo("list", "--json").out.contains("Book flights"))
            #expect(try todo("undo").out.hasPrefix("Undid: todo import"))
            #expect(!(try todo("list", "--json").out.contains("Book flights")), "both imported tasks are gone")

            if engine == .postgres, let url = database {
                #expect(try run(["undo"], "bob").err.contains("Nothing to undo."), "Alice's history is hers")
                // A change made outside Smart TODO (no undo entry) is not reverted silently.
                #expect(try todo("edit", "\(mom)", "--title", "Call mom on Sunday").status == 0)
                try TestDatabase.psql(url, "UPDATE task SET priority = 'high', updated = now() WHERE id = \(mom)")
                let refused = try todo("undo")
                #expect(refused.status != 0 && refused.err.contains("task \(mom) was changed after `todo edit"), "\(refused.err)")
                #expect(try todo("undo", "--force").out.hasPrefix("Undid: todo edit"))
            }
            // The two adds are left, newest first; then nothing.
            #expect(try todo("undo").out.hasPrefix("Undid: todo add \"Call mom\""))
            #expect(try todo("undo").out.hasPrefix("Undid: todo add \"Pay the rent\""))
            // SQLite keeps the row (ids are never reused) and says so; PostgreSQL says no such task.
            let gone = try todo("show", "\(rent)").err
            #expect(gone.contains("no task \(rent)") || gone.contains("task \(rent) was deleted"), "\(gone)")
            let nothing = try todo("undo")
            #expect(nothing.status != 0 && nothing.err.contains("Nothing to undo."))
        }
    }

    /// Undoing an enrichment leaves tasks without AI fields: they are queued again, so the next
    /// `todo enrich` (or a worker) fills them; before, nothing ever did.
    /// An edit that sets what the task already has writes nothing on either engine: the same
    /// `updated`, no undo step (undo reverts the edit before it), and it says so.
    @Test(arguments: Engine.allCases) func anEditThatChangesNothingWritesNothing(_ engine: Engine) async throws {
        try await Self.with(engine) { run, _ in
            func todo(_ args: String...) throws -> TodoCLI.Run { try run(args, "alice") }
            func updated(_ id: Int) throws -> String? {
                let shown = try todo("show", "\(id)", "--json")
                return (try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any])?["updated"] as? String
            }
            let added = try todo("add", "Pay the rent", "--priority", "high", "--async", "--json")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(added.out.utf8)) as? [String: Any])?["id"] as? Int, "\(added.err)")
            #expect(try todo("edit", "\(id)", "--title", "Pay the rent today", "--due", "2031-01-05", "--async").status == 0)
            let stamp = try updated(id)
            for same in [["--priority", "high"], ["--due", "2031-01-05"], ["--title", " Pay the rent today "]] {
                let edit = try run(["edit", "\(id)"] + same + ["--async"], "alice")
                #expect(edit.status == 0 && edit.err.contains("already is as given; nothing was changed"), "\(same): \(edit.err)")
                #expect(!edit.err.contains("queued"), "the same due date asks nothing of the AI: \(edit.err)")
                #expect(try updated(id) == stamp, "\(same)")
            }
            let undone = try todo("undo")
            #expect(undone.out.hasPrefix("Undid: todo edit \(id) --title"), "the last change undone, not a no-op: \(undone.out)")
            #expect(try todo("edit", "\(id)", "--priority", "low", "--async").err.isEmpty, "a real change says nothing more")
        }
    }

    @Test(arguments: Engine.allCases) func undoingAnEnrichmentQueuesItsTasksAgain(_ engine: Engine) async throws {
        try await Self.with(engine) { run, _ in
            func todo(_ args: String...) throws -> TodoCLI.Run { try run(args, "alice") }
            func object(_ run: TodoCLI.Run) throws -> [String: Any] {
                try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.out) \(run.err)")
            }
            func pending() throws -> Int? { (try object(try todo("stats", "--json"))["queue"] as? [String: Any])?["pending"] as? Int }
            let id = try #require(try object(try todo("add", "Pay the electricity bill", "--async", "--json"))["id"] as? Int)
            let enriched = try todo("enrich")
            #expect(enriched.status == 0, "\(enriched.err)")
            #expect(try pending() == 0)
            let undone = try todo("undo")
            #expect(undone.out.hasPrefix("Undid: todo enrich"), "\(undone.out) \(undone.err)")
            #expect(try object(try todo("show", "\(id)", "--json"))["category"] is NSNull)
            #expect(try pending() == 1)
            // `todo show` says why its fields are empty, on each engine in its words.
            let waiting = try todo("show", "\(id)").out
            #expect(waiting.contains(engine == .postgres ? "AI fields queued for the workers" : "AI fields queued: `todo enrich` fills them"), "\(waiting)")
            #expect(try todo("enrich").status == 0)
            #expect(try object(try todo("show", "\(id)", "--json"))["category"] is String)
            #expect(try !todo("show", "\(id)").out.contains("AI fields"))
        }
    }

    /// A done task in an import without the time it was done takes its last update's; a task's
    /// contradictions are named by line and field, never left to the database's constraints.
    @Test(arguments: Engine.allCases) func anImportedDoneTaskHasItsTime(_ engine: Engine) async throws {
        try await Self.with(engine) { run, database in
            let lines = #"{"title": "Read chapter 3", "status": "done", "created": "2026-11-01T09:00:00Z", "updated": "2026-11-02T10:00:00Z"}"#
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("done-\(UUID().uuidString).jsonl")
            try Data((lines + "\n").utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let imported = try run(["import", file.path], "alice")
            #expect(imported.status == 0, "\(imported.err)")
            let exported = try run(["export"], "alice").out
            #expect(exported.contains(#""status":"done""#) && exported.contains(#""completed":"2026-11-02T10:00:00"#), "\(exported)")

            try Data((#"{"title": "Early", "status": "done", "created": "2026-11-02T00:00:00Z", "completed": "2026-11-01T00:00:00Z"}"# + "\n").utf8).write(to: file)
            let refused = try run(["import", file.path], "alice")
            #expect(refused.status != 0 && refused.err.contains(":1: completed 2026-11-01T00:00:00Z is before created"), "\(refused.err)")
        }
    }

    /// An import queues AI work only for the fields nobody set: a task that arrives whole (or
    /// whose user removed every tag) keeps what it has.
    @Test(arguments: Engine.allCases) func anImportQueuesOnlyWhatIsMissing(_ engine: Engine) async throws {
        try await Self.with(engine) { run, database in
            let lines = [#"{"title": "Pay rent", "category": "Finance", "priority": "high", "tags": ["rent"]}"#,
                         #"{"title": "Water plants", "category": "Home", "priority": "low", "tags": [], "removed_tags": ["garden"]}"#,
                         #"{"title": "Call the bank", "priority": "medium", "tags": ["bank"]}"#]
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("whole-\(UUID().uuidString).jsonl")
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            #expect(try run(["import", file.path], "alice").status == 0)
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(try run(["stats", "--json"], "alice").out.utf8)) as? [String: Any])
            #expect((stats["queue"] as? [String: Any])?["pending"] as? Int == 1, "only the task without a category: \(stats)")
        }
    }
}

import Foundation
import TestSupport
import Testing

/// The `todo` executable end to end (built beside the tests by `swift build --build-tests`).
@Suite struct CommandLineTests {
    let cli = TodoCLI()
    var db: String { cli.db }

    func todo(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> TodoCLI.Run {
        try cli.todo(args, stdin: stdin, environment: environment)
    }

    func json(_ text: String) throws -> Any { try cli.json(text) }

    @Test func addListShowDoneDeleteAsJSON() throws {
        let added = try todo(["add", "Renew passport", "--due", "2030-01-15", "--priority", "high", "--tag", "travel", "--json", "--async"])
        #expect(added.status == 0, "\(added.err)")
        let task = try json(added.out) as! [String: Any]
        let fields = ["id", "uuid", "title", "description", "category", "priority", "tags", "due", "status", "created", "updated", "completed", "provenance", "removed_tags"]
        #expect(Set(task.keys) == Set(fields))
        #expect(task["category"] is NSNull && task["completed"] is NSNull)
        #expect((task["due"] as? String)?.hasPrefix("2030-01-15") == true)
        _ = try todo(["add", "Buy milk", "--async"])
        let list = try json(try todo(["list", "--json"]).out) as! [[String: Any]]
        #expect(list.map { $0["title"] as! String } == ["Renew passport", "Buy milk"])  // high and dated first
        #expect(try todo(["done", "2"]).status == 0)
        #expect((try json(try todo(["list", "--json"]).out) as! [[String: Any]]).count == 1)
        #expect((try json(try todo(["show", "2", "--json"]).out) as! [String: Any])["status"] as? String == "done")
        #expect(try todo(["delete", "1"]).status == 0)
        let gone = try todo(["show", "1"])
        #expect(gone.status == 1 && gone.err.contains("task 1 was deleted, or its add undone (`todo undo` brings back a delete that was the last command)"), "\(gone.err)")
        #expect(try todo(["undo"]).status == 0)
        #expect(try todo(["show", "1"]).status == 0)
        #expect(try todo(["show", "7"]).err.contains("no task 7"))
    }

    @Test func aDeadlineInTheTitleSetsTheDueDateUnlessOneIsGiven() throws {
        let stated = try todo(["add", "Pay the plumber by 2030-03-04", "--async"])
        #expect(stated.status == 0 && stated.out.contains("due") && stated.out.contains("(from “by 2030-03-04” in the title)"), "\(stated.out)")
        #expect((try json(try todo(["show", "1", "--json"]).out) as! [String: Any])["due"].flatMap { $0 as? String }?.hasPrefix("2030-03-04") == true)
        // --due wins over the title; a title without a stated deadline gets none.
        let given = try json(try todo(["add", "Pay the plumber by 2030-03-04", "--due", "2030-01-02", "--async", "--json"]).out) as! [String: Any]
        #expect((given["due"] as? String)?.hasPrefix("2030-01-02") == true)
        let none = try json(try todo(["add", "Plan the Friday party", "--async", "--json"]).out) as! [String: Any]
        #expect(none["due"] is NSNull)
        // A stated deadline that is no date is said, not dropped in silence.
        let impossible = try todo(["add", "Renew the permit by 2030-02-30", "--async", "--json"])
        #expect(impossible.status == 0 && impossible.err.contains("note: “by 2030-02-30” in the title names no date (February has 28 days in 2030)"), "\(impossible.err)")
        #expect((try json(impossible.out) as! [String: Any])["due"] is NSNull)
        _ = try todo(["delete", "4"])
        // An edited title states one: set when the task had none; an existing due date is kept.
        let edited = try todo(["edit", "3", "--title", "Plan the Friday party by 2030-05-06", "--async"])
        #expect(edited.status == 0 && edited.out.contains("(from “by 2030-05-06” in the title)"), "\(edited.out)")
        #expect((try json(try todo(["show", "3", "--json"]).out) as! [String: Any])["due"].flatMap { $0 as? String }?.hasPrefix("2030-05-06") == true)
        _ = try todo(["edit", "2", "--title", "Pay the plumber by 2031-01-01", "--async"])
        #expect((try json(try todo(["show", "2", "--json"]).out) as! [String: Any])["due"].flatMap { $0 as? String }?.hasPrefix("2030-01-02") == true)
    }

    @Test func longDescriptionFromStandardInputIsKeptWhole() throws {
        let text = String(repeating: "Paragraph of meeting notes with ünïcödé and 東京.\n\n", count: 20_000)
        let added = try todo(["add", "Notes", "--description", "-", "--json"], stdin: Data(text.utf8))
        #expect(added.status == 0, "\(added.err)")
        let shown = try json(try todo(["show", "1", "--json"]).out) as! [String: Any]
        #expect(shown["description"] as? String == text)
    }

    @Test func doneTwiceKeepsTheFirstTimeAndReopenUndoes() throws {
        _ = try todo(["add", "Buy milk", "--async"])
        let done = try json(try todo(["done", "1", "--json"]).out) as! [String: Any]
        let again = try todo(["done", "1"])
        #expect(again.status == 0 && again.out.hasPrefix("Already done: 1 Buy milk (since "), "\(again.out)")
        #expect((try json(try todo(["show", "1", "--json"]).out) as! [String: Any])["completed"] as? String == done["completed"] as? String)
        let reopened = try todo(["reopen", "1"])
        #expect(reopened.status == 0 && reopened.out == "Reopened: 1 Buy milk\n")
        let shown = try json(try todo(["show", "1", "--json"]).out) as! [String: Any]
        #expect(shown["status"] as? String == "pending" && shown["completed"] is NSNull)
        #expect(try todo(["reopen", "1"]).out.hasPrefix("Not done, nothing to reopen"))
        #expect(try todo(["undo"]).out.hasPrefix("Undid: todo reopen 1"))
        #expect((try json(try todo(["show", "1", "--json"]).out) as! [String: Any])["status"] as? String == "done")
        #expect(try todo(["reopen", "42"]).err.contains("no task 42"))
    }

    @Test func listLimitShowsTheMostUrgentAndCountsTheRest() throws {
        for (title, due) in [("later", "+3w"), ("soon", "tomorrow"), ("whenever", nil), ("this week", "+5d")] {
            _ = try todo(["add", title, "--async"] + (due.map { ["--due", $0] } ?? []))
        }
        let lines = try todo(["list", "--limit", "2"]).out.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].contains(" soon (due") && lines[1].contains(" this week (due"))
        let two = try json(try todo(["list", "--limit", "2", "--json"]).out) as! [[String: Any]]
        #expect(two.map { $0["title"] as? String } == ["soon", "this week"])
        #expect(try todo(["list", "--limit", "2"]).out.hasSuffix("… and 2 more (without --limit: all)\n"))
        #expect(try todo(["list", "--limit", "0"]).status == 64)
    }

        @Test func explainShowsPriorityTermsAndCategoryScores() throws {
        _ = try todo(["add", "Pay the electricity bill", "--category", "Personal", "--due", "tomorrow"])
        let text = try todo(["explain", "1"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("Priority (urgency score, term by term):\n") && text.out.contains("due within 2 days"))
        #expect(text.out.contains("Category: Finance (by nearest example tasks") && text.out.contains("(you set it to Personal; yours is kept)"))
        let json = try json(try todo(["explain", "1", "--json"]).out) as! [String: Any]
        let category = json["category"] as! [String: Any]
        #expect(category["category"] as? String == "Finance" && category["stored_category"] as? String == "Personal")
        #expect(category["set_by"] as? String == "you" && category["method"] as? String == "examples")
        #expect((category["scores"] as! [[String: Any]]).count == 6 && json["priority"] as? String == "high")
    }

    /// A category typed in another case is the configured one, so that `stats` counts one
    /// category once; a name the settings do not have stays as typed.
    @Test func aCategoryIsFiledUnderItsConfiguredSpelling() throws {
        let added = try json(try todo(["add", "Pay rent", "--category", "finance", "--async", "--json"]).out) as! [String: Any]
        #expect(added["category"] as? String == "Finance")
        _ = try todo(["add", "Pay the gas bill", "--category", "FINANCE", "--async"])
        _ = try todo(["add", "Buy bread", "--category", "groceries", "--async"])
        let edited = try json(try todo(["edit", "3", "--category", "shopping", "--json"]).out) as! [String: Any]
        #expect(edited["category"] as? String == "Shopping")
        _ = try todo(["edit", "3", "--category", "Groceries "])
        #expect((try json(try todo(["show", "3", "--json"]).out) as! [String: Any])["category"] as? String == "Groceries")
        let stats = try todo(["stats"]).out
        #expect(stats.contains("Finance") && !stats.contains("finance") && !stats.contains("FINANCE"), "\(stats)")
    }

    @Test func severalIdsChangeTogetherOrNotAtAll() throws {
        for title in ["a", "b", "c"] { _ = try todo(["add", title, "--async"]) }
        let unknown = try todo(["done", "1", "99", "2"])
        #expect(unknown.status == 1 && unknown.err.contains("no task 99 (see `todo list`); none of the 3 tasks given was changed"), "\(unknown.err)")
        #expect(try todo(["list", "--status", "done", "--json"]).out.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let done = try todo(["done", "1", "3", "1", "--json"])
        let lines = done.out.split(separator: "\n").map { try! json(String($0)) as! [String: Any] }
        #expect(lines.map { $0["id"] as? Int } == [1, 3] && lines.allSatisfy { $0["status"] as? String == "done" })
        #expect(try todo(["delete", "2", "3"]).out == "Deleted: 2 b\nDeleted: 3 c\n")
        #expect(try todo(["undo"]).out.hasPrefix("Undid: todo delete 2 3"))
        #expect(try todo(["undo"]).out.hasPrefix("Undid: todo done 1 3 1"))
        let all = try json(try todo(["list", "--status", "all", "--json"]).out) as! [[String: Any]]
        #expect(all.map { $0["status"] as? String } == ["pending", "pending", "pending"])
    }

    /// A pasted title with line breaks, or an imported one with a terminal escape, is stored as
    /// given but shown on one line and harmless.
    @Test func titlesAreShownOnOneLineWithoutControlCharacters() throws {
        let title = "Line one\nline two\tand \u{1B}[2Jcleared"
        let added = try todo(["add", title, "--tag", "a\u{1B}b", "--description", "keep\nthese\tlines\u{7}", "--async"])
        #expect(added.out.hasPrefix("Added task 1: Line one line two and \u{FFFD}[2Jcleared\n"), "\(added.out)")
        let list = try todo(["list"]).out
        #expect(list.split(separator: "\n").count == 1 && !list.contains("\u{1B}") && list.contains("#a\u{FFFD}b"), "\(list)")
        let shown = try todo(["show", "1"]).out
        #expect(shown.contains("Task 1: Line one line two and \u{FFFD}[2Jcleared") && shown.contains("keep\nthese\tlines\u{FFFD}"))
        #expect(!shown.contains("\u{1B}") && !shown.contains("\u{7}"))
        _ = try todo(["add", "Pasted from Windows", "--description", "first line\r\nsecond line\rthird", "--async"])
        #expect(try todo(["show", "2"]).out.hasSuffix("\n\nfirst line\nsecond line\nthird\n"))
        let stored = try json(try todo(["show", "1", "--json"]).out) as! [String: Any]
        #expect(stored["title"] as? String == title && stored["tags"] as? [String] == ["a\u{1B}b"])
    }

    @Test func badInputIsExplainedAndStoresNothing() throws {
        let empty = try todo(["add", "  "])
        #expect(empty.status == 64 && empty.err.contains("title is empty"))
        let date = try todo(["add", "x", "--due", "someday maybe"])
        #expect(date.status == 64 && date.err.contains("cannot read 'someday maybe' as a date"), "a bad date is a usage error, as a bad priority is")
        let utf8 = try todo(["add", "x", "--description", "-"], stdin: Data([0x66, 0xFF, 0xFE]))
        #expect(utf8.status == 1 && utf8.err.contains("not valid UTF-8"))
        let category = try todo(["add", "x", "--category", " "])
        #expect(category.status == 64 && category.err.contains("--category is empty"))
        #expect(try todo(["add", "x", "--tag", "a", "--tag", ""]).status == 64)
        let threads = try todo(["add", "x", "--threads", "0"])
        #expect(threads.status == 64 && threads.err.contains("--threads must be a whole number"), "\(threads.err)")
        #expect(try todo(["add", "x"], environment: ["SMART_TODO_THREADS": "many"]).status == 64)
        #expect(!FileManager.default.fileExists(atPath: db), "no refused add created the database")
        #expect(try todo(["add", "kept", "--async"]).status == 0)
        let unknown = try todo(["done", "77"])
        #expect(unknown.status == 1 && unknown.err.contains("no task 77"))
        #expect((try json(try todo(["list", "--json", "--status", "all"]).out) as! [[String: Any]]).map { $0["title"] as? String } == ["kept"])
    }

    /// A category and tags are stored trimmed, and a tag given twice in another case is one tag.
    @Test func categoriesAndTagsAreTrimmedAndTagsKeptOnce() throws {
        let added = try json(try todo(["add", "Book flights", "--category", "  Travel ", "--tag", " Trip ", "--tag", "trip", "--tag", "flights", "--async", "--json"]).out) as! [String: Any]
        #expect(added["category"] as? String == "Travel" && added["tags"] as? [String] == ["Trip", "flights"])
        let edited = try json(try todo(["edit", "1", "--add-tag", "FLIGHTS", "--add-tag", " visa", "--json"]).out) as! [String: Any]
        #expect(edited["tags"] as? [String] == ["Trip", "flights", "visa"])
        let replaced = try json(try todo(["edit", "1", "--tag", "a", "--tag", "A ", "--json"]).out) as! [String: Any]
        #expect(replaced["tags"] as? [String] == ["a"])
        #expect(try todo(["edit", "1", "--category", ""]).status == 64)
        #expect(try todo(["edit", "1", "--remove-tag", " a "]).status == 0)
        // The "#" people type before a tag is not part of it: "#Travel" is travel, shown "#Travel", found by --tag travel.
        let hashed = try json(try todo(["add", "Renew passport", "--tag", "#Travel", "--tag", "travel", "--tag", " # visa", "--async", "--json"]).out) as! [String: Any]
        #expect(hashed["tags"] as? [String] == ["Travel", "visa"])
        #expect(try todo(["list", "--tag", "#travel"]).out.contains("Renew passport") && !todo(["list", "--tag", "travel"]).out.contains("##"))
        #expect(try todo(["add", "x", "--tag", "#"]).status == 64)
    }

    @Test func corruptDatabaseIsReportedAndLeftAlone() throws {
        try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: db))
        let r = try todo(["list"])
        #expect(r.status == 1 && r.err.contains("not a valid task database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == Data(repeating: 0x5A, count: 4096))
    }

    /// An empty list says why: nothing to do at all, or filters that match nothing (then "add one" would not help).
    @Test func anEmptyListSaysWhy() throws {
        #expect(try todo(["add", "Pay rent", "--category", "Finance", "--async"]).status == 0)
        #expect(try todo(["list", "--category", "Garden"]).out == "No pending tasks match these filters.\n")
        #expect(try todo(["list", "--status", "all", "--tag", "nope"]).out == "No tasks match these filters.\n")
        #expect(try todo(["list", "--status", "done"]).out == "No done tasks.\n")
        #expect(try todo(["done", "1"]).status == 0)
        #expect(try todo(["list"]).out.hasPrefix("No tasks to do. Add one with: todo add"))
        #expect(try todo(["search", "rent"]).out == "No pending tasks to search (--all searches done ones too).\n")
    }

    /// A named database that does not exist is a typo to the commands on tasks already there:
    /// said, and nothing is created (an empty new file would look as if every task were gone).
    @Test func aMissingNamedDatabaseIsNamedNotCreated() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nowhere-\(UUID().uuidString)")
        let missing = TodoCLI(db: folder.appendingPathComponent("sub/tasks.sqlite").path)
        for args in [["list"], ["show", "1"], ["stats"], ["export"], ["done", "1"], ["edit", "1", "--title", "x"], ["search", "rent"],
                     ["similar", "1"], ["explain", "1"], ["undo"], ["enrich", "--all"], ["cache", "stats"], ["backup", folder.path + "-copy"]] {
            let r = try missing.todo(args)
            #expect(r.status == 1 && r.err.contains("No task database at \(missing.db)"), "todo \(args): \(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(try missing.todo(["add", "the first task", "--async"]).status == 0)  // adding creates it
        #expect(try missing.todo(["list"]).out.contains("the first task"))
    }

    /// An empty --db (`--db "$DB"` with DB unset) names no database: refused, not read as "no
    /// --db", which would list or write the default database instead.
    @Test func anEmptyDatabasePathIsRefused() throws {
        for args in [["list"], ["add", "written nowhere"], ["users", "list"], ["worker", "--once"]] {
            let r = try TodoCLI(db: " ").todo(args)
            #expect(r.status == 64 && r.err.contains("--db is empty") && r.out.isEmpty, "todo \(args): \(r.err)")
        }
    }
}

@Suite struct ExportImportTests {
    func run(_ args: [String], db: String, stdin: Data? = nil) throws -> TodoCLI.Run {
        try TodoCLI(db: db).todo(args, stdin: stdin)
    }

    @Test func exportImportExportIsIdentical() throws {
        let a = FileManager.default.temporaryDirectory.appendingPathComponent("a-\(UUID().uuidString).sqlite").path
        let b = FileManager.default.temporaryDirectory.appendingPathComponent("b-\(UUID().uuidString).sqlite").path
        _ = try run(["add", "Renew passport", "--due", "2030-01-15 09:30", "--priority", "high", "--tag", "travel", "--category", "Personal"], db: a)
        _ = try run(["add", "Notes", "--description", "-"], db: a, stdin: Data("line one\nline two ünï\n".utf8))
        _ = try run(["add", "Gone"], db: a)
        _ = try run(["done", "2"], db: a)
        _ = try run(["delete", "3"], db: a)
        let first = try run(["export"], db: a)
        #expect(first.status == 0 && first.out.split(separator: "\n").count == 3)
        let imported = try run(["import", "-", "--json"], db: b, stdin: Data(first.out.utf8))
        #expect(imported.out.contains("\"added\":3") && imported.out.contains("\"deleted\":1"), "\(imported.err)")
        #expect(try run(["export"], db: b).out == first.out)
        // Importing again skips every task: same uuids.
        #expect(try run(["import", "-", "--json"], db: b, stdin: Data(first.out.utf8)).out.contains("\"skipped\":3"))
    }

    /// An undone import deletes what it added; importing the file again brings those tasks back
    /// (same ids), rather than skipping them as already here. A task deleted in the file stays so.
    @Test func importingAgainAfterUndoRestoresTheTasks() throws {
        let a = FileManager.default.temporaryDirectory.appendingPathComponent("a-\(UUID().uuidString).sqlite").path
        let b = FileManager.default.temporaryDirectory.appendingPathComponent("b-\(UUID().uuidString).sqlite").path
        for title in ["Renew passport", "Call mom", "Gone"] { _ = try run(["add", title, "--priority", "low", "--category", "Personal"], db: a) }
        _ = try run(["delete", "3"], db: a)
        let file = try run(["export"], db: a).out
        #expect(try run(["import", "-"], db: b, stdin: Data(file.utf8)).status == 0)
        #expect(try run(["undo"], db: b).status == 0)
        #expect(try run(["list"], db: b).out.contains("No tasks"))
        let again = try run(["import", "-"], db: b, stdin: Data(file.utf8))
        #expect(again.out.contains("Imported 2 tasks (2 of them deleted here before, now restored); skipped 1 already here"), "\(again.out)")
        let titles = (try TodoCLI(db: b).json(try run(["list", "--json"], db: b).out) as! [[String: Any]]).map { "\($0["id"]!) \($0["title"]!)" }
        #expect(titles.sorted() == ["1 Renew passport", "2 Call mom"])
        // The restoring import is undone as a whole too: deleted again.
        #expect(try run(["undo"], db: b).status == 0)
        #expect(try run(["show", "1"], db: b).err.contains("task 1 was deleted"))
        #expect(try run(["import", "-", "--json"], db: b, stdin: Data(file.utf8)).out.contains("\"restored\":2"))
    }

    @Test func importsTaskwarriorExport() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("tw-\(UUID().uuidString).sqlite").path
        let tw = """
            [{"id":1,"description":"Fix bike","entry":"20261120T080000Z","modified":"20261121T090000Z","status":"pending",
              "uuid":"11111111-2222-3333-4444-555555555555","project":"Home","priority":"H","tags":["bike","repair"],"due":"20261201T170000Z",
              "annotations":[{"entry":"20261120T081000Z","description":"rear brake squeaks"}]},
             {"id":0,"description":"File taxes","entry":"20261101T080000Z","status":"completed","end":"20261110T120000Z",
              "uuid":"66666666-7777-8888-9999-000000000000"}]
            """
        let r = try run(["import", "-"], db: db, stdin: Data(tw.utf8))
        #expect(r.status == 0 && r.out.contains("Imported 2 tasks"), "\(r.err)")
        let shown = try JSONSerialization.jsonObject(with: Data(try run(["show", "1", "--json"], db: db).out.utf8)) as! [String: Any]
        #expect(shown["title"] as? String == "Fix bike" && shown["priority"] as? String == "high" && shown["category"] as? String == "Home")
        #expect(shown["description"] as? String == "rear brake squeaks")
        #expect((shown["due"] as? String)?.hasPrefix("2026-12-01T17:00:00") == true)
        #expect(shown["uuid"] as? String == "11111111-2222-3333-4444-555555555555")
        let done = try JSONSerialization.jsonObject(with: Data(try run(["show", "2", "--json"], db: db).out.utf8)) as! [String: Any]
        #expect(done["status"] as? String == "done")
    }

    @Test func aBadLineImportsNothing() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).sqlite").path
        let good = try run(["export"], db: db)  // empty database: nothing
        #expect(good.out.isEmpty)
        let lines = """
            {"id": 5, "uuid": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "title": "ok", "created": "2026-11-20T10:00:00.000Z"}
            {"id": 6, "uuid": "not-a-uuid", "title": "bad", "created": "2026-11-20T10:00:00.000Z"}
            """
        let r = try run(["import", "-"], db: db, stdin: Data(lines.utf8))
        #expect(r.status == 1 && r.err.contains("standard input:2:") && r.err.contains("not a uuid"))
        // Each problem is named by line and field.
        for (line, problem) in [("{\"description\": \"no title\"}", "(no \"title\")"), ("{\"title\": \"x\", \"tags\": \"a,b\"}", "\"tags\" must be an array"),
                                ("{\"title\": \"   \"}", "the title is empty"), ("{\"title\": \"x\", \"due\": \"someday\"}", "cannot read 'someday' as a date"),
                                ("[1, 2", "not valid JSON")] {
            let bad = try run(["import", "-"], db: db, stdin: Data("{\"title\": \"fine\"}\n\(line)\n".utf8))
            #expect(bad.status == 1 && bad.err.contains("standard input:2:") && bad.err.contains(problem), "\(line) → \(bad.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: db), "a refused import creates no database")
    }

    /// Lines written by hand need only a title; what they give is the user's, the AI fills the rest later.
    @Test func importsMinimalLines() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("min-\(UUID().uuidString).sqlite").path
        let lines = """
            {"title": "Pay rent", "due": "2030-12-01"}
            {"title": "Call the plumber", "due": "in 3 days", "priority": "high", "tags": ["home", "Home", "#home"]}
            """
        let r = try run(["import", "-", "--json"], db: db, stdin: Data(lines.utf8))
        #expect(r.status == 0 && r.out.contains("\"added\":2") && r.out.contains("\"queued\":2"), "\(r.err)")
        let first = try JSONSerialization.jsonObject(with: Data(try run(["show", "1", "--json"], db: db).out.utf8)) as! [String: Any]
        #expect(first["title"] as? String == "Pay rent" && (first["due"] as? String)?.hasPrefix("2030-12-01") == true)
        #expect(UUID(uuidString: first["uuid"] as? String ?? "") != nil && first["created"] is String)
        let second = try JSONSerialization.jsonObject(with: Data(try run(["show", "2", "--json"], db: db).out.utf8)) as! [String: Any]
        let due = try? Date(second["due"] as? String ?? "", strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(due.map { $0.timeIntervalSinceNow > 2 * 86_400 && $0.timeIntervalSinceNow < 4 * 86_400 } == true)
        #expect(second["priority"] as? String == "high" && second["tags"] as? [String] == ["home"])  // a tag once, as everywhere
        // Without uuids, a second import adds them again (nothing to recognise them by).
        let again = try run(["import", "-"], db: db, stdin: Data(lines.utf8))
        #expect(again.out.contains("Imported 2 tasks.\nRun `todo enrich` to fill their AI fields."), "\(again.out)")
        // An export's tasks carry their fields: nothing to enrich is not asked for.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("min-copy-\(UUID().uuidString).sqlite").path
        _ = try run(["add", "Pay rent", "--priority", "low", "--category", "Finance", "--tag", "rent"], db: copy)
        let full = try run(["import", "-"], db: db, stdin: Data(try run(["export"], db: copy).out.utf8))
        #expect(full.out == "Imported 1 task.\n", "\(full.out)")
    }
}


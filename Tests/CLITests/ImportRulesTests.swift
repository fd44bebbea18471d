import Foundation
import TestSupport
import Testing
@testable import TaskService

/// What an import, or any write, may not do: cut text at a NUL, take an id that breaks later
/// adds, or store timestamps that contradict each other. Each is refused by line and field.
@Suite struct ImportRulesTests {
    let cli = TodoCLI()
    func todo(_ args: [String], stdin: String? = nil) throws -> TodoCLI.Run { try cli.todo(args, stdin: stdin.map { Data($0.utf8) }) }
    /// The stored tasks; none when every command so far was refused before creating the database.
    func tasks() throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: cli.db) else { return [] }
        return try JSONSerialization.jsonObject(with: Data(try todo(["list", "--json", "--status", "all"]).out.utf8)) as! [[String: Any]]
    }

    @Test func aNulCharacterIsRefusedNotCut() throws {
        let add = try cli.todo(["add", "t", "--description", "-", "--async"], stdin: Data("abc\0def".utf8))
        #expect(add.status == 1 && add.err.contains("description holds a NUL character (U+0000) at character 4"), "\(add.err)")
        let imported = try todo(["import", "-"], stdin: "{\"title\": \"nul\\u0000title\"}\n")
        #expect(imported.status == 1 && imported.err.contains("standard input:1: title holds a NUL character"), "\(imported.err)")
        #expect(try tasks().isEmpty)
        // The store refuses it whoever writes, not only the command line.
        let store = try TaskStore()
        #expect(throws: StoreError.invalid("tags[0] holds a NUL character (U+0000) at character 2; remove it")) {
            try store.add(TodoTask(title: "x", tags: ["a\0b"]))
        }
    }

    /// A field a task does not have ("colour", a misspelt "priorty") is refused by name, never
    /// dropped silently.
    @Test func anUnknownFieldIsRefusedNotDropped() throws {
        let imported = try todo(["import", "-"], stdin: "{\"title\": \"ok\"}\n{\"title\": \"Paint\", \"priorty\": \"high\"}\n")
        #expect(imported.status == 1 && imported.err.contains("standard input:2: \"priorty\" is not a field of a task (fields: id, uuid, title"), "\(imported.err)")
        #expect(try tasks().isEmpty, "all or nothing")
    }

    @Test func importedIdsMustBeSaneAndHandWrittenLinesGetNewOnes() throws {
        let uuid = "6a2f41a3-c54c-4bd5-8f5e-3a2f41a3c54c"
        for id in ["9223372036854775807", "-5", "0", "10000000"] {
            let r = try todo(["import", "-"], stdin: "{\"title\": \"a\", \"id\": \(id), \"uuid\": \"\(uuid)\"}\n")
            #expect(r.status == 1 && r.err.contains("standard input:1: id \(id) is outside 1…9,999,999"), "\(r.err)")
        }
        #expect(try tasks().isEmpty)
        #expect(try todo(["add", "first", "--async"]).status == 0)
        // A line from an export keeps its id when free; a line without a uuid is new: a new id
        // (after the largest, as every new id).
        #expect(try todo(["import", "-"], stdin: "{\"title\": \"kept\", \"id\": 9999999, \"uuid\": \"\(uuid)\"}\n{\"title\": \"by hand\", \"id\": 500}\n").status == 0)
        let ids = try tasks().map { $0["id"] as! Int }.sorted()
        #expect(ids == [1, 9_999_999, 10_000_000], "\(ids)")
        // Adding still works, and a whole id is printed whole.
        #expect(try todo(["add", "after", "--async"]).status == 0)
        #expect(try todo(["list", "--status", "all"]).out.contains("9999999 "))
    }

    /// Every bad line is named at once, in order, whatever is wrong with it: a file is mended in one go.
    @Test func everyBadLineIsNamedAtOnce() throws {
        let lines = ["{\"title\": \"fine\"}", "{\"title\": \"\"}", "{\"title\": \"a\", \"priority\": \"urgent\"}",
                     "{\"title\": \"b\", \"due\": \"31 feb\"}", "{not json", "{\"title\": \"c\", \"completed\": \"2026-01-01T00:00:00Z\"}"]
        let r = try todo(["import", "-"], stdin: lines.joined(separator: "\n") + "\n")
        let said = r.err.split(separator: "\n").map(String.init)
        #expect(r.status == 1 && said.first == "Error: 5 bad lines; nothing was imported:", "\(r.err)")
        #expect(said.dropFirst().map { $0.split(separator: ":").prefix(2).joined(separator: ":") }
                == (2...6).map { "  standard input:\($0)" }, "\(said)")
        #expect(r.err.contains("unknown priority 'urgent'") && r.err.contains("February has 28 days") && r.err.contains("not valid JSON")
                && r.err.contains("completed is set, but the task is pending"), "\(r.err)")
        #expect(try tasks().isEmpty)
        // A priority in capitals is read as `add --priority HIGH` reads it.
        #expect(try todo(["import", "-"], stdin: "{\"title\": \"Pay rent\", \"priority\": \"HIGH\"}\n").status == 0)
        #expect(try tasks().map { $0["priority"] as? String } == ["high"])
        let many = (1...30).map { _ in "{\"title\": \"\"}" }.joined(separator: "\n")
        let capped = try todo(["import", "-"], stdin: many + "\n")
        #expect(capped.err.contains("30 bad lines") && capped.err.hasSuffix("… and 10 more\n"), "\(capped.err)")
    }

    @Test func contradictoryTimestampsAreRefusedByField() throws {
        let cases = [("{\"title\": \"a\", \"created\": \"9999-12-31T00:00:00Z\"}", "created 9999-12-31T00:00:00Z is in the future"),
                     ("{\"title\": \"a\", \"created\": \"2026-01-02T00:00:00Z\", \"updated\": \"0001-01-01T00:00:00Z\"}", "updated 0001-01-01T00:00:00Z is outside the years 1970 to 9999"),
                     ("{\"title\": \"a\", \"created\": \"2026-01-02T00:00:00Z\", \"updated\": \"2026-01-01T00:00:00Z\"}", "updated 2026-01-01T00:00:00Z is before created"),
                     ("{\"title\": \"a\", \"completed\": \"2026-01-01T00:00:00Z\"}", "completed is set, but the task is pending, not done"),
                     ("{\"title\": \"a\", \"status\": \"done\", \"created\": \"2026-01-02T00:00:00Z\", \"completed\": \"2026-01-01T00:00:00Z\"}", "completed 2026-01-01T00:00:00Z is before created"),
                     ("{\"title\": \"a\", \"due\": \"1969-07-20T20:17:00Z\"}", "due 1969-07-20T20:17:00Z is outside the years 1970 to 9999")]
        for (line, problem) in cases {
            let r = try todo(["import", "-"], stdin: "{\"title\": \"fine\"}\n" + line + "\n")
            #expect(r.status == 1 && r.err.contains("standard input:2: \(problem)"), "\(line) → \(r.err)")
        }
        #expect(try tasks().isEmpty)
    }

    @Test func taskwarriorLinesRecurringTemplatesAndDroppedFields() throws {
        let lines = """
            {"uuid":"11111111-2222-3333-4444-555555555555","description":"Water the ferns","entry":"20261101T090000Z","status":"pending","wait":"20261205T000000Z","depends":"aaaaaaaa-2222-3333-4444-555555555555"}
            {"uuid":"21111111-2222-3333-4444-555555555555","description":"Weekly report","entry":"20261101T090000Z","status":"recurring","recur":"weekly","due":"20261106T170000Z"}
            {"uuid":"31111111-2222-3333-4444-555555555555","description":"Weekly report","entry":"20261101T090000Z","status":"pending","parent":"21111111-2222-3333-4444-555555555555","due":"20261106T170000Z","depends":["aaaaaaaa-2222-3333-4444-555555555555"]}
            {"uuid":"41111111-2222-3333-4444-555555555555","description":"Old thing","entry":"20261101T090000Z","end":"20261102T090000Z","status":"completed"}
            """
        let r = try todo(["import", "-", "--json"], stdin: lines)
        #expect(r.status == 0, "\(r.err)")
        let report = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        #expect(report["added"] as? Int == 3 && report["recurring_templates"] as? Int == 1)
        #expect(report["dropped_fields"] as? [String: Int] == ["wait": 1, "depends": 2])
        let all = try tasks()
        #expect(all.map { $0["title"] as! String }.sorted() == ["Old thing", "Water the ferns", "Weekly report"])
        #expect(all.first { $0["title"] as? String == "Old thing" }?["status"] as? String == "done")
        let text = try todo(["import", "-"], stdin: lines.replacingOccurrences(of: "\"uuid\":\"", with: "\"uuid\":\"0"))
        #expect(text.status == 1)  // uuids made invalid: named by line
        #expect(text.err.contains("standard input:1:"), "\(text.err)")
    }

    /// In Taskwarrior's array a problem is named by its task's place in the array, counting the
    /// recurring templates left out and the tasks that are not objects.
    @Test func aTaskwarriorArraysProblemsAreNamedByTheirPlace() throws {
        let array = """
            [{"uuid":"21111111-2222-3333-4444-555555555555","description":"Weekly report","entry":"20261101T090000Z","status":"recurring","recur":"weekly"},
             {"uuid":"not-a-uuid","description":"Water the ferns","entry":"20261101T090000Z","status":"pending"},
             7,
             {"description":"No entry","status":"pending","entry":42}]
            """
        let r = try todo(["import", "-"], stdin: array)
        #expect(r.status == 1 && r.err.contains("3 bad tasks; nothing was imported"), "\(r.err)")
        #expect(r.err.contains("standard input, task 2: not a task of Taskwarrior's export (\"uuid\" is not valid)") && r.err.contains("standard input, task 3: not a JSON object of a task")
                && r.err.contains("standard input, task 4: not a task of Taskwarrior's export (\"entry\" must be a string)"), "\(r.err)")
        #expect(try tasks().isEmpty)
    }

    @Test func emptyInputFoldersAndMissingFilesAreNamed() throws {
        let empty = try todo(["import", "/dev/null"])
        #expect(empty.status == 1 && empty.err.contains("/dev/null holds no tasks (it is empty); nothing was imported"), "\(empty.err)")
        let folder = try todo(["import", NSTemporaryDirectory()])
        #expect(folder.status == 1 && folder.err.contains("is a folder"), "\(folder.err)")
        let missing = try todo(["import", "/nonexistent/tasks.jsonl"])
        #expect(missing.status == 1 && missing.err.contains("no such file"))
    }

    @Test func negativeNumbersAreExplained() throws {
        _ = try todo(["add", "x", "--async"])
        let limit = try todo(["list", "--limit", "-1"])
        #expect(limit.status == 64 && limit.err.contains("--limit must be 1 or more"), "\(limit.err)")
        let show = try todo(["show", "-1"])
        #expect(show.status == 64 && show.err == "Error: '-1' is not a task id: ids are whole numbers from 1 (see `todo list`).\n", "the whole message: \(show.err)")
        // Of several ids too, and nothing was done.
        let done = try todo(["done", "1", "-5"])
        #expect(done.status == 64 && done.err == "Error: '-5' is not a task id: ids are whole numbers from 1 (see `todo list`).\n", "\(done.err)")
        #expect(try todo(["show", "1", "--json"]).out.contains("\"status\":\"pending\""))
        let similar = try todo(["similar", "1", "--min", "-0.5"])
        #expect(similar.status == 64 && similar.err.contains("--min is between 0 and 1"), "\(similar.err)")
        #expect(try todo(["add", "late", "--due", "-3d", "--async"]).status == 0)
    }

    /// Text that begins with "-" reads as an option: the error says how to write it.
    @Test func textBeginningWithADashIsExplained() throws {
        let title = try todo(["add", "-20% sale signs"])
        #expect(title.status == 64 && title.err.contains("put the options first, then `--`, then the text"), "\(title.err)")
        let number = try todo(["add", "-5"])
        #expect(number.status == 64 && !number.err.contains("task id"), "a title, not an id: \(number.err)")
        let value = try todo(["edit", "1", "--title", "-20% sale"])
        #expect(value.status == 64 && value.err.contains("--title=\"-20% sale\""), "\(value.err)")
        // After `--` (the database named before it, since everything after it is text).
        let after = try raw(["add", "--db", cli.db, "--", "-20% sale", "--async"])
        #expect(after.status == 64 && after.err.contains("Options go before `--`"), "\(after.err)")
        let added = try raw(["add", "--async", "--json", "--db", cli.db, "--", "-20% sale signs"])
        #expect(added.status == 0 && added.out.contains("\"-20% sale signs\""), "\(added.out)\(added.err)")
    }

    /// `todo` with exactly these arguments (no --db appended), through bash so that they may be any bytes.
    func raw(_ args: [String]) throws -> TodoCLI.Run {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", #"exec "$0" "$@""#, TodoCLI.binary.path] + args
        let out = Pipe(), err = Pipe()
        (shell.standardOutput, shell.standardError) = (out, err)
        try shell.run()
        let (o, e) = (out.fileHandleForReading.readDataToEndOfFile(), err.fileHandleForReading.readDataToEndOfFile())
        shell.waitUntilExit()
        return TodoCLI.Run(status: shell.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// An argument that is not UTF-8 is refused, not stored with replacement characters.
    @Test func anArgumentThatIsNotUTF8IsRefused() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", #"exec "$0" add "$(printf 'caf\xe9 latin1')" --async --db "$1""#, TodoCLI.binary.path, cli.db]
        let err = Pipe()
        shell.standardError = err
        try shell.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 64 && message.contains("argument 2 (caf\u{FFFD} latin1) is not valid UTF-8; nothing was done"), "\(message)")
        #expect(try raw(["add", "café", "--async", "--db", cli.db]).status == 0, "UTF-8 is taken as it is")
        #expect(try tasks().map { $0["title"] as? String } == ["café"], "nothing else was stored")
    }
}

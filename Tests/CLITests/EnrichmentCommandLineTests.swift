import Foundation
import TestSupport
import Testing
@testable import TaskService

/// `todo` end to end with the AI: inline enrichment, the queue under `kill -9`,
/// missing weights, edit/undo/explain/similar/stats/cache.
@Suite struct EnrichmentCommandLineTests {
    let cli = TodoCLI()
    func todo(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> TodoCLI.Run {
        try cli.todo(args, stdin: stdin, environment: environment)
    }
    func json(_ r: TodoCLI.Run) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
    }
    var weights: String { PackagePaths.weights.path }

    /// `todo args --db <this test's database>` with the model, started and left running (to be
    /// killed or signalled); standard error is discarded.
    func started(_ args: [String], output: Any) throws -> Process {
        let p = Process()
        p.executableURL = TodoCLI.binary
        p.arguments = args + ["--db", cli.db]
        p.environment = ProcessInfo.processInfo.environment.merging(["SMART_TODO_WEIGHTS": weights]) { $1 }
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test func addEnrichesInlineAndNeverOverridesTheUser() throws {
        let r = try todo(["add", "Pay the electricity bill", "--due", "tomorrow", "--json"], environment: ["SMART_TODO_WEIGHTS": weights])
        #expect(r.status == 0, "\(r.err)")
        let t = try json(r)
        #expect(t["category"] as? String == "Finance" && t["priority"] as? String == "high")
        #expect(Set((t["provenance"] as! [String: Any]).keys) == ["category", "priority", "tags"])
        let mine = try json(try todo(["add", "Pay the electricity bill", "--category", "Home", "--priority", "low", "--json"], environment: ["SMART_TODO_WEIGHTS": weights]))
        #expect(mine["category"] as? String == "Home" && mine["priority"] as? String == "low")
        #expect((mine["provenance"] as! [String: Any]).keys.sorted() == ["tags"])
        let explained = try json(try todo(["explain", "1", "--json"], environment: ["SMART_TODO_WEIGHTS": weights]))
        #expect(explained["priority"] as? String == "high" && explained["set_by"] as? String == "AI")
        #expect((explained["terms"] as! [[String: Any]]).first?["name"] as? String == "due within 2 days")
        let tags = explained["tags"] as! [String: Any]
        let suggested = tags["suggested"] as! [[String: Any]]
        #expect(tags["set_by"] as? String == "AI" && suggested.map { $0["tag"] as? String } == (t["tags"] as! [String]).map { Optional($0) })
        #expect(suggested.allSatisfy { ["title", "description", "lexicon", "yours", "similar_tasks"].contains($0["source"] as? String ?? "") && $0["relevance"] is Double && $0["filed"] is Bool && $0["learned"] is Double })
        let text = try todo(["explain", "1"], environment: ["SMART_TODO_WEIGHTS": weights]).out
        #expect(text.contains("Tags: #") && text.contains("a phrase of the title (+0.2)") && text.contains("--remove-tag"), "\(text)")
        // "bill" is a tag of labelled tasks: people file by it, and explain says so.
        #expect(suggested.contains { $0["tag"] as? String == "bill" && $0["filed"] as? Bool == true } && text.contains("people file by it (+0.2)"), "\(text)")
        // And what the learned ranking added to each, which the text shows too.
        let bill = try #require(suggested.first { $0["tag"] as? String == "bill" })
        #expect(text.contains(String(format: "learned ranking %+.2f", bill["learned"] as! Double)), "\(text)")
        // Each relevance is the sum of the terms shown, under the default settings.
        let d = TagSettings()
        for t in suggested {
            let terms = (t["similarity"] as! Double) + (t["source"] as? String == "title" ? d.titleBonus : 0)
                + (t["source"] as? String == "yours" ? d.knownTagBonus : 0) - d.lengthPenalty * Double((t["words"] as! Int) - 1)
                + d.neighbourWeight * (t["support"] as! Double) + (t["filed"] as! Bool ? d.filedTagBonus : 0) + (t["learned"] as! Double)
            #expect(abs(terms - (t["relevance"] as! Double)) < 1e-9, "\(t)")
        }
        #expect(text.contains(String(format: "similarity %.2f; a phrase of the title (+0.2)", bill["similarity"] as! Double)), "\(text)")
        let shown = text.split(separator: "\n").drop { !$0.hasPrefix("Tags: ") }.dropFirst().prefix { $0.hasPrefix("  ") && !$0.hasPrefix("  (") }
        let relevances = shown.compactMap { Double($0.split(separator: " ").first ?? "") }
        #expect(relevances.count == suggested.count && relevances == relevances.sorted(by: >), "most relevant first: \(text)")
        let similar = try JSONSerialization.jsonObject(with: Data(try todo(["similar", "1", "--json"], environment: ["SMART_TODO_WEIGHTS": weights]).out.utf8)) as! [[String: Any]]
        #expect(((similar.first?["task"] as? [String: Any])?["id"] as? Int) == 2)
        let cache = try json(try todo(["cache", "stats", "--json"]))
        #expect((cache["entries"] as? Int ?? 0) > 0)
        #expect((cache["by_operation"] as? [String: Int])?.values.reduce(0, +) == cache["entries"] as? Int, "\(cache)")
        // `stats` does not count per operation (a scan of the cache): it leaves the key out, never an empty {}.
        let counted = try #require(try json(try todo(["stats", "--json"]))["cache"] as? [String: Any])
        #expect(counted["by_operation"] == nil && counted["entries"] as? Int == cache["entries"] as? Int, "\(counted)")
        #expect(try todo(["cache", "clear"]).status == 0)
        #expect(try json(try todo(["cache", "stats", "--json"]))["entries"] as? Int == 0)
        #expect(try todo(["cache", "flush"]).status == 64)
    }

    /// Unrelated tasks are left out, and the output says so; --min-score 0 brings them back.
    @Test func searchLeavesOutWeakResults() throws {
        let env = ["SMART_TODO_WEIGHTS": weights]
        for title in ["Renew the car insurance before it lapses", "Water the tomato plants", "Prepare slides for the board meeting"] {
            #expect(try todo(["add", title], environment: env).status == 0)
        }
        let text = try todo(["search", "insurance"], environment: env)
        #expect(text.status == 0 && text.out.split(separator: "\n").count == 2, "\(text.out)")
        #expect(text.out.contains("car insurance") && text.out.contains("(2 weaker results below 0.15 left out; --min-score 0 shows them)"))
        let all = try JSONSerialization.jsonObject(with: Data(try todo(["search", "insurance", "--min-score", "0", "--json"], environment: env).out.utf8)) as! [[String: Any]]
        #expect(all.count == 3 && (all.last?["score"] as? Double ?? 1) < 0.15)
        let none = try todo(["search", "quantum chromodynamics"], environment: env)
        #expect(none.status == 0 && none.out.hasPrefix("No task matches well: the closest scores"), "\(none.out)")
        // --min-score 0 shows every result, also those scoring below zero.
        let every = try JSONSerialization.jsonObject(with: Data(try todo(["search", "quantum chromodynamics", "--min-score", "0", "--json"], environment: env).out.utf8)) as! [[String: Any]]
        #expect(every.count == 3 && every.contains { ($0["score"] as? Double ?? 1) < 0 })
    }

    @Test func editRemovesTagsForGoodAndUndoRevertsIt() throws {
        let env = ["SMART_TODO_WEIGHTS": weights]
        let t = try json(try todo(["add", "Buy new running shoes for the marathon", "--json"], environment: env))
        let tags = t["tags"] as! [String]
        #expect(!tags.isEmpty)
        let edited = try json(try todo(["edit", "1", "--remove-tag", tags[0], "--json"], environment: env))
        #expect(!(edited["tags"] as! [String]).contains(tags[0]) && (edited["removed_tags"] as! [String]) == [tags[0]])
        // Re-enriching (text change, or `enrich --all`) never brings it back.
        _ = try todo(["edit", "1", "--title", "Buy new running shoes for the city marathon"], environment: env)
        _ = try todo(["enrich", "--all"], environment: env)
        let after = try json(try todo(["show", "1", "--json"]))
        #expect(!(after["tags"] as! [String]).map(TextFeatures.tagKey).contains(TextFeatures.tagKey(tags[0])))
        // undo: the title edit (the enrich run decided as the edit had: it changed nothing and is no
        // step), then the tag removal.
        #expect(try todo(["undo"]).out.contains("--title"))
        #expect(try todo(["undo"]).status == 0)
        let back = try json(try todo(["show", "1", "--json"]))
        #expect(back["tags"] as! [String] == tags && (back["removed_tags"] as! [String]).isEmpty)
        #expect(try todo(["undo"]).status == 0)  // the add
        #expect(try todo(["show", "1"]).status == 1)
        let nothing = try todo(["undo"])
        #expect(nothing.status == 1 && nothing.err.contains("Nothing to undo"))
        let bad = try todo(["edit", "77", "--title", "x"])
        #expect(bad.status == 1 && bad.err.contains("no task 77"))
        #expect(try todo(["edit", "1"]).status == 64)  // nothing to change
    }

    /// A model name neither installed nor in models.json is a typo: named at once, before anything
    /// is stored, not a note that queues the task for a model that will never come.
    @Test func anUnknownModelIsNamed() throws {
        for args in [["add", "Pay rent", "--model", "bogus"], ["enrich", "--model", "bogus"]] {
            let r = try todo(args)
            #expect(r.status == 1 && r.err.contains("Unknown embedding model 'bogus' (installed: all-MiniLM-L6-v2"), "\(args): \(r.err)")
        }
        #expect(try todo(["list", "--json"]).out.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        // An installable one that is not installed yet is no typo: the task is stored and queued.
        let mpnet = try todo(["add", "Pay rent", "--model", "all-mpnet-base-v2"], environment: ["SMART_TODO_WEIGHTS": "/nonexistent-weights"])
        #expect(mpnet.status == 0 && mpnet.err.contains("todo models install all-mpnet-base-v2"), "\(mpnet.err)")
    }

    @Test func withoutWeightsTasksAreStoredAndQueued() throws {
        let env = ["SMART_TODO_WEIGHTS": "/nonexistent-weights"]
        let r = try todo(["add", "Call the plumber", "--json"], environment: env)
        #expect(r.status == 0 && r.err.contains("no embedding model installed") && r.err.contains("fetch-weights"))
        #expect(try json(r)["category"] is NSNull)
        #expect(try todo(["list"], environment: env).out.contains("Call the plumber"))
        let enrich = try todo(["enrich"], environment: env)
        #expect(enrich.status == 1 && enrich.err.contains("1 job(s) stay queued"))
        let stats = try json(try todo(["stats", "--json"], environment: env))
        #expect((stats["queue"] as! [String: Any])["pending"] as? Int == 1)
        // With the model back, the queued job finishes.
        let done = try json(try todo(["enrich", "--json"], environment: ["SMART_TODO_WEIGHTS": weights]))
        #expect(done["enriched"] as? Int == 1 && (done["queue"] as! [String: Any])["pending"] as? Int == 0)
        #expect(try json(try todo(["show", "1", "--json"]))["category"] as? String != nil)
    }

    @Test func aHugeDescriptionIsStoredWholeAndQueued() throws {
        let text = String(repeating: "Weekly notes: ünïcödé, 東京, emoji 🎉, code `x += 1`.\n", count: 90_000)  // ≈ 5 MB
        let r = try todo(["add", "Quarterly notes", "--description", "-", "--json"], stdin: Data(text.utf8), environment: ["SMART_TODO_WEIGHTS": weights])
        #expect(r.status == 0 && r.err.contains("queued"), "\(r.err)")
        #expect(try json(try todo(["show", "1", "--json"]))["description"] as? String == text)
        #expect((try json(try todo(["stats", "--json"]))["queue"] as! [String: Any])["pending"] as? Int == 1)
    }

    @Test func killDuringEnrichmentLosesNeitherTasksNorJobs() throws {
        // Enough distinct work that `todo enrich` is still running when it is killed.
        let lines = (1..<121).map { i -> String in
            let text = (1...25).map { "Point \($0) of plan \(i): check supplier \(i * 7 + $0) and note the outcome." }.joined(separator: " ")
            return #"{"uuid": "\#(UUID().uuidString)", "title": "Plan \#(i): follow up with supplier \#(i)", "description": "\#(text)", "created": "2026-11-20T10:00:00.000Z"}"#
        }.joined(separator: "\n")
        #expect(try todo(["import", "-"], stdin: Data(lines.utf8)).status == 0)
        let store = try TaskStore(url: URL(fileURLWithPath: cli.db))
        let queue = EnrichmentQueue(store: store)
        #expect(try queue.counts().pending == 120)

        let p = try started(["enrich"], output: FileHandle.nullDevice)
        let deadline = Date().addingTimeInterval(600)
        while try queue.counts().done == 0 && p.isRunning && Date() < deadline { usleep(20_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "enrich finished before it could be killed; give it more work")

        let killed = try queue.counts()
        #expect(killed.done > 0 && killed.pending > 0 && killed.done + killed.pending == 120)
        #expect(try store.tasks().count == 120)
        let r = try todo(["enrich", "--json"], environment: ["SMART_TODO_WEIGHTS": weights])
        #expect(r.status == 0, "\(r.err)")
        #expect(try queue.counts() == EnrichmentQueue.Counts(pending: 0, done: 120, failed: 0))
        #expect(try store.tasks().allSatisfy { $0.category != nil && $0.priority != nil && !$0.tags.isEmpty })
    }

    /// `enrich --watch`: a worker with the model loaded once enriches what other processes
    /// queue, a line per task, until SIGINT; it records no undo entries of its own.
    @Test func watchEnrichesQueuedTasksUntilStopped() throws {
        let out = Pipe()
        let p = try started(["enrich", "--watch", "--interval", "0.1"], output: out)
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        for args in [["Pay the electricity bill", "--due", "tomorrow"], ["Book a dentist appointment"]] {
            let added = try todo(["add"] + args + ["--async"])
            #expect(added.status == 0, "\(added.err)")
        }
        let store = try TaskStore(url: URL(fileURLWithPath: cli.db))
        let deadline = Date().addingTimeInterval(120)
        while try EnrichmentQueue(store: store).counts().done < 2 && p.isRunning && Date() < deadline { usleep(50_000) }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains(" enriched 1: Pay the electricity bill  AI: Finance · high") && text.contains(" enriched 2: Book a dentist appointment  AI: Health"), "\(text)")
        #expect(try store.tasks().allSatisfy { $0.category != nil && $0.priority != nil })
        // Undo reverts the last add, not a batch of the watcher.
        #expect(try todo(["undo"]).out.contains("Book a dentist appointment"))
        #expect(try store.tasks().map(\.title) == ["Pay the electricity bill"])
        #expect(try todo(["enrich", "--watch", "7"]).status == 64)
        #expect(try todo(["enrich", "--watch", "--interval", "0"]).err.contains("--interval must be more than 0"))
    }

    /// With an NLI model installed, a text of a few windows already costs seconds per window
    /// and category: `add` queues it; with MiniLM alone the same text is enriched inline.
    @Test func theInlineBudgetShrinksWithAnNLIModel() throws {
        let text = String(repeating: "Notes from the planning meeting about the office move. ", count: 60)  // ~3,400 characters
        let alone = try todo(["add", "Office move", "--description", text, "--json"], environment: ["SMART_TODO_WEIGHTS": weights])
        let aloneTask = try json(alone)
        #expect(alone.status == 0 && alone.err.isEmpty && aloneTask["priority"] is String, "\(alone.err)")
        let withNLI = try NLIWeights.make()
        let queued = try todo(["add", "Office move", "--description", text, "--json"], environment: ["SMART_TODO_WEIGHTS": withNLI.path])
        let queuedTask = try json(queued)
        #expect(queued.status == 0 && queued.err.contains("long for the installed NLI model") && queuedTask["priority"] is NSNull, "\(queued.err)")
        let short = try todo(["add", "Pay the electricity bill", "--json"], environment: ["SMART_TODO_WEIGHTS": withNLI.path])
        let shortTask = try json(short)
        #expect(short.status == 0 && shortTask["priority"] is String, "\(short.err)")
    }

    @Test func evalReportsEveryMeasure() throws {
        let fixtures = PackagePaths.fixtures("CLITests")
        let r = try todo(["eval", fixtures.appendingPathComponent("eval_tasks.jsonl").path,
                          "--search", fixtures.appendingPathComponent("eval_queries.jsonl").path, "--json"], environment: ["SMART_TODO_WEIGHTS": weights])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("enriching: 10/10"))  // progress
        let last = try JSONSerialization.jsonObject(with: Data(r.out.split(separator: "\n").last!.utf8)) as! [String: Any]
        for key in ["category_accuracy", "priority_accuracy", "tag_overlap", "search_recall_at_5"] {
            #expect((last[key] as? Double ?? 0) >= 0.7, "\(key): \(last[key] ?? "missing")")
        }
        #expect(last["tasks"] as? Int == 10 && last["queries"] as? Int == 3)
        let precision = last["tag_precision"] as? Double ?? -1
        #expect(precision > 0 && precision <= 1, "tag_precision: \(last["tag_precision"] ?? "missing")")
        // The user's own database is not touched.
        #expect(!FileManager.default.fileExists(atPath: cli.db))
        let missing = try todo(["eval", "/nonexistent.jsonl"])
        #expect(missing.status == 1 && missing.err.contains("Cannot read /nonexistent.jsonl"))
    }

    /// The rows the learned tag ranking is fitted on: every candidate of every labelled task, with
    /// the features `Tools/eval/fit_tag_ranking.py` reads (the same names, in its order) and whether the labels have it.
    @Test func evalWritesTagCandidatesForTheRankingsFit() throws {
        let fixtures = PackagePaths.fixtures("CLITests")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("candidates-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let tasks = fixtures.appendingPathComponent("eval_tasks.jsonl").path
        let r = try todo(["eval", tasks, "--tag-candidates", out.path], environment: ["SMART_TODO_WEIGHTS": weights])
        #expect(r.status == 0 && r.out.isEmpty && r.err.contains("wrote the tag candidates of 10 tasks"), "\(r.err)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        let script = try String(contentsOf: PackagePaths.root.appendingPathComponent("Tools/eval/fit_tag_ranking.py"), encoding: .utf8)
        let listed = script.components(separatedBy: "FEATURES = [")[1].components(separatedBy: "]")[0]
            .components(separatedBy: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \n\"")) }
        var labelled = 0
        for line in lines {
            let task = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let keys = Set(task["tags"] as! [String])
            let rows = task["candidates"] as! [[String: Any]]
            #expect(!rows.isEmpty)
            for row in rows {
                let candidate = row["candidate"] as! [String: Any]
                let features = candidate["features"] as! [String: Any]
                #expect(Set(features.keys) == Set(listed), "\(features.keys.sorted()) against \(listed)")
                #expect(row["labelled"] as? Bool == keys.contains(candidate["key"] as! String))
                if row["labelled"] as? Bool == true { labelled += 1 }
            }
        }
        // The first task's labels are "water bill" and "bill", both phrases of its title.
        #expect(lines[0].contains("\"id\":\"t01\"") && labelled >= 10, "\(labelled) labelled candidates")
        let mixed = try todo(["eval", tasks, "--tag-candidates", out.path, "--json"])
        #expect(mixed.status != 0 && mixed.err.contains("--tag-candidates measures nothing"), "\(mixed.err)")
        let report = try todo(["eval", "--report", "--tag-candidates", out.path])
        #expect(report.status != 0 && report.err.contains("name its TASKS instead of --report"), "\(report.err)")
    }

    @Test func evalReportIsOneTableOfEverySetAndModel() throws {
        let fixtures = PackagePaths.fixtures("CLITests")
        let sets = FileManager.default.temporaryDirectory.appendingPathComponent("eval-sets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sets.appendingPathComponent("dev"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sets) }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("eval_tasks.jsonl"), to: sets.appendingPathComponent("dev/tasks_dev.jsonl"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("eval_queries.jsonl"), to: sets.appendingPathComponent("dev/search_dev.jsonl"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("eval_tasks.jsonl"), to: sets.appendingPathComponent("tasks_more.jsonl"))
        let env = ["SMART_TODO_WEIGHTS": weights]
        let report = try todo(["eval", "--report", "--sets", sets.path, "--model", "all-MiniLM-L6-v2"], environment: env)
        #expect(report.status == 0, "\(report.err)")
        let tables = report.out.components(separatedBy: "\n\n")
        let rows = tables[0].split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(rows.count == 4 && rows[0].first == "set" && rows[0].contains("plain recall@5"), "\(report.out)")
        // Then what each of search's terms adds, for the set with queries.
        let rules = tables.count == 2 ? tables[1].split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } } : []
        #expect(rules.count == 3 && rules[0] == ["set", "model", "search recall@5", "without keywords", "without topics"]
                && rules[2].prefix(3) == ["dev", "all-MiniLM-L6-v2", rows[2][8]], "\(report.out)")
        // dev first, with its queries; the set without queries has no recall.
        #expect(rows[2].prefix(4) == ["dev", "all-MiniLM-L6-v2", "10", "3"] && rows[3].prefix(4) == ["more", "all-MiniLM-L6-v2", "10", "0"])
        #expect(rows[3][8] == "-")
        // The same figures as one set measured alone.
        let alone = try todo(["eval", sets.appendingPathComponent("dev/tasks_dev.jsonl").path, "--search",
                              sets.appendingPathComponent("dev/search_dev.jsonl").path, "--json"], environment: env)
        let last = try JSONSerialization.jsonObject(with: Data(alone.out.split(separator: "\n").last!.utf8)) as! [String: Any]
        for (column, key) in [(4, "category_accuracy"), (7, "tag_precision"), (8, "search_recall_at_5"), (9, "plain_recall_at_5")] {
            #expect(rows[2][column] == String(format: "%.3f", last[key] as? Double ?? -1), "\(key)")
        }
        #expect(last["model"] as? String == "all-MiniLM-L6-v2")
        // The blind set's misses stay unseen: --report lists none.
        #expect(try todo(["eval", "--report", "--misses", "--sets", sets.path]).err.contains("--report prints no misses"))
    }

    /// A labelled set built into the banks is never measured against itself: it leaves the banks, and says so.
    @Test func evalLeavesTheMeasuredSetOutOfTheBank() throws {
        let sets = FileManager.default.temporaryDirectory.appendingPathComponent("eval-bank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sets) }
        let bank = sets.appendingPathComponent("bank"), fresh = sets.appendingPathComponent("fresh")
        for folder in [bank, fresh] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        // The first eight tasks of a set of Tools/eval, in `folder`.
        func copy(_ source: String, to folder: URL) throws {
            let lines = try String(contentsOf: PackagePaths.root.appendingPathComponent("Tools/eval/\(source)"), encoding: .utf8).split(separator: "\n").prefix(8)
            try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(URL(fileURLWithPath: source).lastPathComponent), atomically: true, encoding: .utf8)
        }
        try copy("bank/tasks_b.jsonl", to: bank)
        let file = bank.appendingPathComponent("tasks_b.jsonl")
        let env = ["SMART_TODO_WEIGHTS": weights]
        let json = try todo(["eval", file.path, "--json"], environment: env)
        #expect(json.status == 0, "\(json.err)")
        let last = try JSONSerialization.jsonObject(with: Data(json.out.split(separator: "\n").last!.utf8)) as! [String: Any]
        #expect(last["left_out_of_bank"] as? [String] == ["b"], "\(json.out)")
        #expect(try todo(["eval", file.path], environment: env).out.contains("measured without labelled set b, which holds these tasks"))
        // A second bank set beside it, and two sets of a folder that is not the banks: the report's
        // first table has each folder's sets as one row, their mean; the second has each of them.
        try copy("bank/tasks_c.jsonl", to: bank)
        try copy("fresh/tasks_p.jsonl", to: fresh)
        try copy("fresh/tasks_q.jsonl", to: fresh)
        let report = try todo(["eval", "--report", "--sets", sets.path, "--model", "all-MiniLM-L6-v2"], environment: env)
        let tables = report.out.components(separatedBy: "\n\n").map { $0.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } } }
        #expect(tables.count == 2 && tables[0].count == 4 && tables[1].count == 6, "\(report.out)")
        let bankMean = tables[0][2], freshMean = tables[0][3], b = tables[1][2], c = tables[1][3], p = tables[1][4], q = tables[1][5]
        #expect(bankMean.prefix(4) == ["bank sets b–c (mean of 2, each left out)", "all-MiniLM-L6-v2", "16", "0"], "\(report.out)")
        #expect(freshMean.prefix(4) == ["fresh sets p–q (mean of 2)", "all-MiniLM-L6-v2", "16", "0"], "\(report.out)")
        #expect(b.prefix(3) == ["b (left out of the bank)", "all-MiniLM-L6-v2", "8"] && c.first == "c (left out of the bank)", "\(report.out)")
        #expect(p.prefix(3) == ["p", "all-MiniLM-L6-v2", "8"] && q.first == "q", "\(report.out)")
        for column in 4...7 {
            #expect(abs(Double(bankMean[column])! - (Double(b[column])! + Double(c[column])!) / 2) <= 0.001, "column \(column): \(report.out)")
            #expect(abs(Double(freshMean[column])! - (Double(p[column])! + Double(q[column])!) / 2) <= 0.001, "column \(column): \(report.out)")
        }
        // The bank folder itself: its sets are not a subfolder's, so each has its own row, and
        // still says it was measured without itself.
        let loose = try todo(["eval", "--report", "--sets", bank.path, "--model", "all-MiniLM-L6-v2"], environment: env)
        let looseRows = loose.out.components(separatedBy: "\n\n")[0].split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(looseRows.count == 4 && looseRows[2].first == "b (left out of the bank)" && looseRows[3].first == "c (left out of the bank)", "\(loose.out)")
        // Tasks of no bank set leave every set in.
        let own = try todo(["eval", PackagePaths.fixtures("CLITests").appendingPathComponent("eval_tasks.jsonl").path, "--json"], environment: env)
        let ownLast = try JSONSerialization.jsonObject(with: Data(own.out.split(separator: "\n").last!.utf8)) as! [String: Any]
        #expect(ownLast["left_out_of_bank"] as? [String] == [])
    }

    @Test func aModelThatIsNotInstalledIsNamedWithHowToInstallIt() throws {
        let r = try todo(["add", "Pay the electricity bill", "--model", "all-mpnet-base-v2"], environment: ["SMART_TODO_WEIGHTS": weights + "/none"])
        #expect(r.status == 0 && r.err.contains("todo models install all-mpnet-base-v2"), "\(r.err)")
        let bad = try todo(["add", "x", "--model", "../elsewhere"])
        #expect(bad.status != 0 && bad.err.contains("model must name a bundle"), "\(bad.err)")
    }
}

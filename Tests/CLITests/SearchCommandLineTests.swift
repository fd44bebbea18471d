import Foundation
import GRDB
import TestSupport
import Testing

/// A search answers at once from what is indexed: a long text waiting in the queue is left to
/// `todo enrich`, and the search says how many tasks it could not look at.
@Suite struct SearchAnswersAtOnceTests {
    @Test func longQueuedTextsWaitAndAreCounted() throws {
        let cli = TodoCLI()
        let env = ["SMART_TODO_WEIGHTS": PackagePaths.weights.path]
        #expect(try cli.todo(["add", "Renew the passport"], environment: env).status == 0)
        let long = String(repeating: "The quarterly planning notes go on about budgets and hiring. ", count: 3_500)  // ~210 KB
        #expect(try cli.todo(["add", "Meeting notes", "--description", "-", "--async"], stdin: Data(long.utf8), environment: env).status == 0)
        let started = Date()
        let search = try cli.todo(["search", "travel documents"], environment: env)
        #expect(Date().timeIntervalSince(started) < 10, "a 200 KB text is not embedded by search")
        #expect(search.status == 0 && search.out.contains("Renew the passport"), "\(search.out)")
        #expect(search.err.contains("note: 1 task is not searchable yet"), "\(search.err)")
        let similar = try cli.todo(["similar", "2"], environment: env)
        #expect(similar.status == 1 && similar.err.contains("task 2 is not in the search index yet"), "\(similar.err)")
        // `todo enrich` indexes it (windows of the long text), and then it is found.
        #expect(try cli.todo(["enrich"], environment: env).status == 0)
        let after = try cli.todo(["search", "quarterly budget planning"], environment: env)
        #expect(after.out.contains("Meeting notes") && !after.err.contains("not searchable"), "\(after.out)\(after.err)")
    }
}

/// `"search": {"model": …}`: search ranks by a bigger model's vectors while enrichment keeps the
/// small one. A `todo add` stays quick (it makes no vector of the bigger model); the next search
/// makes them, `todo enrich` too.
@Suite struct SearchWithItsOwnModelTests {
    let weights = PackagePaths.weights

    /// How many tasks the search index holds with each model, by bundle name.
    func indexed(_ db: String) throws -> [String: Int] {
        let names = try ["all-MiniLM-L6-v2", "all-mpnet-base-v2"].map { name -> (String, String) in
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: weights.appendingPathComponent("\(name)/config.json"))) as! [String: Any]
            return (config["fingerprint"] as! String, name)
        }
        let byFingerprint = Dictionary(uniqueKeysWithValues: names)
        return try DatabaseQueue(path: db).read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT m.fingerprint, count(*) AS n FROM search_slot s JOIN search_model m ON m.id = s.model_id GROUP BY m.id") {
                out[byFingerprint[row["fingerprint"] as String] ?? "other"] = row["n"]
            }
            return out
        }
    }

    @Test func searchEmbedsWithItsOwnModelAndAnAddLeavesThatToIt() throws {
        try #require(FileManager.default.fileExists(atPath: weights.appendingPathComponent("all-mpnet-base-v2/config.json").path),
                     "all-mpnet-base-v2 is needed: bash Tools/fetch-weights.sh all-mpnet-base-v2")
        let cli = TodoCLI()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("search-model-\(UUID().uuidString).json")
        try Data(#"{"search": {"model": "all-mpnet-base-v2"}}"#.utf8).write(to: config)
        let env = ["SMART_TODO_WEIGHTS": weights.path, "SMART_TODO_CONFIG": config.path]
        for title in ["Renew the passport before the trip", "Buy oat milk and bread", "Book a dentist appointment"] {
            let added = try cli.todo(["add", title, "--json"], environment: env)
            #expect(added.status == 0, "\(added.err)")
            // Enriched inline, with the small model.
            #expect((try JSONSerialization.jsonObject(with: Data(added.out.utf8)) as? [String: Any])?["category"] is String, "\(added.out)")
        }
        #expect(try indexed(cli.db).isEmpty, "an add makes no search vector of the bigger model")
        let search = try cli.todo(["search", "travel documents", "--json"], environment: env)
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(search.out.utf8)) as? [[String: Any]], "\(search.out)\(search.err)")
        #expect((hits.first?["task"] as? [String: Any])?["title"] as? String == "Renew the passport before the trip", "\(search.out)")
        #expect(try indexed(cli.db) == ["all-mpnet-base-v2": 3], "search indexed every task with its own model, and only with it")
        #expect(try cli.todo(["similar", "1"], environment: env).status == 0)

        // `todo enrich` makes them too: a task added with --async is searchable before any search.
        #expect(try cli.todo(["add", "Water the tomato plants", "--async"], environment: env).status == 0)
        #expect(try cli.todo(["enrich"], environment: env).status == 0)
        #expect(try indexed(cli.db) == ["all-mpnet-base-v2": 4])
        // Without the setting, search is enrichment's model's again, and indexes with it.
        let plain = try cli.todo(["search", "garden", "--json"], environment: ["SMART_TODO_WEIGHTS": weights.path])
        #expect(plain.status == 0 && plain.out.contains("Water the tomato plants"), "\(plain.out)\(plain.err)")
        #expect(try indexed(cli.db) == ["all-mpnet-base-v2": 4, "all-MiniLM-L6-v2": 4])
    }

    /// Turned on over tasks indexed by the small model: `todo enrich` indexes them all with search's
    /// own model though no job is queued (a search embeds only 64 at a time), and once only.
    @Test func enrichIndexesWhatSearchsNewModelLacks() throws {
        try #require(FileManager.default.fileExists(atPath: weights.appendingPathComponent("all-mpnet-base-v2/config.json").path))
        let cli = TodoCLI()
        let env = ["SMART_TODO_WEIGHTS": weights.path]
        for title in ["Renew the passport", "Buy oat milk", "Book a dentist appointment"] {
            #expect(try cli.todo(["add", title], environment: env).status == 0)
        }
        #expect(try indexed(cli.db) == ["all-MiniLM-L6-v2": 3])
        let nothing = try cli.todo(["enrich", "--json"], environment: env)
        #expect((try JSONSerialization.jsonObject(with: Data(nothing.out.utf8)) as? [String: Any])?["indexed"] as? Int == 0, "\(nothing.out)")
        let first = try cli.todo(["enrich", "--search-model", "all-mpnet-base-v2", "--json"], environment: env)
        let output = try #require(try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as? [String: Any], "\(first.out)\(first.err)")
        #expect(output["indexed"] as? Int == 3 && output["enriched"] as? Int == 0, "\(first.out)")
        #expect(try indexed(cli.db) == ["all-MiniLM-L6-v2": 3, "all-mpnet-base-v2": 3])
        let again = try cli.todo(["enrich", "--search-model", "all-mpnet-base-v2"], environment: env)
        #expect(again.out.contains("Nothing to enrich.") && !again.out.contains("Indexed"), "\(again.out)")
        // Not installed: said, and the run still succeeds (search names it when asked).
        let smallOnly = FileManager.default.temporaryDirectory.appendingPathComponent("small-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: smallOnly, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: smallOnly.appendingPathComponent("all-MiniLM-L6-v2"), withDestinationURL: weights.appendingPathComponent("all-MiniLM-L6-v2"))
        #expect(try cli.todo(["add", "Water the tomato plants"], environment: env).status == 0)
        let missing = try cli.todo(["enrich", "--search-model", "all-mpnet-base-v2"], environment: ["SMART_TODO_WEIGHTS": smallOnly.path])
        #expect(missing.status == 0 && missing.err.contains("todo models install all-mpnet-base-v2"), "\(missing.err)")
    }

    @Test func aSearchModelThatIsNotThereIsNamed() throws {
        let cli = TodoCLI()
        let env = ["SMART_TODO_WEIGHTS": weights.path]
        #expect(try cli.todo(["add", "Renew the passport"], environment: env).status == 0)
        let unknown = try cli.todo(["search", "travel", "--search-model", "no-such-model"], environment: env)
        #expect(unknown.status != 0 && unknown.err.contains("Unknown embedding model 'no-such-model'"), "\(unknown.err)")
        let outside = try cli.todo(["search", "travel", "--search-model", "../x"], environment: env)
        #expect(outside.status != 0 && outside.err.contains("search.model must name a bundle"), "\(outside.err)")
        let missing = try cli.todo(["search", "travel", "--search-model", "all-mpnet-base-v2"], environment: ["SMART_TODO_WEIGHTS": weights.path + "/none"])
        #expect(missing.status != 0 && missing.err.contains("todo models install all-mpnet-base-v2"), "\(missing.err)")
    }
}

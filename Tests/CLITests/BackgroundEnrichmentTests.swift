import Foundation
import TestSupport
import Testing
@testable import TaskService

/// A model too large for an inline `todo add` (all-mpnet-base-v2): the add stores and queues, a
/// background `todo enrich --watch --idle-exit` fills the AI fields and exits once idle; one
/// watcher per database, found by its lock beside the database.
@Suite struct BackgroundEnrichmentTests {
    let cli = TodoCLI()
    var weights: URL { PackagePaths.weights }
    var lockPath: String { cli.db + "-enrich.lock" }

    func json(_ r: TodoCLI.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)\(r.err)")
    }

    /// Whether some process holds the watcher lock (this one takes it and lets it go if not).
    func lockHeld() -> Bool {
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0
    }

    /// Polls `condition` every 50 ms for up to `seconds`; its last answer.
    func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    @Test func aLargeModelsAddReturnsAtOnceAndAWatcherFillsItsFields() throws {
        try #require(FileManager.default.fileExists(atPath: weights.appendingPathComponent("all-mpnet-base-v2/config.json").path),
                     "all-mpnet-base-v2 is needed: bash Tools/fetch-weights.sh all-mpnet-base-v2")
        let env = ["SMART_TODO_WEIGHTS": weights.path]
        let added = try cli.todo(["add", "Book a dentist appointment for the kids", "--json", "--model", "all-mpnet-base-v2"], environment: env)
        #expect(added.status == 0, "\(added.err)")
        let stored = try json(added)
        #expect(stored["category"] == nil || stored["category"] is NSNull, "the add did not wait: \(added.out)")
        #expect(added.err.contains("all-mpnet-base-v2 fills the AI fields in the background, in a moment (minutes the first time on a machine"), "\(added.err)")
        // The first run on a machine embeds the built-in examples with the model: minutes at most.
        let store = try TaskStore(url: URL(fileURLWithPath: cli.db))
        #expect(try eventually(within: 600) { try store.task(id: 1).category != nil })
        let task = try store.task(id: 1)
        #expect(task.category == "Health" && task.priority != nil && !task.tags.isEmpty, "\(task)")
        #expect(try eventually(within: 60) { try EnrichmentQueue(store: store).counts().pending == 0 })
        // Idle for its 3 seconds, the watcher lets go and exits.
        #expect(eventually(within: 60) { !lockHeld() }, "the background watcher exited")

        // --wait fills them before the add returns; without a watcher running none is started.
        let waited = try cli.todo(["add", "Pay the electricity bill", "--json", "--wait", "--model", "all-mpnet-base-v2"], environment: env)
        #expect(waited.status == 0, "\(waited.err)")
        #expect(try json(waited)["category"] as? String == "Finance", "\(waited.out)")
        #expect(!lockHeld())
        // An edit of the text takes the same road as an add.
        let edited = try cli.todo(["edit", "2", "--title", "Pay the water bill", "--model", "all-mpnet-base-v2"], environment: env)
        #expect(edited.status == 0 && edited.err.contains("in the background"), "\(edited.err)")
        #expect(try eventually(within: 120) { try EnrichmentQueue(store: store).counts().pending == 0 })
        #expect(eventually(within: 60) { !lockHeld() })
        // The small model still enriches inline, and starts no watcher.
        let small = try cli.todo(["add", "Buy oat milk", "--json"], environment: env)
        #expect(try json(small)["category"] as? String == "Shopping", "\(small.out)")
        #expect(!small.err.contains("background"), "\(small.err)")
    }

    @Test func aWatcherStartedForTheQueueLeavesItToTheOneAtWorkAndStopsWhenIdle() throws {
        let env = ["SMART_TODO_WEIGHTS": weights.path]
        #expect(try cli.todo(["add", "Renew the passport", "--async"], environment: env).status == 0)
        #expect(try cli.todo(["show", "1"], environment: env).out.contains("AI fields queued: `todo enrich` fills them"))
        // Another watcher holds the lock: this one leaves at once and takes no job.
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        #expect(try cli.todo(["show", "1"], environment: env).out.contains("AI fields being filled by a watcher at work (`todo enrich --watch`, `todo serve`)"))
        let left = try cli.todo(["enrich", "--watch", "--idle-exit", "1"], environment: env)
        #expect(left.status == 0 && left.err.contains("another watcher is enriching this queue"), "\(left.err)")
        let store = try TaskStore(url: URL(fileURLWithPath: cli.db))
        #expect(try EnrichmentQueue(store: store).counts().pending == 1)
        close(fd)
        // Free: it enriches what is queued, and stops once the queue has been empty a second.
        let ran = try cli.todo(["enrich", "--watch", "--idle-exit", "1", "--interval", "0.1"], environment: env)
        #expect(ran.status == 0 && ran.err.contains("stopped: 1 task(s) enriched"), "\(ran.err)")
        #expect(try store.task(id: 1).category != nil)
        #expect(try EnrichmentQueue(store: store).counts().pending == 0)
        #expect(try !cli.todo(["show", "1"], environment: env).out.contains("AI fields"))
        #expect(!lockHeld())
        // Usage errors.
        #expect(try cli.todo(["enrich", "--idle-exit", "1"]).err.contains("give it with --watch"))
        #expect(try cli.todo(["enrich", "--watch", "--idle-exit", "0"]).err.contains("--idle-exit must be more than 0"))
        #expect(try cli.todo(["add", "Something", "--async", "--wait"]).status == 64)
    }
}

import Foundation
import Synchronization
import Testing
import TestSupport
@testable import TaskService
@testable import TaskPostgres

/// `todo worker` on a shared PostgreSQL store: the real enrichment (all-MiniLM-L6-v2, as
/// Tools/test.sh installs it), each account decided with its own habits, one cache for all.
@Suite(.serialized, .enabled(if: TestDatabase.available, "needs SMART_TODO_TEST_POSTGRES (Tools/postgres-cluster.sh)"))
struct WorkerTests {
    static let models = ModelRegistry(weightsDirectory: PackagePaths.weights)

    static func worker(_ store: PostgresStore, batchSize: Int = 16) -> PostgresWorker {
        PostgresWorker(store: store, settings: EnrichmentSettings(), models: models, batchSize: batchSize, logger: .init(label: "test"))
    }

    static let texts = [("Pay the electricity bill", "due friday, the account is overdrawn otherwise"),
                        ("Book a dentist appointment", ""),
                        ("Fix the login crash in the iOS app", "users on 17.2 cannot sign in since the release")]

    @Test func decidesAsTheSQLiteEnricherDoesAndMarksWhatTheAISet() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            var ids: [Int64] = []
            for (title, description) in Self.texts { ids.append(try await alice.add(TodoTask(title: title, description: description)).id!) }
            let mine = try await alice.add(TodoTask(title: "Water the roses", category: "Garden", tags: ["roses"])).id!
            let enriched = try await Self.worker(store).drain()
            let pending = try await PostgresJobQueue(store: store).pendingCount()
            #expect(enriched == 4 && pending == 0)
            #expect(try await Self.worker(store).drain() == 0, "nothing is enriched twice")

            // The same texts through the SQLite store's enrichment: the same decisions.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let local = try TaskStore(url: folder.appendingPathComponent("tasks.sqlite"))
            let localIDs = try Self.texts.map { try local.add(TodoTask(title: $0.0, description: $0.1)).id! }
            let expected = try Enricher(store: local, settings: EnrichmentSettings(), models: Self.models).enrich(ids: localIDs)
            for (id, want) in zip(ids, expected) {
                let got = try await alice.task(id: id)
                #expect(got.category == want.category && got.priority == want.priority && got.tags == want.tags, "\(got.title)")
                #expect(AIField.allCases.allSatisfy { got.setBy($0) == .ai }, "every field marked as the AI's")
            }
            // What the user set stays theirs; the rest is filled.
            let kept = try await alice.task(id: mine)
            #expect(kept.category == "Garden" && kept.tags == ["roses"] && kept.setBy(.category) == .user && kept.priority != nil)
            await store.close()
        }
    }

    /// With `"search": {"model": …}` the worker caches that model's vectors of what it enriches, so
    /// a replica's index of it is read from the cache, a long text's too (a replica never embeds one).
    @Test func searchsOwnModelsVectorsAreCachedForTheReplicas() async throws {
        try #require(FileManager.default.fileExists(atPath: PackagePaths.weights.appendingPathComponent("all-mpnet-base-v2/config.json").path),
                     "all-mpnet-base-v2 is needed: bash Tools/fetch-weights.sh all-mpnet-base-v2")
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            let notes = String(repeating: "The quarterly planning notes go on about budgets and hiring. ", count: 60)
            #expect(notes.count > TaskSearch.inlineTextLength)
            _ = try await alice.add(TodoTask(title: "Quarterly planning", description: notes))
            _ = try await alice.add(TodoTask(title: "Renew the passport"))
            var settings = EnrichmentSettings()
            settings.search.model = "all-mpnet-base-v2"
            let worker = PostgresWorker(store: store, settings: settings, models: Self.models, logger: .init(label: "test"))
            #expect(worker.searchModels.embeddingModel == "all-mpnet-base-v2" && worker.searchModels !== worker.models)
            #expect(try await worker.drain() == 2)

            let searchModels = worker.searchModels
            let embedded = Atomic<Int>(0)
            let held = HeldTaskIndex(model: try searchModels.requiredFingerprint(), cache: PostgresResultCache(store: store)) { texts in
                embedded.add(texts.count, ordering: .relaxed)
                return try searchModels.embedder().embed(texts)
            }
            var live: [TodoTask] = []
            try await alice.forEachExportPage { live += $0 }
            let tasks = live
            try await onBlockingThread { try held.update(tasks) }
            #expect(embedded.load(ordering: .relaxed) == 0 && held.waitingForWorker.isEmpty, "every vector came from the worker's cache")
            let ranking = SearchRanking(settings: settings.search)
            let hits = try await onBlockingThread {
                try held.search("budget meeting", ranking: ranking, topics: nil, limit: 1, includeDone: false)
            }
            #expect(hits.first?.task.title == "Quarterly planning")
            #expect(embedded.load(ordering: .relaxed) == 1, "the query alone, with search's model")
            await store.close()
        }
    }

    @Test func habitsAreEachAccountsOwnAndTheCacheIsShared() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            let bob = AccountTasks(store: store, account: try await store.addAccount(name: "bob").account)
            let (aliceHabits, bobHabits) = (PostgresHabits(store: store, accountID: alice.account.id), PostgresHabits(store: store, accountID: bob.account.id))
            _ = try await bob.add(TodoTask(title: "Prune the roses", category: "Garden", tags: ["roses", "Roses", "weekend"]))
            _ = try await bob.add(TodoTask(title: "Plant tulips", tags: ["weekend"]))
            // Blocking reads, as the engine makes them: off the cooperative pool.
            let (aliceTags, bobTags) = try await onBlockingThread { (try aliceHabits.userTags(), try bobHabits.userTags()) }
            #expect(aliceTags.isEmpty && (bobTags == ["Roses", "weekend"] || bobTags == ["roses", "weekend"] || bobTags == ["weekend", "Roses"] || bobTags == ["weekend", "roses"]), "\(bobTags)")
            let before = try await onBlockingThread { (try aliceHabits.userStateDigest(), try bobHabits.userStateDigest()) }

            // Alice's task enriched: the AI's fields change no one's habits.
            _ = try await alice.add(TodoTask(title: Self.texts[0].0, description: Self.texts[0].1))
            #expect(try await Self.worker(store).drain() == 3)
            let after = try await onBlockingThread { (try aliceHabits.userStateDigest(), try bobHabits.userStateDigest()) }
            #expect(after == before)
            // Bob's filing changes his.
            _ = try await bob.add(TodoTask(title: "Call the plumber", category: "Home"))
            #expect(try await onBlockingThread { try bobHabits.userStateDigest() } != before.1)
            #expect(try await Self.worker(store).drain() == 1)

            // The same text for Bob: every embedding comes from the cache Alice's filled.
            let embeddings = { try TestDatabase.psql(db.url, "SELECT count(*) FROM result_cache WHERE kind = 'embedding'") }
            let cached = try embeddings()
            _ = try await bob.add(TodoTask(title: Self.texts[0].0, description: Self.texts[0].1))
            #expect(try await Self.worker(store).drain() == 1)
            #expect(try embeddings() == cached, "no text embedded twice")
            // Bob's filed tasks, read back with their vectors from that cache, teach only Bob's categorizer.
            let filed = try await onBlockingThread { try bobHabits.userCategorizedVectors(model: try Self.models.embeddingFingerprint()!) }
            #expect(Set(filed.map(\.category)) == ["Garden", "Home"] && filed.allSatisfy { $0.vector.count == 384 })
            #expect(try await onBlockingThread { try aliceHabits.userCategorizedVectors(model: try Self.models.embeddingFingerprint()!) }.isEmpty)
            await store.close()
        }
    }

    @Test func everyProcessHearsOfAddsEnrichmentsAndDeletes() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            let replica = try await PostgresStore.open(try db.location)
            let heard = AsyncStream<TaskNotification>.makeStream()
            let listening = AsyncStream<Void>.makeStream()
            let listener = Task { try await replica.listenForTasks(listening: { listening.continuation.yield() }) { if case .task(let told) = $0 { heard.continuation.yield(told) } } }
            for await _ in listening.stream { break }
            let id = try await alice.add(TodoTask(title: "Renew the passport")).id!
            _ = try await Self.worker(store).drain()
            _ = try await alice.delete(id: id)
            var told: [TaskNotification] = []
            for await notification in heard.stream {
                told.append(notification)
                if told.count == 3 { break }
            }
            #expect(told == [.init(account: alice.account.id, taskID: id, kind: .created), .init(account: alice.account.id, taskID: id, kind: .enriched),
                             .init(account: alice.account.id, taskID: id, kind: .deleted)])
            listener.cancel()
            await replica.close()
            await store.close()
        }
    }

    /// A worker killed mid-batch (`kill -9`): its jobs are taken by the next worker once the
    /// lease runs out, and every task ends enriched once.
    @Test func aKilledWorkersJobsAreTakenAgainAfterTheLease() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            for i in 0..<40 { _ = try await alice.add(TodoTask(title: "Task \(i): prepare the slides for review \(i)", description: String(repeating: "context \(i) ", count: 40))) }
            let process = Process()
            process.executableURL = TodoCLI.binary
            process.arguments = ["worker", "--db", db.url, "--batch", "8", "--lease", "600", "--json"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Killed once its first batch is written, while it holds the next.
            var seen = Data()
            while !seen.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += chunk
            }
            #expect(!seen.isEmpty, "the worker reported its first batch")
            let claimed = try TestDatabase.psql(db.url, "SELECT count(*) FROM enrichment_job WHERE state = 'pending' AND lease_until > now()")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let pending = Int(try TestDatabase.psql(db.url, "SELECT count(*) FROM enrichment_job WHERE state = 'pending'"))!
            #expect(pending > 0 && pending < 40, "killed mid-queue (\(pending) left, \(claimed) were leased)")
            // While the lease lasts nobody takes them; once it runs out (moved into the past, not waited for), the next worker does.
            let held = Int(try TestDatabase.psql(db.url, "SELECT count(*) FROM enrichment_job WHERE state = 'pending' AND lease_until > now()"))!
            let other = Self.worker(store)
            #expect(try await other.drain() == pending - held)
            try TestDatabase.psql(db.url, "UPDATE enrichment_job SET lease_until = now() - interval '1 second' WHERE state = 'pending'")
            #expect(try await other.drain() == held)
            #expect(try TestDatabase.psql(db.url, "SELECT count(*) FROM task WHERE provenance ? 'priority'") == "40")
            #expect(try TestDatabase.psql(db.url, "SELECT count(*) FROM enrichment_job WHERE state = 'done'") == "40")
            await store.close()
        }
    }

    /// A batch that takes several times its lease (a long text) is renewed as it runs: another
    /// worker claiming all the while gets none of it, and the result is applied.
    @Test func aBatchLongerThanItsLeaseStaysWithItsWorker() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            let words = (0..<2_000).map { "note\($0 % 97) about the quarterly report section \($0 % 31)." }
            _ = try await alice.add(TodoTask(title: "Read the pasted minutes", description: words.joined(separator: " ")))
            let worker = PostgresWorker(store: store, settings: EnrichmentSettings(), models: Self.models, batchSize: 1, lease: .seconds(3), logger: .init(label: "test"))
            let clock = ContinuousClock()
            let start = clock.now
            let batch = Task { try await worker.runBatch() }
            let other = PostgresJobQueue(store: store)
            var stolen: [Int64] = []
            var polls = 0
            // Until the worker is done with it, or another got it (then the worker's answer is refused).
            while try await other.pendingCount() > 0 && stolen.isEmpty {
                try await Task.sleep(for: .milliseconds(250))
                polls += 1
                stolen += try await other.claim(limit: 10, lease: .seconds(60)).taskIDs
            }
            #expect(stolen.isEmpty && polls > 20, "claimed by another while its worker was on it: \(stolen)")
            if !stolen.isEmpty { worker.stop() }
            let done = try? await batch.value
            let took = clock.now - start
            #expect(took > .seconds(6), "the batch outlasted its lease several times (it took \(took))")
            #expect(done?.claimed == 1 && done?.applied == 1)
            await store.close()
        }
    }

    /// Two worker processes on one queue while tasks keep arriving: every task enriched, and the
    /// applies the two report add up to exactly the number of tasks (none applied twice).
    @Test func twoWorkersShareTheQueueAndApplyEachTaskOnce() async throws {
        try await TestDatabase.with { db in
            let store = try await PostgresStore.open(try db.location)
            let alice = AccountTasks(store: store, account: try await store.addAccount(name: "alice").account)
            let bob = AccountTasks(store: store, account: try await store.addAccount(name: "bob").account)
            let cli = TodoCLI(db: db.url)
            // `--once` would exit on a momentarily empty queue; the first 60 are there before they start.
            for i in 0..<60 { _ = try await (i % 2 == 0 ? alice : bob).add(TodoTask(title: "Errand \(i): pick up parcel \(i) at the post office")) }
            async let first = Task.detached { try cli.todo(["worker", "--once", "--batch", "4", "--json"]) }.value
            async let second = Task.detached { try cli.todo(["worker", "--once", "--batch", "4", "--json"]) }.value
            for i in 60..<100 { _ = try await (i % 2 == 0 ? alice : bob).add(TodoTask(title: "Errand \(i): return parcel \(i)")) }
            let runs = try await [first, second]
            // What either left (added after it found the queue empty) is drained here.
            let rest = try await Self.worker(store).drain()
            var applied = rest
            for run in runs {
                #expect(run.status == 0, "\(run.err)")
                for line in run.out.split(separator: "\n") { applied += (try cli.json(String(line)) as? [String: Any])?["applied"] as? Int ?? 0 }
            }
            #expect(applied == 100, "each task applied once")
            #expect(try TestDatabase.psql(db.url, "SELECT count(*) FROM enrichment_job WHERE state = 'done'") == "100")
            #expect(try TestDatabase.psql(db.url, "SELECT count(*) FROM task WHERE provenance ? 'priority'") == "100")
            await store.close()
        }
    }

    @Test func theCommandSaysWhatItNeeds() async throws {
        try await TestDatabase.with { db in
            let cli = TodoCLI()
            let file = try cli.todo(["worker", "--once"])
            #expect(file.status != 0 && file.err.contains("The worker takes its jobs from a PostgreSQL database"), "\(file.err)")
            let bad = try cli.todo(["worker", "--batch", "0"], environment: ["SMART_TODO_DB": db.url])
            #expect(bad.status != 0 && bad.err.contains("--batch must be 1 to 256"))
            // The engine's thread setting is the worker's too (without it the model ran on one core).
            let threads = try cli.todo(["worker", "--once", "--threads", "0"], environment: ["SMART_TODO_DB": db.url])
            #expect(threads.status != 0 && threads.err.contains("--threads must be a whole number of threads"), "\(threads.err)")
            let noModel = try cli.todo(["worker", "--once"], environment: ["SMART_TODO_DB": db.url, "SMART_TODO_WEIGHTS": "/nonexistent"])
            #expect(noModel.status != 0 && noModel.err.contains("no embedding model at /nonexistent/all-MiniLM-L6-v2"), "where it looked: \(noModel.err)")
            let empty = try TodoCLI(db: db.url).todo(["worker", "--once"])
            #expect(empty.status == 0 && empty.out.contains("Queue empty: 0 tasks enriched."), "\(empty.err)")
        }
    }
}

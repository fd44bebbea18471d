import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TaskService

/// `todo worker`: enriches the tasks of every account from the shared queue. The model is
/// loaded once; each batch is claimed under a lease (`PostgresJobQueue`) renewed every third of
/// its length while the batch runs, decided by one `EnrichmentEngine` per account (the shared
/// cache, that account's habits), and completed task by task under the lease. Idle, it sleeps
/// until a job is queued (`NOTIFY`), not polling. Stopping, it stops the batch in hand at its
/// next window and gives its jobs back at once.
public final class PostgresWorker: Sendable {
    public let store: PostgresStore
    public let settings: EnrichmentSettings
    public let models: ModelRegistry
    /// The model search embeds with (settings `search.model`): `models` unless search has its own.
    /// Then the worker caches its vectors of every task it enriches, as it does enrichment's, so a
    /// replica's index finds them (a long text's are never made by a replica).
    public let searchModels: ModelRegistry
    public let batchSize: Int
    public let lease: Duration
    let logger: Logger
    private let engines = Mutex<[Int64: EnrichmentEngine]>([:])
    private let stopping = StopSignal()

    /// Whose jobs it takes: anyone's (a worker, a replica), or one account's (`todo enrich --user`).
    public let scope: PostgresJobQueue.Scope
    /// The step its results are recorded under for `todo undo` (`todo enrich --user`); nil: not recorded.
    public let undo: UndoStep?

    public init(store: PostgresStore, settings: EnrichmentSettings, models: ModelRegistry, batchSize: Int = 16,
                lease: Duration = PostgresWorker.defaultLease, scope: PostgresJobQueue.Scope = .everyone, undo: UndoStep? = nil, logger: Logger) {
        self.scope = scope
        self.undo = undo
        self.store = store
        self.settings = settings
        self.models = models
        searchModels = models.searching(settings.search)
        self.batchSize = batchSize
        self.lease = lease
        self.logger = logger
    }

    /// How long a worker that stopped answering holds its batch: short, since a working one
    /// renews it (a batch of long texts takes minutes).
    public static let defaultLease: Duration = .seconds(30)

    /// What one batch did.
    public struct Batch: Sendable, Equatable {
        /// Jobs claimed (0: the queue had nothing for this worker).
        public var claimed: Int
        /// Tasks whose AI fields were written (a job whose lease ran out meanwhile is not).
        public var applied: Int
        /// From the claim to the last task written.
        public var duration: Duration = .zero
    }

    /// Claims one batch, decides it and completes it.
    public func runBatch(now: Date = Date()) async throws -> Batch {
        let start = ContinuousClock.now
        let queue = PostgresJobQueue(store: store)
        let claim = try await queue.claim(limit: batchSize, lease: lease, scope: scope)
        guard !claim.taskIDs.isEmpty else { return Batch(claimed: 0, applied: 0) }
        if !claim.retaken.isEmpty {
            let tasks = claim.retaken.map(String.init).joined(separator: ", ")
            logger.warning("took back \(claim.retaken.count) job(s) whose lease ran out (tasks \(tasks)): the worker that held them was stopped or failed before finishing")
        }
        let heartbeat = Task { [lease, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: lease / 3)
                if Task.isCancelled { return }
                do {
                    try await queue.renew(claim, lease: lease)
                } catch {
                    logger.warning("could not renew the batch's lease (another worker may take it when it runs out): \(error)")
                }
            }
        }
        defer { heartbeat.cancel() }
        var applied = 0
        let byAccount = Dictionary(grouping: try await queue.tasks(of: claim), by: \.account)
        for (account, owned) in byAccount.sorted(by: { $0.key < $1.key }) {
            let tasks = owned.map(\.task).filter { $0.status != .deleted }
            let engine = engine(for: account)
            // The model blocks its thread for the whole batch: never one of the cooperative pool's.
            let decided: DecidedFields
            do {
                decided = try await onBlockingThread { try engine.fields(for: tasks, now: now) }
            } catch let error as EnrichmentError where error.isStop {
                // Not a failure of the texts: the jobs go back as they were, for any worker now.
                try await queue.release(claim)
                throw error
            }
            for (task, fields) in zip(tasks, decided.fields) {
                if try await queue.complete(taskID: task.id!, lease: claim.lease, fields: fields, model: decided.model, undo: undo, now: now) { applied += 1 }
            }
            if searchModels !== models, searchModels.isInstalled {
                let searchModels = searchModels
                let enriched = zip(tasks, decided.fields).map { task, fields in
                    var t = task
                    fields.apply(to: &t, model: decided.model, now: now)
                    return t
                }
                let cache = PostgresResultCache(store: store)
                try await onBlockingThread {
                    try TaskEmbeddings.cacheVectors(of: enriched, model: searchModels.requiredFingerprint(), in: cache) { try searchModels.embedder().embed($0) }
                }
            }
            // A deleted task's job is done with nothing to apply.
            for entry in owned where entry.task.status == .deleted {
                _ = try await queue.complete(taskID: entry.task.id!, lease: claim.lease, fields: .unchanged, model: decided.model, now: now)
            }
        }
        return Batch(claimed: claim.taskIDs.count, applied: applied, duration: ContinuousClock.now - start)
    }

    /// Batches until the queue is empty; the tasks enriched.
    public func drain(progress: (Batch) -> Void = { _ in }) async throws -> Int {
        var total = 0
        while case let batch = try await runBatch(), batch.claimed > 0 {
            total += batch.applied
            progress(batch)
        }
        return total
    }

    /// Stops the batch in hand at its next window (a pasted megabyte is minutes of model work)
    /// and every later one; the stopped batch's jobs are released unchanged.
    public func stop() { stopping.raise() }

    /// Runs until SIGTERM or SIGINT: a batch while there are jobs, else a wait for the next
    /// `NOTIFY` (bounded, so a lease that ran out elsewhere is noticed too). A signal ends the
    /// wait at once, and the batch in hand at its next window (`stop`); the tasks of it
    /// already written stay written. A failed batch is logged, and its jobs come back after
    /// the lease.
    public func runUntilSignalled(idleWait: Duration = .seconds(30), progress: @escaping @Sendable (Batch) -> Void = { _ in }) async throws {
        try await ServiceGroup(configuration: .init(services: [service(idleWait: idleWait, progress: progress)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                    logger: logger)).run()
    }

    /// The same loop, as a service of someone else's group (a `todo serve` replica's).
    public func service(idleWait: Duration = .seconds(30), progress: @escaping @Sendable (Batch) -> Void = { _ in }) -> some Service {
        Loop(worker: self, idleWait: idleWait, progress: progress)
    }

    private struct Loop: Service {
        let worker: PostgresWorker
        let idleWait: Duration
        let progress: @Sendable (Batch) -> Void

        func run() async throws {
            try await withGracefulShutdownHandler { try await loop() } onGracefulShutdown: {
                worker.logger.info("enrichment stopping: a batch in hand goes back to the queue")
                worker.stop()
            }
        }

        private func loop() async throws {
            let queue = PostgresJobQueue(store: worker.store)
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    let batch = try await worker.runBatch()
                    if batch.claimed > 0 { progress(batch); continue }
                    _ = try await cancelWhenGracefulShutdown { try await queue.waitForJobs(timeout: idleWait) }
                } catch let error as EnrichmentError where error.isStop {
                    worker.logger.info("\(error); its jobs are queued again")
                    return
                } catch let error where Task.isShuttingDownGracefully || error is CancellationError {
                    return
                } catch {
                    worker.logger.error("enrichment batch failed (its jobs are claimed again after the lease): \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// The account's engine, kept: its context (the banks' vectors, the account's examples) is
    /// built once per account and habits, not per batch. All share the one loaded model. Run it
    /// off the cooperative pool (it waits for PostgreSQL through `blockingWait`).
    public func engine(for account: Int64) -> EnrichmentEngine {
        engines.withLock { engines in
            if let engine = engines[account] { return engine }
            let engine = EnrichmentEngine(cache: PostgresResultCache(store: store), habits: PostgresHabits(store: store, accountID: account),
                                          settings: settings, models: models, windowProgress: stopping.progress)
            engines[account] = engine
            return engine
        }
    }
}

/// Raised once a worker is stopping: every window reported after it throws
/// `EnrichmentError.stopped`, which ends the batch in hand.
private final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .relaxed) }

    var progress: WindowProgress {
        WindowProgress { [self] _, _ in
            if raised.load(ordering: .relaxed) { throw EnrichmentError.stopped(reason: "the worker is stopping") }
        }
    }
}

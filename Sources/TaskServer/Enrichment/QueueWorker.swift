import Foundation
import Logging
import ServiceLifecycle
import TaskService

/// The in-process worker: enriches queued jobs (long texts, `?enrich=async`, requests whose
/// budget ran out, jobs left by a crash or by the CLI) through the same lanes as requests,
/// and keeps the main database file caught up. On shutdown it stops the pass in hand at its
/// next window (`PassStop`: its jobs stay queued for the next start) and settles the database.
struct QueueWorker: Service {
    let state: SQLiteBackend
    /// How often an idle worker looks at the queue.
    static let idlePause: Duration = .milliseconds(250)
    /// How long writes may wait for a checkpoint of the main file while busy.
    static let settleInterval: Duration = .seconds(5)

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await work()
        } onGracefulShutdown: { [state] in
            state.passStop.shutDown()
        }
    }

    private func work() async throws {
        var lastSettle = ContinuousClock.now
        let (queue, store) = (state.queue, state.store)
        // The database's watcher lock, held while the model is loaded: a `todo add` beside the
        // server (a model too large to wait for) leaves its job to this worker, starting no watcher.
        let lock = store.location.map { WatcherLock(database: $0) }
        var holding = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if !holding && state.modelLoaded { holding = lock?.tryLock() ?? false }
            // A long text in its lane is not handed again while it is there: the worker goes on with the rest.
            let inLongLane = await state.lanes.longTasks
            let jobs = state.modelLoaded ? ((try? await state.blocking { try queue.pending() }) ?? []).filter { !inLongLane.contains($0.taskID) } : []
            if jobs.isEmpty {
                // Idle: the main file catches up (a copy of it alone is whole).
                _ = try? await state.blocking { store.settle() }
                lastSettle = .now
                try? await gracefulSleep(Self.idlePause)
                continue
            }
            let batch = Array(jobs.prefix(64))
            let lengths = (try? await state.blocking {
                batch.map { job in (job.taskID, (try? store.task(id: job.taskID)).map { $0.title.count + $0.description.count } ?? 0) }
            }) ?? []
            // Waited for even when a stop signal arrives meanwhile: the pass then stops at its next window.
            await state.lanes.submit(lengths.map { (id: $0.0, characters: $0.1) }).wait()
            if ContinuousClock.now - lastSettle > Self.settleInterval {
                _ = try? await state.blocking { store.settle() }
                lastSettle = .now
            }
        }
        // Requests that were answered "pending" may still be in the batcher: let it finish them.
        while await state.lanes.isBusy { try? await Task.sleep(for: .milliseconds(10)) }
        _ = try? await state.blocking { store.settle() }
        state.logger.info("worker stopped; database settled")
    }
}

/// Ends every event stream when shutdown begins, so open streams do not hold the server up.
struct EventStreamCloser: Service {
    let events: TaskEventHub

    func run() async throws {
        try? await gracefulSleep(.seconds(365 * 86_400))
        await events.close()
    }
}

/// Sleeps for `duration`, or until graceful shutdown starts (then returns quietly).
func gracefulSleep(_ duration: Duration) async throws {
    try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
}

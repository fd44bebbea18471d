import Foundation
import Logging
import TaskService

/// One batcher pass: runs the pending jobs of the given tasks through the enricher (their texts
/// embedded together), marks them done, and tells event listeners and the search cache.
struct EnrichmentPasses: Sendable {
    let store: TaskStore
    let enricher: Enricher
    let queue: EnrichmentQueue
    let executor: BlockingExecutor
    let events: TaskEventHub
    let metrics: ServerMetrics
    let search: SearchCache
    private(set) var model: ExclusiveWork
    let stop: PassStop
    let logger: Logger

    /// The same passes behind another gate (the long-text lane's: one long text at a time,
    /// beside the other lane's passes).
    func gated(by gate: ExclusiveWork) -> EnrichmentPasses {
        var copy = self
        copy.model = gate
        return copy
    }

    func run(_ ids: [Int64]) async {
        let start = ContinuousClock.now
        let (queue, store, model, stop, logger) = (self.queue, self.store, self.model, self.stop, self.logger)
        let enricher = self.enricher
        do {
            let outcome = try await executor.run { () -> (EnrichmentQueue.RunReport, [TodoTask]) in
                let jobs = try ids.flatMap { try queue.pending(includeWaiting: true, taskID: $0) }
                guard !jobs.isEmpty else { return (EnrichmentQueue.RunReport(), []) }
                let report = try model.use {
                    try stop.pass(jobs.map(\.taskID)) {
                        Self.sayIfLong(jobs.compactMap { try? store.task(id: $0.taskID) }, logger: logger)
                        return try queue.run(enricher, jobs: jobs)
                    }
                }
                let tasks = jobs.compactMap { try? store.task(id: $0.taskID) }
                return (report, tasks)
            }
            let (report, tasks) = outcome
            guard report.enriched + report.failed > 0 else { return }
            metrics.batchSize.record(Double(tasks.count))
            metrics.passDuration.record(ContinuousClock.now - start)
            metrics.jobsEnriched.increment(by: Int64(report.enriched))
            metrics.jobsFailed.increment(by: Int64(report.failed))
            report.errors.forEach { logger.warning("enrichment failed (will retry): \($0)") }
            search.invalidate()
            for task in tasks where report.enriched > 0 { await events.publish(.enriched, task) }
        } catch let error as EnrichmentError where error.isStop {
            logger.info("\(error)")
        } catch {
            // No model, or the database refused: the jobs stay pending for the next pass or process.
            logger.warning("enrichment pass failed: \(error)")
        }
    }

    /// Text from this long on, a pass takes seconds to minutes: the log says why the queue waits.
    static let longPass = 100_000

    static func sayIfLong(_ tasks: [TodoTask], logger: Logger) {
        let characters = tasks.reduce(0) { $0 + $1.title.utf8.count + $1.description.utf8.count }
        guard characters >= longPass else { return }
        logger.info("enrichment pass over \(characters) bytes of text (\(tasks.count) task(s): \(tasks.compactMap(\.id).map(String.init).joined(separator: ", "))): this takes a while")
    }
}

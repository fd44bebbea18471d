import Foundation
import Synchronization
import TaskService

/// `todo enrich --watch`: a worker that keeps the model loaded and enriches jobs as
/// they are queued, until SIGINT or SIGTERM, or (`idleExit`) until the queue has been empty
/// that long. The queue is the only channel between it and other `todo` processes; jobs are
/// marked done only once their results are stored, so stopping at any moment loses nothing.
/// It holds the database's `WatcherLock` while it watches, so `todo add` starts no second one.
struct QueueWatcher {
    let session: EnrichmentSession
    let interval: TimeInterval
    let json: Bool
    var idleExit: TimeInterval?

    /// Set by the first stop signal; the loop finishes the batch in hand, then returns.
    private static let stopping = Atomic<Bool>(false)

    func run() throws {
        let sources = Self.handleStopSignals()
        defer { sources.forEach { $0.cancel() } }
        let lock = session.store.location.map { WatcherLock(database: $0) }
        var holding = lock?.tryLock() ?? true
        if !holding {
            // A watcher started by `todo add` leaves the queue to the one already at it; one
            // started by hand watches beside it and takes the lock once the other lets it go.
            guard idleExit == nil else { return Console.error("another watcher is enriching this queue; leaving it to that one") }
            Console.error("note: another watcher is enriching this queue too; both take every job")
        }
        Console.error("watching the queue of \(session.store.location?.path ?? "the database") (Ctrl-C stops)")
        var enriched = 0, failed = 0
        var idleSince: Date?
        while !Self.stopping.load(ordering: .relaxed) {
            let jobs = try session.queue.pending()
            if jobs.isEmpty {
                session.store.settle()  // idle: the main file catches up (a copy of it alone is whole)
                if !holding { holding = lock?.tryLock() ?? true }
                if let idleExit, Date().timeIntervalSince(idleSince ?? Date()) >= idleExit, try finishedIdle(lock) { break }
                idleSince = idleSince ?? Date()
                pause()
                continue
            }
            idleSince = nil
            // The queue's chunks: a stop signal is honoured between them.
            let size = EnrichmentQueue.chunkSize
            for start in stride(from: 0, to: jobs.count, by: size) where !Self.stopping.load(ordering: .relaxed) {
                let batch = Array(jobs[start..<min(start + size, jobs.count)])
                let report = try enrichmentCall { try session.queue.run(session.enricher, jobs: batch) }
                enriched += report.enriched
                failed += report.failed
                try show(batch, report)
                session.store.settle()
            }
        }
        Console.error("stopped: \(enriched) task(s) enriched, \(failed) failed while watching")
    }

    /// Whether an idle watcher may stop. It lets go of the lock first and then looks at the queue
    /// once more: a `todo add` that found the lock held queued its job before it looked, so that
    /// job is seen here, or by the watcher that took the lock meanwhile, or by the one it starts.
    private func finishedIdle(_ lock: WatcherLock?) throws -> Bool {
        lock?.unlock()
        if try session.queue.pending().isEmpty { return true }
        return lock?.tryLock() == false
    }

    /// Sleeps up to `interval`, waking early to stop.
    private func pause() {
        let end = Date().addingTimeInterval(interval)
        while !Self.stopping.load(ordering: .relaxed) && Date() < end { usleep(20_000) }
    }

    private func show(_ jobs: [EnrichmentQueue.Job], _ report: EnrichmentQueue.RunReport) throws {
        let time = Date().formatted(Date.ISO8601FormatStyle(timeZone: .current).time(includingFractionalSeconds: false))  // local HH:mm:ss
        for e in report.errors { Console.error("\(time) failed (will retry): \(e)") }
        guard report.enriched > 0 else { return }
        var seen = Set<Int64>()
        for job in jobs where seen.insert(job.taskID).inserted {
            guard let t = try? session.store.task(id: job.taskID), t.status != .deleted else { continue }
            if json {
                Console.out(try JSONOutput.line(TaskOutput(t)))
            } else {
                Console.out("\(time) enriched \(t.id!): \(TaskText.oneLine(t.title))  " + (TaskText.aiSummary(t) ?? "(every AI field is yours)"))
            }
        }
        fflush(nil)  // all streams: a pipe (a log, a test) sees each line as it happens
    }

    /// The first SIGINT/SIGTERM asks the loop to stop; a second one exits at once (130).
    private static func handleStopSignals() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stopping.exchange(true, ordering: .relaxed) { exit(130) }
                Console.error("stopping after the batch in hand (Ctrl-C again to stop now; nothing is lost either way)")
            }
            source.resume()
            return source
        }
    }
}

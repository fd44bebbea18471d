import Foundation
import Synchronization
import TaskService

/// Stops an enrichment pass in hand between two windows (`WindowProgress`): a pasted
/// megabyte is minutes of model work, and neither a task deleted meanwhile nor a stopping
/// service should wait for it. Its jobs stay queued as they were: a deleted task's is dropped
/// when next taken, the others are taken again at once, or at the next start.
final class PassStop: Sendable {
    /// A pass in hand: one per lane (`EnrichmentLanes`) at most.
    private struct Pass {
        var tasks: Set<Int64>
        /// The thread running it: an explanation or a search's query beside it, on another
        /// thread through the same enricher, is not stopped with it.
        var thread: pthread_t
        /// Why it is to stop.
        var reason: String?
    }

    private struct State {
        var passes: [Pass] = []
        /// Shutting down: every pass stops, from now on.
        var stopping = false
    }

    private let state = Mutex(State())

    /// The report every window gives: throws once the pass on this thread is to stop.
    var progress: WindowProgress {
        WindowProgress { [self] _, _ in
            let reason = state.withLock { s -> String? in
                guard let pass = s.passes.first(where: { pthread_equal($0.thread, pthread_self()) != 0 }) else { return nil }
                return s.stopping ? "the service is stopping" : pass.reason
            }
            if let reason { throw EnrichmentError.stopped(reason: reason) }
        }
    }

    /// Runs one pass over `ids` on this thread.
    func pass<T>(_ ids: [Int64], _ body: () throws -> T) rethrows -> T {
        let thread = pthread_self()
        state.withLock { $0.passes.append(Pass(tasks: Set(ids), thread: thread)) }
        defer { state.withLock { $0.passes.removeAll { pthread_equal($0.thread, thread) != 0 } } }
        return try body()
    }

    /// Stops each pass in hand that is enriching one of these tasks, which are gone.
    func deleted(_ ids: [Int64]) {
        state.withLock { s in
            for i in s.passes.indices {
                if let id = ids.first(where: s.passes[i].tasks.contains) { s.passes[i].reason = "task \(id) was deleted" }
            }
        }
    }

    /// Stops the passes in hand and every later one.
    func shutDown() {
        state.withLock { $0.stopping = true }
    }
}

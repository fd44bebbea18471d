import Foundation
import Synchronization
import TaskService

/// Stops the enrichment pass in hand between two windows (`WindowProgress`): a pasted
/// megabyte is minutes of model work, and neither a task deleted meanwhile nor a stopping
/// service should wait for it. Its jobs stay queued as they were: a deleted task's is dropped
/// when next taken, the others are taken again at once, or at the next start.
final class PassStop: Sendable {
    private struct State {
        /// The tasks of the pass in hand (one at a time: the model's gate).
        var running: Set<Int64> = []
        /// The thread running it: an explanation or a search's query beside it, on another
        /// thread through the same enricher, is not stopped with it.
        var thread: pthread_t?
        /// Why the pass in hand is to stop.
        var reason: String?
        /// Shutting down: every pass stops, from now on.
        var stopping = false
    }

    private let state = Mutex(State())

    /// The report every window gives: throws once the pass is to stop.
    var progress: WindowProgress {
        WindowProgress { [self] _, _ in
            let reason = state.withLock { s -> String? in
                guard let thread = s.thread, pthread_equal(thread, pthread_self()) != 0 else { return nil }
                return s.stopping ? "the service is stopping" : s.reason
            }
            if let reason { throw EnrichmentError.stopped(reason: reason) }
        }
    }

    /// Runs one pass over `ids`.
    func pass<T>(_ ids: [Int64], _ body: () throws -> T) rethrows -> T {
        state.withLock { $0.running = Set(ids); $0.reason = nil; $0.thread = pthread_self() }
        defer { state.withLock { $0.running = []; $0.reason = nil; $0.thread = nil } }
        return try body()
    }

    /// Stops the pass in hand if it is enriching one of these tasks, which are gone.
    func deleted(_ ids: [Int64]) {
        state.withLock { s in
            if let id = ids.first(where: s.running.contains) { s.reason = "task \(id) was deleted" }
        }
    }

    /// Stops the pass in hand and every later one.
    func shutDown() {
        state.withLock { $0.stopping = true }
    }
}

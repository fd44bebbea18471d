import Synchronization

/// One piece of work at a time, on the executor's threads (a blocking lock: those threads may
/// block). One guards the model (passes, explanations), one the search cache, one the edits' read-compare-write.
final class ExclusiveWork: Sendable {
    private let lock = Mutex(())

    func use<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }
}

import Foundation
import Synchronization

/// Runs async PostgreSQL work from synchronous code — the enrichment engine, which runs on a
/// thread of its own, reads its cache and the user's habits through protocols that do not
/// suspend. Never call it from a task of the cooperative pool: it blocks the calling thread
/// until `body` (on that pool and NIO's event loops) is done.
public func blockingWait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let outcome = Mutex<Result<T, any Error>?>(nil)
    Task {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return try outcome.withLock { $0! }.get()
}

/// Runs blocking work (the model) on a thread outside the cooperative pool and awaits it.
public func onBlockingThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

import Foundation
import Synchronization

/// Work started on another thread now, its result (or error) collected later: a search embeds
/// its query while the index is read, two independent waits on the two cores.
final class Concurrently<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let job: Mutex<(@Sendable () throws -> Value)?>
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> Value) {
        job = Mutex(work)
        // The thread holds this object, not the work: the work is let go before the result is
        // signalled, so what it captured (a task store, which settles when released) is free
        // once the caller has the value — not a moment later, after a command may have exited.
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let outcome = run()
            result.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// Runs once, from `init`'s dispatch: the work is always there to take.
    private func run() -> Result<Value, any Error> {
        let work = job.withLock { taken -> (@Sendable () throws -> Value)? in
            defer { taken = nil }
            return taken
        }
        return Result { try work!() }
    }

    /// Waits for the work to finish.
    func value() throws -> Value {
        done.wait()
        done.signal()  // a second call returns at once
        return try result.withLock { $0! }.get()
    }
}

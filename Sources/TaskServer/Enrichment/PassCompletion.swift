import Synchronization

/// Done when every task a caller handed to the batcher has been through a pass; callers wait
/// for it, or for a time budget, whichever comes first.
final class PassCompletion: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextKey = 0
    }

    private let state: Mutex<State>

    init(tasks: Int) { state = Mutex(State(remaining: tasks)) }

    /// One of its tasks went through a pass.
    func finishOne() {
        let ready = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            s.remaining -= 1
            guard s.remaining <= 0 else { return [] }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        ready.forEach { $0.resume(returning: true) }
    }

    var isFinished: Bool { state.withLock { $0.remaining <= 0 } }

    /// True once finished; false when `timeout` passed first (the pass still goes on).
    func wait(timeout: Duration? = nil) async -> Bool {
        let key = state.withLock { s -> Int in s.nextKey += 1; return s.nextKey }
        return await withCheckedContinuation { continuation in
            let finished = state.withLock { s -> Bool in
                if s.remaining <= 0 { return true }
                s.waiters[key] = continuation
                return false
            }
            if finished { continuation.resume(returning: true); return }
            guard let timeout else { return }
            Task {
                try? await Task.sleep(for: timeout)
                self.state.withLock { $0.waiters.removeValue(forKey: key) }?.resume(returning: false)
            }
        }
    }
}

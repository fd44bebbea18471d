import Foundation

/// Makes committed transactions durable before they are acknowledged: an fsync of the
/// write-ahead log (SQLite in WAL mode with synchronous=NORMAL does not sync at commit).
/// Group commit: callers that arrive while a sync runs share the next one, so N concurrent
/// requests cost about two syncs, not N.
actor GroupSync {
    private let path: String
    private let executor: BlockingExecutor
    private var requested = 0
    private var syncing = false
    private var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(databasePath: String, executor: BlockingExecutor) {
        path = databasePath + "-wal"
        self.executor = executor
    }

    /// Returns once everything committed before the call is on disk.
    func sync() async {
        requested += 1
        let ticket = requested
        await withCheckedContinuation { continuation in
            waiters.append((ticket, continuation))
            if !syncing { start() }
        }
    }

    private func start() {
        syncing = true
        let target = requested, path = self.path, executor = self.executor
        Task {
            _ = try? await executor.run { Self.fsync(path) }
            self.finished(target)
        }
    }

    private func finished(_ target: Int) {
        syncing = false
        let ready = waiters.filter { $0.ticket <= target }
        waiters.removeAll { $0.ticket <= target }
        ready.forEach { $0.continuation.resume() }
        if !waiters.isEmpty { start() }
    }

    private static func fsync(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }  // no log yet: nothing committed through it
        _ = Foundation.fsync(fd)
        close(fd)
    }
}

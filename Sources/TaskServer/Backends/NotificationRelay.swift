import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TaskPostgres
import TaskService

/// Turns the database's task notifications — from this replica, another, or a worker — into
/// this replica's `task.*` events for the task's account, and wakes requests waiting for their
/// task's enrichment, and tells search which account's tasks to read again. Listens again after
/// the database went away (each try a second apart).
final class NotificationRelay: Service, Sendable {
    let store: PostgresStore
    let events: TaskEventHub
    let search: PostgresSearch
    let logger: Logger
    private let waiting = Mutex<[Int64: [CheckedContinuation<Bool, Never>]]>([:])

    init(store: PostgresStore, events: TaskEventHub, search: PostgresSearch, logger: Logger) {
        self.store = store
        self.events = events
        self.search = search
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown {
                    // Whatever changed while no one listened is unknown to the held search indexes;
                    // a restore changed everything.
                    try await self.store.listenForTasks(listening: { self.search.forgetAll() }) { notice in
                        switch notice {
                        case .task(let notification): await self.relay(notification)
                        case .replaced: self.search.forgetAll()
                        case .revoked(let account): await self.events.closeStreams(of: account)
                        }
                    }
                }
            } catch where Task.isShuttingDownGracefully || Task.isCancelled {
                return
            } catch {
                logger.warning("task notifications interrupted (listening again): \(error)")
                try? await gracefulSleep(.seconds(1))
            }
        }
    }

    private func relay(_ notification: TaskNotification) async {
        let kind: TaskEvent.Kind = switch notification.kind {
        case .created: .created
        case .updated: .updated
        case .enriched: .enriched
        case .deleted: .deleted
        }
        search.changed(account: notification.account, taskID: notification.taskID)
        if kind == .enriched { wake(notification.taskID, enriched: true) }
        guard let task = try? await store.task(of: notification) else { return }
        await events.publish(kind, task, owner: notification.account)
    }

    /// Whether the task's enrichment is told within `budget`.
    func waitForEnrichment(of id: Int64, within budget: Duration) async -> Bool {
        let timer = Task {
            try? await Task.sleep(for: budget)
            self.wake(id, enriched: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0[id, default: []].append(continuation) }
        }
    }

    private func wake(_ id: Int64, enriched: Bool) {
        let woken = waiting.withLock { $0.removeValue(forKey: id) } ?? []
        for continuation in woken { continuation.resume(returning: enriched) }
    }
}

import Foundation
import ServiceLifecycle
import TaskService

/// Tells the event stream of the changes other processes make to the SQLite file (the CLI
/// beside the service, another program): twice a second it reads the task change log
/// (`TaskStore.changes`) up to where it stood at the look before, so that this process's own
/// writes, told as they are made, are told by then and not again (`TaskEventHub.publishChanges`).
struct ExternalChanges: Service {
    let state: SQLiteBackend
    static let interval: Duration = .milliseconds(500)

    func run() async throws {
        let store = state.store
        guard var told = try? await state.blocking({ try store.lastChange() }) else { return }
        var seen = told
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await gracefulSleep(Self.interval)
            guard let now = try? await state.blocking({ try store.lastChange() }) else { continue }
            if seen > told, let changes = try? await state.blocking({ [told, seen] in try store.changes(after: told, through: seen) }) {
                if !changes.isEmpty {
                    state.search.invalidate()
                    await state.events.publishChanges(changes)
                }
                told = seen
            }
            seen = now
        }
    }
}

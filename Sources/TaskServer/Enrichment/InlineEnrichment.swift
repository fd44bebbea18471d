import Foundation
import TaskService

/// A request's own task enriched before the answer, within the time budget: answered "done" if
/// its AI fields are written in time, else "pending" — the work goes on, and the event stream
/// tells when it is done. Which tasks wait, and the answer after, are the same for every
/// backend; how it waits is each backend's (SQLite: its pass in the batcher; PostgreSQL: the
/// task's `enriched` notification).
struct InlineEnrichment: Sendable {
    let settings: ServerSettings
    let modelLoaded: Bool

    /// `wait(id, characters)`: whether the task's AI fields were written within the budget.
    func enrich(_ task: TodoTask, skip: Bool, in tasks: any TaskRepository,
                wait: (_ id: Int64, _ characters: Int) async -> Bool) async -> (TodoTask, EnrichmentState) {
        let length = task.title.count + task.description.count
        guard !skip, modelLoaded, length <= settings.inlineTextLimit, let id = task.id, await wait(id, length),
              let fresh = try? await tasks.task(id: id), let state = try? await tasks.enrichmentState(of: id) else {
            return (task, .pending)
        }
        return (fresh, state)
    }
}

extension TaskRepository {
    /// Whether the task's AI fields are still to be computed, as an answer says it.
    func enrichmentState(of id: Int64) async throws -> EnrichmentState {
        try await hasPendingEnrichment(id) ? .pending : .done
    }
}

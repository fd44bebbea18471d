import Foundation
import TaskService

/// A request's own task enriched before the answer, within the time budget: handed to the
/// batcher (riding with whatever else waits), answered "done" if its pass ends in time, else
/// "pending" — the pass goes on, and the event stream tells when it is done.
struct InlineEnrichment: Sendable {
    let state: SQLiteBackend

    func enrich(_ task: TodoTask, skip: Bool) async -> (TodoTask, EnrichmentState) {
        let length = task.title.count + task.description.count
        guard !skip, state.modelLoaded, length <= state.settings.inlineTextLimit, let id = task.id else { return (task, .pending) }
        let completion = await state.batcher.submit([(id, length)])
        guard await completion.wait(timeout: state.settings.inlineBudget) else { return (task, .pending) }
        let store = state.store
        guard let (fresh, pending) = try? await state.blocking({ (try store.task(id: id), try store.hasPendingEnrichment(id)) }) else {
            return (task, .pending)
        }
        return (fresh, pending ? .pending : .done)
    }
}

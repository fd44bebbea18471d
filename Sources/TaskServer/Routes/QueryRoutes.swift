import Foundation
import Hummingbird
import TaskService

/// Search by meaning, and the counts of `todo stats`.
struct QueryRoutes {
    let state: ServerState

    func add(to router: Router<BasicRequestContext>) {
        router.get("/api/search") { request, _ in try await search(request) }
        router.get("/api/stats") { request, _ in try await stats(request) }
    }

    func search(_ request: Request) async throws -> Response {
        let query = try QueryValues(request, allowed: ["q", "limit", "all", "min_score"])
        guard let q = query.string("q"), !q.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Problem.invalid("q", "is required and not empty") }
        let limit = try query.int("limit", default: 10, in: 1...100)
        let all = try query.bool("all")
        // As `todo search`: unrelated tasks score about 0–0.15; 0 shows every result.
        let minScore = try query.float("min_score", default: 0.15, in: -1...1)
        guard state.modelLoaded else { throw Problem(.serviceUnavailable, "No model", detail: "search needs the embedding model; install it with `bash Tools/fetch-weights.sh` and restart") }
        let search = state.search
        let (hits, notIndexed) = try await state.blocking { try search.results(q, limit: limit, includeDone: all) }
        return try Responses.json(SearchBody(hits: hits.filter { $0.score >= minScore }.map(SearchHitOutput.init), notIndexed: notIndexed))
    }

    func stats(_ request: Request) async throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let (store, queue) = (state.store, state.queue)
        let (summary, counts) = try await state.blocking { (try store.summary(), try queue.counts()) }
        return try Responses.json(StatsBody(summary, counts))
    }
}

struct SearchBody: Encodable {
    var hits: [SearchHitOutput]
    /// Live tasks not searchable yet (new or long texts the worker has not embedded).
    var notIndexed: Int

    enum CodingKeys: String, CodingKey {
        case hits
        case notIndexed = "not_indexed"
    }
}

struct StatsBody: Encodable {
    var statuses: [String: Int]
    var categories: [String: Int]
    var priorities: [String: Int]
    var aiFilled: [String: Int]
    var overdue: Int
    var dueWithinWeek: Int
    var queue: EnrichmentQueue.Counts

    init(_ s: TaskStore.Summary, _ queue: EnrichmentQueue.Counts) {
        (statuses, categories, priorities, aiFilled, overdue, dueWithinWeek) = (s.statuses, s.categories, s.priorities, s.aiFilled, s.overdue, s.dueWithinWeek)
        self.queue = queue
    }

    enum CodingKeys: String, CodingKey {
        case statuses, categories, priorities, overdue, queue
        case aiFilled = "ai_filled", dueWithinWeek = "due_within_week"
    }
}

import Foundation
import Hummingbird
import TaskService

/// Search by meaning, and the counts of `todo stats`.
struct QueryRoutes {
    let state: any ServerBackend

    func add(to router: Router<TaskRequestContext>) {
        router.get("/api/search") { request, context in try await search(request, context.tasks()) }
        router.get("/api/stats") { request, context in try await stats(request, context.tasks()) }
    }

    func search(_ request: Request, _ scope: TaskScope) async throws -> Response {
        let query = try QueryValues(request, allowed: ["q", "limit", "all", "min_score"])
        guard let q = query.string("q"), !q.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Problem.invalid("q", "is required and not empty") }
        let limit = try query.int("limit", default: 10, in: 1...100)
        let all = try query.bool("all")
        // As `todo search`: unrelated tasks score about 0–0.15; 0 shows every result.
        let minScore = try query.float("min_score", default: 0.15, in: -1...1)
        guard state.modelLoaded else { throw Problem(.serviceUnavailable, "No model", detail: "search needs the embedding model; install it with `bash Tools/fetch-weights.sh` and restart") }
        let (hits, notIndexed) = try await state.search(q, limit: limit, includeDone: all, in: scope)
        return try Responses.json(SearchBody(hits: hits.filter { $0.score >= minScore }.map(SearchHitOutput.init), notIndexed: notIndexed))
    }

    func stats(_ request: Request, _ scope: TaskScope) async throws -> Response {
        _ = try QueryValues(request, allowed: [])
        let (summary, counts) = try await scope.tasks.summary(now: Date())
        return try Responses.json(StatsOutput(summary, queue: counts))
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


import Hummingbird
import TaskPostgres
import TaskService

/// Turns every error a route throws into problem+json: ours as they are, Hummingbird's own
/// (no route, body too large) with their status, the store's by meaning. Anything else is a
/// 500 whose detail names no internals; bad input never reaches it.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.problem(for: error).response(from: request, context: context)
        }
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let http as HTTPError:
            switch http.status {
            case .notFound: return Problem(.notFound, "Not found", detail: http.body ?? "no such route")
            case .contentTooLarge: return Problem(.contentTooLarge, "Body too large", detail: "the request body is over the server's limit")
            case .methodNotAllowed: return Problem(.methodNotAllowed, "Method not allowed", detail: http.body ?? "this route does not take that method")
            default: return Problem(http.status, http.status.reasonPhrase, detail: http.body ?? http.status.reasonPhrase)
            }
        case let store as StoreError:
            switch store {
            case .unknownTask(let id), .deletedTask(let id): return .unknownTask(id)
            case .invalid(let message): return Problem(.badRequest, "Invalid task", detail: message)
            case .readOnly, .readOnlyFolder: return Problem(.serviceUnavailable, "Database read-only", detail: store.description)
            case .busy: return Problem(.serviceUnavailable, "Database busy", detail: "another process held the database's write lock; nothing was changed, try again shortly", retryAfter: 1)
            case .idempotencyKeyReused: return Problem(.unprocessableContent, "Idempotency-Key reused", detail: store.description)
            case .changedSince:
                return Problem(.conflict, "Changed since", detail: store.changedSinceSummary + " (POST /api/undo?force=true reverts it anyway)")
            default: return Problem(.internalServerError, "Storage failure", detail: store.description)
            }
        case let problem as TaskProblem: return .invalid(problem.field, problem.problem)
        // Hummingbird's and NIO's own, e.g. a body over the limit while it is collected.
        case let other as any HTTPResponseError where other.status == .contentTooLarge:
            return Problem(.contentTooLarge, "Body too large", detail: "the request body is over the server's limit")
        case let other as any HTTPResponseError where (400..<500).contains(other.status.code):
            return Problem(other.status, other.status.reasonPhrase, detail: other.status.reasonPhrase)
        // The shared database is away (restarting, unreachable): the request may be sent again
        // shortly; nothing it asked was acknowledged.
        case let postgres as PostgresFailure:
            if case .unreachable = postgres {
                return Problem(.serviceUnavailable, "Database unavailable", detail: "the database cannot be reached just now; try again shortly", retryAfter: 1)
            }
            return Problem(.internalServerError, "Storage failure", detail: "the database refused the request; see the server's log")
        case let enrichment as EnrichmentError where enrichment.isStop:
            return Problem(.serviceUnavailable, "Enrichment stopped", detail: enrichment.description, retryAfter: 1)
        case let enrichment as EnrichmentError: return Problem(.serviceUnavailable, "No model", detail: enrichment.description)
        default: return Problem(.internalServerError, "Internal error", detail: "the server failed to answer; see its log")
        }
    }
}

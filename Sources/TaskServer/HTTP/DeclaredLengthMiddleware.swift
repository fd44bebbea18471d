import Hummingbird

/// A body declared larger than the server takes is refused before any of it is read: a
/// Content-Length far beyond the bytes sent held the connection until the idle timeout, the
/// route waiting for a body that never came.
struct DeclaredLengthMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw Problem.bodyTooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}

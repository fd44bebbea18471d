import Hummingbird

/// Every /api route reaches the tasks its bearer token names (`ServerBackend.scope`): with a
/// SQLite file, the one user's when the token is the server's (or none is set); with
/// PostgreSQL, the token's account's. The page and the probes stay open: they show no task.
struct AccessMiddleware: RouterMiddleware {
    let backend: any ServerBackend

    func handle(_ request: Request, context: TaskRequestContext, next: (Request, TaskRequestContext) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" else { return try await next(request, context) }
        var context = context
        context.scope = try await backend.scope(credential: BearerToken.credential(request))
        return try await next(request, context)
    }
}

/// The bearer token of a request, and the check of a server's own token.
enum BearerToken {
    /// The token sent: the Authorization header, or for the event stream (a browser's
    /// EventSource cannot set headers) the `access_token` parameter.
    static func credential(_ request: Request) -> [UInt8]? {
        // The scheme's name is case-insensitive (RFC 9110 §11.1).
        if let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " {
            return Array(header.utf8.dropFirst(7))
        }
        if request.uri.path == "/api/events", let token = request.uri.queryParameters.get("access_token") { return Array(token.utf8) }
        return nil
    }

    /// Refuses a request without `token`. Compared in constant time, so the answer's timing
    /// tells nothing about how much of a guess was right.
    static func check(_ given: [UInt8]?, against token: [UInt8]) throws {
        guard let given else {
            throw Problem(.unauthorized, "Unauthorized", detail: "this server needs the header Authorization: Bearer <token>")
        }
        guard constantTimeEqual(given, token) else {
            throw Problem(.unauthorized, "Unauthorized", detail: "the bearer token is not this server's")
        }
    }

    /// Equal bytes, looking at every byte of the guess whatever it holds.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<a.count { difference |= a[i] ^ b[i % max(b.count, 1)] }
        return difference == 0 && !b.isEmpty
    }
}

import Hummingbird

/// With a token, every /api route needs `Authorization: Bearer <token>` (the page and the
/// probes stay open: they show no task). Compared in constant time, so the answer's timing
/// tells nothing about how much of a guess was right.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    init(token: String) { self.token = Array(token.utf8) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" else { return try await next(request, context) }
        guard let given = Self.credential(request) else {
            throw Problem(.unauthorized, "Unauthorized", detail: "this server needs the header Authorization: Bearer <token>")
        }
        guard Self.constantTimeEqual(given, token) else {
            throw Problem(.unauthorized, "Unauthorized", detail: "the bearer token is not this server's")
        }
        return try await next(request, context)
    }

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

    /// Equal bytes, looking at every byte of the guess whatever it holds.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<a.count { difference |= a[i] ^ b[i % max(b.count, 1)] }
        return difference == 0 && !b.isEmpty
    }
}

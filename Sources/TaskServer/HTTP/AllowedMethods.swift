import Hummingbird

/// A path the API has, asked with a method it does not take: 405 with `Allow` (RFC 9110
/// §15.5.6), where the router answers any miss with 404. Added after the routes, so it wraps
/// only the router's miss; the methods are the router's own list, never a copy of it.
struct AllowedMethods<Context: RequestContext>: RouterMiddleware {
    private let routes: [(segments: [Substring], method: String)]

    init(_ routes: [Router<Context>.RouteDescription]) {
        self.routes = routes.map { (Self.segments($0.path.description), $0.method.rawValue) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let miss as HTTPError where miss.status == .notFound {
            let allowed = methods(of: request.uri.path)
            guard !allowed.isEmpty else { throw miss }
            var problem = Problem(.methodNotAllowed, "Method not allowed",
                                  detail: "\(request.method.rawValue) is not a method of this path; it takes \(allowed.joined(separator: ", "))")
            problem.allow = allowed
            throw problem
        }
    }

    /// The methods of the routes whose pattern the path matches ("/api/tasks/{id}" matches "/api/tasks/7").
    func methods(of path: String) -> [String] {
        let asked = Self.segments(path)
        let matching = routes.filter { route in
            route.segments.count == asked.count && zip(route.segments, asked).allSatisfy { $0 == $1 || $0.first == "{" }
        }
        let methods = Set(matching.map(\.method))
        // The router answers HEAD wherever it answers GET (`autoGenerateHeadEndpoints`).
        return (methods.contains("GET") ? methods.union(["HEAD"]) : methods).sorted()
    }

    private static func segments(_ path: String) -> [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }
}

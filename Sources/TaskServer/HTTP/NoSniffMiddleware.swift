import HTTPTypes
import Hummingbird

/// Every answer says its body is only the type it is sent as: a browser must not sniff a
/// task's text (JSON, plain text, an export) into HTML or script.
struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Content-Type-Options")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.header] = "nosniff"
        return response
    }
}

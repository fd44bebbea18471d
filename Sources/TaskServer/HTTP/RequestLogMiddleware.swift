import Foundation
import Hummingbird
import Logging

/// One log line per request — method, path, status, duration — and its metrics by route.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Errors become problem+json below this middleware; anything still thrown is logged as a 500.
            finish(request, context: context, status: 500, start: start)
            throw error
        }
        finish(request, context: context, status: Int(response.status.code), start: start)
        return response
    }

    private func finish(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        // The path as logged: no query (it may carry search text), control characters escaped.
        let path = String(request.uri.path.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        let ms = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000
        logger.info("\(request.method) \(path) \(status) \(String(format: "%.1f", ms))ms")
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: duration)
    }
}

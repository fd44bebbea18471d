import Foundation
import Hummingbird
import TaskService

/// Probes and metrics: /healthz (the process answers), /readyz (the database takes writes, the
/// model is loaded, the queue's depth), /metrics (Prometheus' text format).
struct HealthRoutes {
    let state: any ServerBackend

    func add(to router: Router<TaskRequestContext>) {
        router.get("/healthz") { _, _ in try Responses.json(["status": "ok"]) }
        router.get("/readyz") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in try await metrics() }
    }

    struct Readiness: Encodable {
        var ready: Bool
        var databaseWritable: Bool
        var modelLoaded: Bool
        var queueDepth: Int

        enum CodingKeys: String, CodingKey {
            case ready
            case databaseWritable = "database_writable", modelLoaded = "model_loaded", queueDepth = "queue_depth"
        }
    }

    func ready() async throws -> Response {
        let (writable, pending) = await state.readiness()
        let body = Readiness(ready: writable && state.modelLoaded, databaseWritable: writable, modelLoaded: state.modelLoaded, queueDepth: pending ?? 0)
        return try Responses.json(body, status: body.ready ? .ok : .serviceUnavailable)
    }

    func metrics() async throws -> Response {
        await state.refreshMetrics()
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: state.metrics.text())))
    }
}

import Foundation
import Hummingbird
import TaskService

/// Probes and metrics: /healthz (the process answers), /readyz (the database takes writes, the
/// model is loaded, the queue's depth), /metrics (Prometheus' text format).
struct HealthRoutes {
    let state: ServerState

    func add(to router: Router<BasicRequestContext>) {
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
        let (store, queue) = (state.store, state.queue)
        let pending = try? await state.blocking { try queue.counts().pending }
        let writable = !store.isReadOnly && pending != nil
        let body = Readiness(ready: writable && state.modelLoaded, databaseWritable: writable, modelLoaded: state.modelLoaded, queueDepth: pending ?? 0)
        return try Responses.json(body, status: body.ready ? .ok : .serviceUnavailable)
    }

    func metrics() async throws -> Response {
        let (queue, store) = (state.queue, state.store)
        if let pending = try? await state.blocking({ try queue.counts().pending }) { state.metrics.queueDepth.set(Double(pending)) }
        if let cache = try? await state.blocking({ try ResultCache(store: store).statistics(byOperation: false) }) { state.metrics.cache(cache) }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: state.metrics.text())))
    }
}

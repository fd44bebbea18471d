import Hummingbird

/// A request's context: Hummingbird's, and whose tasks it reaches (set by `AccessMiddleware`
/// on every /api route).
struct TaskRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var scope: TaskScope?

    init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The request's tasks (an /api route always has them once past `AccessMiddleware`).
    func tasks() throws -> TaskScope {
        guard let scope else { throw Problem(.unauthorized, "Unauthorized", detail: "this route needs a bearer token") }
        return scope
    }
}

import Foundation
import Logging
import ServiceLifecycle
import TaskService

/// Where `todo serve`'s tasks live, as the routes see it: a SQLite file of one user
/// (`SQLiteBackend`) or a PostgreSQL database of many accounts (`PostgresBackend`). The routes
/// take a request's tasks from its `TaskScope` and never know which.
protocol ServerBackend: Sendable {
    var settings: ServerSettings { get }
    /// The AI's settings; a category given is filed under its configured spelling (`categoryName`).
    var enrichmentSettings: EnrichmentSettings { get }
    var logger: Logger { get }
    var events: TaskEventHub { get }
    var metrics: ServerMetrics { get }
    /// Whether the embedding model is installed and loaded (else AI fields stay queued).
    var modelLoaded: Bool { get }
    /// What runs beside the HTTP server until shutdown (workers, the notification listener).
    var services: [any Service] { get }

    /// The tasks a request's bearer token reaches; a `Problem` 401 when it reaches none.
    func scope(credential: [UInt8]?) async throws -> TaskScope
    /// A change the request made and is about to acknowledge: told to the event streams and
    /// search (at once here, or by the database's notifications to every replica).
    func changed(_ kind: TaskEvent.Kind, _ tasks: [TodoTask], in scope: TaskScope) async
    /// The task's AI fields, if they are computed within the budget (`InlineEnrichment`).
    func enrichInline(_ task: TodoTask, skip: Bool, in scope: TaskScope) async -> (TodoTask, EnrichmentState)
    func search(_ query: String, limit: Int, includeDone: Bool, in scope: TaskScope) async throws -> (hits: [TaskSearch.Hit], notIndexed: Int)
    func similar(to id: Int64, limit: Int, minimum: Float, includeDone: Bool, in scope: TaskScope) async throws -> [TaskSearch.Hit]
    func explain(_ task: TodoTask, in scope: TaskScope) async throws -> EnrichmentEngine.Explanation
    /// /readyz: whether the database takes writes, and the queue's depth (nil when it cannot be read).
    func readiness() async -> (writable: Bool, queueDepth: Int?)
    /// Brings the gauges /metrics shows up to date.
    func refreshMetrics() async
    /// After the services stopped: the database and threads let go.
    func shutdown() async
}

/// Whose tasks a request reaches: its repository, and the account (nil: a SQLite file's one user).
struct TaskScope: Sendable {
    let tasks: any TaskRepository
    let owner: Int64?
}

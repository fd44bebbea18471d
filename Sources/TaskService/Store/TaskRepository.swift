import Foundation

/// One user's tasks as a service reads and changes them (`todo serve`'s routes): the SQLite
/// `TaskStore` of a single user (`SQLiteTasks`) and one account of a shared PostgreSQL store
/// (`AccountTasks`) both provide them, with the same rules and the same errors — an id the
/// user does not have is `StoreError.unknownTask`, whoever else has it. Async, so that a
/// network database holds no thread while it answers.
public protocol TaskRepository: Sendable {
    /// Stores a new task with its enrichment job, in one transaction; the task with its id.
    /// With a key: unless the user's task stored with that key before, which is returned.
    func add(_ task: TodoTask, idempotencyKey: IdempotencyKey?) async throws -> AddedTask
    /// A live task (pending or done).
    func task(id: Int64) async throws -> TodoTask
    /// Whether the task's AI fields are still to be computed.
    func hasPendingEnrichment(_ id: Int64) async throws -> Bool
    /// A page of the tasks `filter` matches, by id from the cursor (`TaskStore.page`).
    func page(_ filter: TaskFilter, after cursor: Int64?, limit: Int, newestFirst: Bool) async throws -> TaskListPage
    /// Reads the task, gives it to `change` and stores what it returns, with no other write to
    /// the task in between (a compare-and-set such as If-Match throws from `change`). With
    /// `reenrich`, a job recomputes its AI fields. The stored task, and whether it was re-queued.
    func edit(id: Int64, _ change: @escaping @Sendable (TodoTask) throws -> TaskEdit) async throws -> TaskEdit
    /// Marks the task done, unless `precondition` refuses the task as stored (checked in the
    /// same transaction, as `edit`'s compare-and-set); a task done already stays as it was.
    func markDone(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask
    /// Makes a done task pending again, unless `precondition` refuses it, as `markDone`.
    func reopen(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask
    /// Marks the task deleted (the row stays), unless `precondition` refuses it; the task so marked.
    func delete(id: Int64, precondition: TaskPrecondition?) async throws -> TodoTask
    /// The counts of `todo stats`, and the user's enrichment jobs by state.
    func summary(now: Date) async throws -> (tasks: TaskStore.Summary, queue: EnrichmentQueue.Counts)
    /// Adds the tasks in one transaction (all or nothing), each with its enrichment job; a uuid
    /// the user already has is skipped. The added tasks, in order, and how many were skipped.
    func importTasks(_ tasks: [TodoTask]) async throws -> (added: [TodoTask], skipped: Int)
    /// Tasks after id `cursor`, deleted ones included (an export is lossless), by id.
    func exportPage(after cursor: Int64, limit: Int) async throws -> [TodoTask]
    /// Reverts the last recorded command as a whole (`todo undo`); nil when there is none. A task
    /// changed since refuses it (`StoreError.changedSince`) unless `force`.
    func undo(force: Bool) async throws -> UndoLog.Undone?
}

/// A condition on a task as stored, checked in the transaction that changes it so that no
/// other write comes between (If-Match); it throws to refuse the change.
public typealias TaskPrecondition = @Sendable (TodoTask) throws -> Void

extension TaskRepository {
    /// Stores a new task with its enrichment job; the task with its id.
    public func add(_ task: TodoTask) async throws -> TodoTask { try await add(task, idempotencyKey: nil).task }

    public func markDone(id: Int64) async throws -> TodoTask { try await markDone(id: id, precondition: nil) }
    public func reopen(id: Int64) async throws -> TodoTask { try await reopen(id: id, precondition: nil) }
    public func delete(id: Int64) async throws -> TodoTask { try await delete(id: id, precondition: nil) }

    /// Every task, deleted ones too, by id, `size` at a time (`exportPage`): an export streamed,
    /// a search index read whole.
    public func forEachExportPage(size: Int = 1_000, _ body: ([TodoTask]) async throws -> Void) async throws {
        var after: Int64 = 0
        while case let page = try await exportPage(after: after, limit: size), let last = page.last?.id {
            try await body(page)
            after = last
        }
    }
}

/// A page of a listing: `next` is the cursor of the following page, nil on the last.
public struct TaskListPage: Sendable, Equatable {
    public var tasks: [TodoTask]
    public var next: Int64?

    public init(tasks: [TodoTask], next: Int64?) {
        self.tasks = tasks
        self.next = next
    }
}

/// What an edit makes of a task: the task to store, and whether its text changed (so its AI
/// fields are computed again).
public struct TaskEdit: Sendable {
    public var task: TodoTask
    public var reenrich: Bool
    /// False when the store wrote nothing: the edit set what the task already had
    /// (`TodoTask.changesNothing`), so there is no change to tell.
    public var changed = true

    public init(task: TodoTask, reenrich: Bool) {
        self.task = task
        self.reenrich = reenrich
    }

    /// The task as stored, left as it was.
    public static func unchanged(_ stored: TodoTask) -> TaskEdit {
        var edit = TaskEdit(task: stored, reenrich: false)
        edit.changed = false
        return edit
    }
}

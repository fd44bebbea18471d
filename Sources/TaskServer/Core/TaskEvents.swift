import Foundation
import TaskService

/// One change to a task, as Server-Sent Events carry it.
public struct TaskEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case created = "task.created", enriched = "task.enriched", updated = "task.updated", deleted = "task.deleted"
    }

    /// Increasing from 1 per account in this server process: a client resumes with
    /// `Last-Event-ID`. Per account, so that the ids an account sees say nothing of how busy
    /// the others are.
    public var id: Int
    /// This server process (`TaskEventHub.epoch`): a stream's ids are "EPOCH-ID", so an id from
    /// an earlier process can never pass for one of this process's.
    public var epoch: String
    public var kind: Kind
    /// The task's JSON (`TaskOutput` with its `etag`), already encoded.
    public var data: String
    /// The account whose task it is (nil: a SQLite file's one user); only its streams get it.
    public var owner: Int64?
    /// The task's id.
    public var taskID: Int64?

    /// The event as the `text/event-stream` format writes it (data holds no newline: compact JSON).
    var wireText: String { "id: \(epoch)-\(id)\nevent: \(kind.rawValue)\ndata: \(data)\n\n" }
}

/// Publishes task events to every open `/api/events` stream and keeps the most recent ones,
/// so a client that reconnects with `Last-Event-ID` gets what it missed, then the live ones,
/// with no gap and no repeat (both happen inside the actor, in order).
public actor TaskEventHub {
    /// When this process started, in milliseconds, base 36.
    public nonisolated let epoch = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
    /// The next event id of each account (nil: a SQLite file's one user).
    private var nextIDs: [Int64?: Int] = [:]
    private var recent: [TaskEvent] = []
    private var subscribers: [UUID: (owner: Int64?, continuation: AsyncStream<TaskEvent>.Continuation)] = [:]
    /// A SQLite file's tasks this process has told of (see `publish`).
    private var told: Set<Int64> = []
    private let started = Date()
    private var closed = false
    /// How many events a reconnecting client can catch up on.
    let keep: Int

    public init(keep: Int = 10_000) { self.keep = keep }

    func publish(_ kind: TaskEvent.Kind, _ task: TodoTask, owner: Int64? = nil) {
        guard let data = try? ServerJSON.string(TaskBody(listing: task)) else { return }
        // A task another process added since this one started (the CLI beside it), enriched by
        // this one's worker before the change log was read: told as created first, as every new
        // task is (a client never first hears of a task by its enrichment).
        if owner == nil, kind == .enriched, let id = task.id, !told.contains(id), task.created >= started {
            publish(.created, data: data, of: id, owner: nil)
        }
        publish(kind, data: data, of: task.id, owner: owner)
    }

    private func publish(_ kind: TaskEvent.Kind, data: String, of taskID: Int64?, owner: Int64?) {
        let event = TaskEvent(id: nextIDs[owner, default: 1], epoch: epoch, kind: kind, data: data, owner: owner, taskID: taskID)
        if owner == nil, let taskID { told.insert(taskID) }
        nextIDs[owner] = event.id + 1
        recent.append(event)
        if recent.count > keep + keep / 4 { recent.removeFirst(recent.count - keep) }
        for subscriber in subscribers.values where subscriber.owner == owner { subscriber.continuation.yield(event) }
    }

    /// `owner`'s events after `last` still kept (every one, when `last` is not an id of this
    /// process's), then every new one, until the server stops. `gap` is true when the replay
    /// cannot be whole.
    func subscribe(after last: String?, owner: Int64? = nil) -> (events: AsyncStream<TaskEvent>, gap: Bool) {
        let (stream, continuation) = AsyncStream<TaskEvent>.makeStream(bufferingPolicy: .bufferingNewest(keep))
        var gap = false
        if let last {
            // An id of this process: resume after it, unless it has left the window. Any other
            // (an earlier process's, the server restarted): the client must reload rather than
            // trust the replay.
            let next = nextIDs[owner, default: 1]
            let kept = recent.filter { $0.owner == owner }
            let parts = last.split(separator: "-", maxSplits: 1)
            let lastID = parts.count == 2 && parts[0] == epoch ? Int(parts[1]).flatMap { $0 < next ? $0 : nil } : nil
            if let lastID {
                gap = lastID + 1 < (kept.first?.id ?? next) && lastID + 1 < next
                for event in kept where event.id > lastID { continuation.yield(event) }
            } else {
                gap = true
                kept.forEach { continuation.yield($0) }
            }
        }
        if closed { continuation.finish(); return (stream, gap) }
        let key = UUID()
        subscribers[key] = (owner, continuation)
        continuation.onTermination = { _ in Task { await self.unsubscribe(key) } }
        return (stream, gap)
    }

    private func unsubscribe(_ key: UUID) { subscribers[key] = nil }

    /// Changes another process made to a SQLite file's tasks (`ExternalChanges`): each told as
    /// this process tells its own, unless the last event of that task kept already says it as
    /// it is now (the change was this process's, told when made). A task never told of that the
    /// change made is created; a deleted one is gone; anything else, updated.
    func publishChanges(_ changes: [TaskChange]) {
        var last: [Int64: String] = [:]
        for event in recent where event.owner == nil { if let id = event.taskID { last[id] = event.data } }
        for change in changes {
            guard let id = change.task.id, let data = try? ServerJSON.string(TaskBody(listing: change.task)), last[id] != data else { continue }
            let kind: TaskEvent.Kind = change.task.status == .deleted ? .deleted : change.inserted && !told.contains(id) ? .created : .updated
            publish(kind, data: data, of: id, owner: nil)
            last[id] = data
        }
    }

    /// Ends the streams open for `owner` (a revoked account: its token opened them).
    func closeStreams(of owner: Int64) {
        for (key, subscriber) in subscribers where subscriber.owner == owner {
            subscriber.continuation.finish()
            subscribers[key] = nil
        }
    }

    /// Ends every stream (server shutting down: open streams must not hold it up).
    func close() {
        closed = true
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers = [:]
    }

    var subscriberCount: Int { subscribers.count }
}

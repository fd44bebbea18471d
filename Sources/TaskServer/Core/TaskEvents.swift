import Foundation
import TaskService

/// One change to a task, as Server-Sent Events carry it.
public struct TaskEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case created = "task.created", enriched = "task.enriched", updated = "task.updated", deleted = "task.deleted"
    }

    /// Increasing from 1 in this server process: a client resumes with `Last-Event-ID`.
    public var id: Int
    /// This server process (`TaskEventHub.epoch`): a stream's ids are "EPOCH-ID", so an id from
    /// an earlier process can never pass for one of this process's.
    public var epoch: String
    public var kind: Kind
    /// The task's JSON (`TaskOutput`), already encoded.
    public var data: String
    /// The account whose task it is (nil: a SQLite file's one user); only its streams get it.
    public var owner: Int64?

    /// The event as the `text/event-stream` format writes it (data holds no newline: compact JSON).
    var wireText: String { "id: \(epoch)-\(id)\nevent: \(kind.rawValue)\ndata: \(data)\n\n" }
}

/// Publishes task events to every open `/api/events` stream and keeps the most recent ones,
/// so a client that reconnects with `Last-Event-ID` gets what it missed, then the live ones,
/// with no gap and no repeat (both happen inside the actor, in order).
public actor TaskEventHub {
    /// When this process started, in milliseconds, base 36.
    public nonisolated let epoch = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
    private var nextID = 1
    private var recent: [TaskEvent] = []
    private var subscribers: [UUID: (owner: Int64?, continuation: AsyncStream<TaskEvent>.Continuation)] = [:]
    private var closed = false
    /// How many events a reconnecting client can catch up on.
    let keep: Int

    public init(keep: Int = 10_000) { self.keep = keep }

    func publish(_ kind: TaskEvent.Kind, _ task: TodoTask, owner: Int64? = nil) {
        guard let data = try? ServerJSON.string(TaskOutput(task)) else { return }
        let event = TaskEvent(id: nextID, epoch: epoch, kind: kind, data: data, owner: owner)
        nextID += 1
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
            let parts = last.split(separator: "-", maxSplits: 1)
            let lastID = parts.count == 2 && parts[0] == epoch ? Int(parts[1]).flatMap { $0 < nextID ? $0 : nil } : nil
            if let lastID {
                gap = lastID + 1 < (recent.first?.id ?? nextID) && lastID + 1 < nextID
                for event in recent where event.id > lastID && event.owner == owner { continuation.yield(event) }
            } else {
                gap = true
                for event in recent where event.owner == owner { continuation.yield(event) }
            }
        }
        if closed { continuation.finish(); return (stream, gap) }
        let key = UUID()
        subscribers[key] = (owner, continuation)
        continuation.onTermination = { _ in Task { await self.unsubscribe(key) } }
        return (stream, gap)
    }

    private func unsubscribe(_ key: UUID) { subscribers[key] = nil }

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

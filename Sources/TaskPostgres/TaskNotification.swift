import Foundation
import Logging
import PostgresNIO
import TaskService

/// "A task of this account changed", told to every process on the store through
/// `NOTIFY smart_todo_tasks` at commit: a replica turns it into its `task.*` event and keeps
/// its search index current, whoever made the change (a worker, another replica). It carries
/// ids only — the task is read again, scoped to its account, by whoever cares.
public struct TaskNotification: Codable, Sendable, Equatable {
    /// `enriched`: a worker wrote the task's AI fields; `updated`: a person changed it.
    public enum Kind: String, Codable, Sendable { case created, updated, enriched, deleted }

    public var account: Int64
    public var taskID: Int64
    public var kind: Kind

    public static let channel = "smart_todo_tasks"

    public init(account: Int64, taskID: Int64, kind: Kind) {
        self.account = account
        self.taskID = taskID
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case account, kind
        case taskID = "task"
    }

    /// Queued in the connection's transaction: delivered at its commit, never if it rolls back.
    func send(on connection: PostgresConnection, logger: Logger) async throws {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        try await connection.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
    }

    /// A payload of this channel; nil for one this version does not know.
    public init?(payload: String) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(payload.utf8)) else { return nil }
        self = decoded
    }
}

/// What a process hears on the channel: a task's change, or news about more than one task.
public enum StoreNotice: Sendable, Equatable {
    case task(TaskNotification)
    /// The whole database was replaced (`todo restore`): whatever a process holds of it (a
    /// replica's search indexes) is stale.
    case replaced
    /// The account was revoked (`todo users revoke`): what is still open for it (event streams) closes.
    case revoked(account: Int64)

    private struct Payload: Codable {
        var replaced: Bool?
        var revoked: Int64?
    }

    /// A payload of the channel; nil for one this version does not know.
    init?(payload: String) {
        if let task = TaskNotification(payload: payload) {
            self = .task(task)
        } else if let other = try? JSONDecoder().decode(Payload.self, from: Data(payload.utf8)) {
            if other.replaced == true { self = .replaced } else if let account = other.revoked { self = .revoked(account: account) } else { return nil }
        } else {
            return nil
        }
    }

    /// Queued in the connection's transaction (`.task`: use `TaskNotification.send`).
    func send(on connection: PostgresConnection, logger: Logger) async throws {
        let body: Payload
        switch self {
        case .task(let notification): return try await notification.send(on: connection, logger: logger)
        case .replaced: body = Payload(replaced: true)
        case .revoked(let account): body = Payload(revoked: account)
        }
        let payload = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        try await connection.query("SELECT pg_notify(\(TaskNotification.channel), \(payload))", logger: logger)
    }
}

extension PostgresStore {
    /// Calls `receive` with every notice on the channel until cancelled (or the connection
    /// fails: then it throws, and the caller reconnects; `listening` is called each time
    /// listening starts, as notices may have been missed before).
    public func listenForTasks(listening: @escaping @Sendable () async -> Void = {}, _ receive: @escaping @Sendable (StoreNotice) async -> Void) async throws {
        try await run(waiting: true) { [self] in
            try await client.withConnection { connection in
                try await connection.listen(on: TaskNotification.channel) { notifications in
                    await listening()
                    for try await notification in notifications {
                        if let notice = StoreNotice(payload: notification.payload) { await receive(notice) }
                    }
                }
            }
        }
    }

    /// Tells every process `notice`, now.
    func tell(_ notice: StoreNotice) async throws {
        try await run { [self] in
            try await client.withConnection { connection in try await notice.send(on: connection, logger: logger) }
        }
    }
}

extension PostgresStore {
    /// The task a notification is about, as it is now (a deleted one too: its event says so);
    /// nil when it is not that account's.
    public func task(of notification: TaskNotification) async throws -> TodoTask? {
        let (client, logger) = (self.client, self.logger)
        return try await run { [self] in
            let rows = try await client.query("""
                SELECT \(unescaped: PostgresTaskRow.columns) FROM task WHERE account_id = \(notification.account) AND id = \(notification.taskID)
                """, logger: logger)
            for try await row in rows { return try PostgresTaskRow.decode(row).task }
            return nil
        }
    }
}

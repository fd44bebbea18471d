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

    /// Said on the channel when the whole database was replaced (`todo restore`): whatever a
    /// process holds of it (a replica's search indexes) is stale.
    static let replacedPayload = #"{"replaced":true}"#

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

extension PostgresStore {
    /// Calls `receive` with every task notification until cancelled (or the connection fails:
    /// then it throws, and the caller reconnects and reads what it missed); `listening` once
    /// listening, and `replaced` when the database's content was replaced whole (`todo restore`).
    public func listenForTasks(listening: @escaping @Sendable () async -> Void = {}, replaced: @escaping @Sendable () async -> Void = {},
                               _ receive: @escaping @Sendable (TaskNotification) async -> Void) async throws {
        try await run(waiting: true) { [self] in
            try await client.withConnection { connection in
                try await connection.listen(on: TaskNotification.channel) { notifications in
                    await listening()
                    for try await notification in notifications {
                        if notification.payload == TaskNotification.replacedPayload { await replaced() }
                        if let told = TaskNotification(payload: notification.payload) { await receive(told) }
                    }
                }
            }
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

extension PostgresStore {
    /// Tells every process that the database's content was replaced whole.
    func tellReplaced() async throws {
        try await run {
            try await self.client.query("SELECT pg_notify(\(TaskNotification.channel), \(TaskNotification.replacedPayload))", logger: self.logger)
        }
    }
}

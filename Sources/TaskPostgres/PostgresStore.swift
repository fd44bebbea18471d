import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// A Smart TODO database in PostgreSQL: one connection pool (postgres-nio's `PostgresClient`),
/// migrated when opened. Accounts (`PostgresStore+Accounts`) and the tasks each owns
/// (`AccountTasks`) live here; SQLite stays the single-user store (`TaskStore`).
public final class PostgresStore: Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// How long a statement may wait for a connection and its answer. The pool keeps a request
    /// waiting while it cannot connect (PostgreSQL restarting): past this the database counts as
    /// unreachable — a server answers 503 instead of holding its clients (`todo serve` opens its
    /// store with a few seconds; a worker or a command can afford to wait longer).
    public let answerDeadline: Duration

    private init(location: PostgresLocation, client: PostgresClient, logger: Logger, running: Task<Void, Never>, answerDeadline: Duration) {
        self.answerDeadline = answerDeadline
        self.location = location
        self.client = client
        self.logger = logger
        self.running = running
    }

    /// Connects (failing within seconds, naming the server, when it cannot) and migrates.
    public static func open(_ location: PostgresLocation, logger: Logger = Logger(label: "smart-todo.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
                            answerDeadline: Duration = .seconds(60)) async throws -> PostgresStore {
        do {
            let probe = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try location.connectionConfiguration,
                                                             id: 0, logger: logger).get()
            try await probe.close()
        } catch {
            throw PostgresFailure.from(error, location: location)
        }
        let client = PostgresClient(configuration: location.configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        let store = PostgresStore(location: location, client: client, logger: logger, running: running, answerDeadline: answerDeadline)
        do {
            // The probe above said why a server cannot be reached; this bounds one that accepts
            // connections and never answers (generous: a busy machine is not a dead server).
            try await store.withDeadline(.seconds(30)) { try await client.query("SELECT 1", logger: logger) }
            _ = try await PostgresMigrations.migrate(client, logger: logger)
        } catch {
            await store.close()
            throw store.failure(error)
        }
        return store
    }

    public func close() async {
        running.cancel()
        await running.value
    }

    /// `error` as a person can act on it.
    func failure(_ error: any Error) -> any Error { PostgresFailure.from(error, location: location) }

    /// Runs `body` within the answer deadline (`waiting`: as long as it takes — a wait for
    /// notifications), turning postgres-nio's errors into `PostgresFailure`.
    func run<T: Sendable>(waiting: Bool = false, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            guard !waiting else { return try await body() }
            let limit = answerDeadline
            return try await withDeadline(limit, body)
        } catch {
            throw failure(error)
        }
    }

    private func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: limit); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw PostgresFailure.unreachable(location.description, "no answer within \(limit)")
            }
            return value
        }
    }
}

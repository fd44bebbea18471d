import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

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

    /// `body` on the database at `location`, opened for it and closed afterwards whatever happens.
    public static func with<T: Sendable>(_ location: PostgresLocation, _ body: (PostgresStore) async throws -> T) async throws -> T {
        let store = try await open(location)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// The tasks not deleted, of every account (what a backup or a restore holds).
    func liveTasks(on connection: PostgresConnection) async throws -> Int {
        for try await n in try await connection.query("SELECT count(*)::bigint FROM task WHERE status <> 'deleted'", logger: logger).decode(Int64.self) { return Int(n) }
        return 0
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

    /// `body` in one transaction, run again (up to 3 times in all) when PostgreSQL ends it to
    /// break a deadlock or a serialization conflict (SQLSTATE 40P01, 40001): it wrote nothing
    /// then, and a writer that takes rows in another order than this one must not fail for it.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let (client, logger) = (self.client, self.logger)
        return try await run {
            var attempt = 1
            while true {
                do {
                    return try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
                } catch where attempt < 3 && Self.isRetryable(error) {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(Int.random(in: 5...50)))
                }
            }
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        var error = error
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.closureError ?? transaction.commitError { error = inner }
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// `body`'s answer, or `unreachable` once `limit` has passed — without waiting for `body`
    /// to end: a statement caught on a connection to a server that just died does not always
    /// notice its cancellation, and a task group would wait for it (a request held 15 s and more
    /// after `pg_ctl stop -m immediate`, past a 5 s deadline). `body` is cancelled, and left to end.
    private func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let late = PostgresFailure.unreachable(location.description, "no answer within \(limit)")
        return try await withCheckedThrowingContinuation { continuation in
            let race = DeadlineRace(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled, race.settle(.failure(late)) { race.cancelWork() }
            }
            race.start(Task {
                do { _ = race.settle(.success(try await body())) } catch { _ = race.settle(.failure(error)) }
                timer.cancel()
            })
        }
    }
}

/// The first of a statement and its deadline to finish answers; the deadline cancels the statement.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let state: Mutex<(waiting: CheckedContinuation<T, any Error>?, work: Task<Void, Never>?)>

    init(_ continuation: CheckedContinuation<T, any Error>) { state = Mutex((continuation, nil)) }

    func start(_ work: Task<Void, Never>) {
        let answered = state.withLock { state in
            state.work = work
            return state.waiting == nil
        }
        if answered { work.cancel() }
    }

    /// Answers, unless already answered; whether it did.
    func settle(_ result: Result<T, any Error>) -> Bool {
        guard let waiting = state.withLock({ state in defer { state.waiting = nil }; return state.waiting }) else { return false }
        waiting.resume(with: result)
        return true
    }

    func cancelWork() { state.withLock { $0.work }?.cancel() }
}

import ArgumentParser
import Foundation
import Logging
import TaskPostgres
import TaskServer
import TaskService

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service: the API, live events and the web page, on the same database.",
        discussion: """
        Loads the model, the example banks and the search index once, then answers until \
        SIGTERM or Ctrl-C (requests in flight finish first; the enrichment in hand stops at its \
        next window of text, its jobs kept for the next start). \
        Prints `listening on http://HOST:PORT` once ready; --port 0 takes a free port. \
        Listens on 127.0.0.1 only unless given a token: any other address needs --token \
        (or SMART_TODO_TOKEN), sent by clients as `Authorization: Bearer TOKEN`. \
        One log line per request goes to standard error. The routes: docs/serve.md and \
        docs/openapi.json.

        With --db postgres://… the server is one replica of a team's service: every request \
        needs an account's token (`todo users add NAME`) and reaches that account's tasks \
        only, so it may listen on any address; run as many replicas and `todo worker`s as \
        the load asks for (docs/postgres.md).

        Examples:
          todo serve
          todo serve --port 0 --db /tmp/tasks.sqlite
          todo serve --search-model all-mpnet-base-v2   (search with the bigger model, loaded once)
          SMART_TODO_TOKEN=$(openssl rand -hex 24) todo serve --host 0.0.0.0
          todo serve --host 0.0.0.0 --db postgres://smarttodo@db.internal/todo
        """
    )

    @Option(help: "Address to listen on (loopback unless a token is given).") var host = "127.0.0.1"
    @Option(help: "Port (0: a free one).") var port = 8080
    @Option(help: "Bearer token every /api route then needs (default: SMART_TODO_TOKEN, which other users cannot read in ps).") var token: String?
    @Option(name: .customLong("max-body"), help: "Largest request body, in bytes (at least 1024); a larger one gets 413 naming the limit.") var maxBody = 16 << 20
    @Option(name: .customLong("inline-budget-ms"), help: "How long a request waits for its AI fields before answering \"pending\".")
    var inlineBudgetMs = 200
    @Flag(name: .customLong("no-batching"), help: "Enrich each request's task alone (to measure what dynamic batching buys).")
    var noBatching = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        try store.refuseUser(for: "serve")
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes.") }
        guard (0...60_000).contains(inlineBudgetMs) else { throw ValidationError("--inline-budget-ms must be from 0 to 60000.") }
    }

    func run() async throws {
        _ = try engine.applyThreads()
        let database: ServerDatabase
        if let location = try store.postgresLocation() { database = .postgres(location) } else { database = .sqlite(try store.sqliteLocation()) }
        var settings = ServerSettings(database: database, weights: DefaultPaths.weightsDirectory)
        settings.host = host
        settings.port = port
        settings.token = token ?? ProcessInfo.processInfo.environment["SMART_TODO_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        settings.maxBodyBytes = maxBody
        settings.inlineBudget = .milliseconds(inlineBudgetMs)
        settings.dynamicBatching = !noBatching
        do { try settings.check() } catch { throw CommandFailure(error.description) }
        let enrichment = try settingsOptions.load()
        var logger = Logger(label: "todo-serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        do {
            try await TaskServer.run(settings: settings, enrichmentSettings: enrichment, logger: logger) { address in
                Console.out("listening on \(address)")
                fflush(nil)  // all streams: a pipe (a test, a supervisor) sees the line at once
            }
        } catch let error as StoreError {
            throw CommandFailure(error)
        } catch let error as ServerSetupError {
            throw CommandFailure(error.description)
        } catch let error as PostgresFailure {
            throw CommandFailure(error)
        }
    }
}

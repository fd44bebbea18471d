import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TaskPostgres
import TaskService

/// `todo serve`: the HTTP service over the same TaskService, model and database as the CLI.
public enum TaskServer {
    /// Opens everything once, listens, calls `onListening` with the address once ready, and runs
    /// until SIGTERM or SIGINT: then it stops accepting, finishes the requests in flight, stops
    /// the enrichment in hand at its next window (its jobs stay queued), settles the database
    /// and returns.
    public static func run(settings: ServerSettings, enrichmentSettings: EnrichmentSettings, logger: Logger,
                           onListening: @escaping @Sendable (String) -> Void) async throws {
        try settings.check()
        try await checkAddressFree(settings)
        let state: any ServerBackend = switch settings.database {
        case .sqlite(let file): try SQLiteBackend(file: file, settings: settings, enrichmentSettings: enrichmentSettings, logger: logger)
        case .postgres(let location): try await PostgresBackend.open(location, settings: settings, enrichmentSettings: enrichmentSettings, logger: logger)
        }
        let app = Application(
            router: router(state),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(settings.idleTimeout.components.seconds)))),
            configuration: .init(address: .hostname(settings.bindHost, port: settings.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                let host = settings.bindHost.contains(":") ? "[\(settings.bindHost)]" : settings.bindHost
                onListening("http://\(host):\(port)")
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: state.services + [app, EventStreamCloser(events: state.events)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            await state.shutdown()
            throw ServerSetupError.addressInUse(host: settings.host, port: settings.port)
        } catch {
            await state.shutdown()
            throw error
        }
        await state.shutdown()
    }

    /// Said before the database, the model and the search index are opened (seconds): a port
    /// another process holds is refused at once, not after the wait. Any other failure to bind
    /// is left to the server's own bind, which says it.
    static func checkAddressFree(_ settings: ServerSettings) async throws {
        guard settings.port != 0 else { return }
        do {
            let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: settings.bindHost, port: settings.port).get()
            try await probe.close()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServerSetupError.addressInUse(host: settings.host, port: settings.port)
        } catch {
            return
        }
    }

    /// Every route, behind the middlewares (outermost first): the request log, no sniffing,
    /// problem+json for every error, a declared body over the limit refused unread, whose tasks
    /// the bearer token reaches. Every GET route answers HEAD too (RFC 9110 §9.3.2: `curl -I`,
    /// uptime monitors), with the GET's headers and no body.
    static func router(_ state: any ServerBackend) -> Router<TaskRequestContext> {
        let router = Router(context: TaskRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestLogMiddleware(logger: state.logger, metrics: state.metrics))
        router.add(middleware: NoSniffMiddleware())  // outside ProblemMiddleware: on its problems too
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: DeclaredLengthMiddleware(limit: state.settings.maxBodyBytes))
        router.add(middleware: AccessMiddleware(backend: state))
        TaskRoutes(state: state).add(to: router)
        TaskActionRoutes(state: state).add(to: router)
        UndoRoute(state: state).add(to: router)
        QueryRoutes(state: state).add(to: router)
        TransferRoutes(state: state).add(to: router)
        EventRoutes(state: state).add(to: router)
        HealthRoutes(state: state).add(to: router)
        PageRoute().add(to: router)
        router.add(middleware: AllowedMethods(router.routes))
        return router
    }
}

import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TaskService

/// `todo serve`: the HTTP service over the same TaskService, model and database as the CLI.
public enum TaskServer {
    /// Opens everything once, listens, calls `onListening` with the address once ready, and runs
    /// until SIGTERM or SIGINT: then it stops accepting, finishes the requests in flight and the
    /// enrichment batch in hand, settles the database and returns.
    public static func run(settings: ServerSettings, enrichmentSettings: EnrichmentSettings, logger: Logger,
                           onListening: @escaping @Sendable (String) -> Void) async throws {
        try settings.check()
        let state = try ServerState(settings: settings, enrichmentSettings: enrichmentSettings, logger: logger)
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
            services: [QueueWorker(state: state), app, EventStreamCloser(events: state.events)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            await state.executor.shutdown()
            throw ServerSetupError.addressInUse(host: settings.host, port: settings.port)
        } catch {
            await state.executor.shutdown()
            throw error
        }
        await state.executor.shutdown()
    }

    /// Every route, behind the middlewares (outermost first): the request log, problem+json for
    /// every error, the bearer token.
    static func router(_ state: ServerState) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: state.logger, metrics: state.metrics))
        router.add(middleware: ProblemMiddleware())
        if let token = state.settings.token { router.add(middleware: BearerAuthMiddleware(token: token)) }
        TaskRoutes(state: state, inline: InlineEnrichment(state: state)).add(to: router)
        TaskActionRoutes(state: state).add(to: router)
        QueryRoutes(state: state).add(to: router)
        TransferRoutes(state: state).add(to: router)
        EventRoutes(state: state).add(to: router)
        HealthRoutes(state: state).add(to: router)
        PageRoute().add(to: router)
        return router
    }
}

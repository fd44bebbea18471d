import Foundation
import TaskPostgres

/// How `todo serve` runs: where it listens, which database and models it opens, its limits.
public struct ServerSettings: Sendable {
    /// The address to bind: loopback unless a token guards the API.
    public var host: String = "127.0.0.1"
    /// 0 takes a free port (printed once listening).
    public var port: Int = 8080
    public var database: ServerDatabase
    public var weights: URL
    /// Every /api route needs `Authorization: Bearer <token>` when set.
    public var token: String?
    /// Request bodies above this many bytes are refused with 413.
    public var maxBodyBytes: Int = 16 << 20
    /// How long a request waits for its task's AI fields before answering "pending".
    public var inlineBudget: Duration = .milliseconds(200)
    /// Longest text (title + description, characters) sent through inline enrichment; longer
    /// ones go straight to the background worker (as `todo add` leaves them to `todo enrich`).
    public var inlineTextLimit: Int = 20_000
    /// Threads for SQLite and model calls, off the event loops. More than the cores: a thread
    /// waiting for the model (a search during a pass) must not leave none for a listing.
    public var blockingThreads: Int = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
    /// How many texts' characters one forward pass takes at most (the dynamic batch's budget).
    public var batchCharacterBudget: Int = 32_000
    /// With false, each request's task is enriched alone (for the benchmark's comparison).
    public var dynamicBatching = true
    /// A connection idle this long is closed, so slow clients hold nothing.
    public var idleTimeout: Duration = .seconds(30)

    public init(database: ServerDatabase, weights: URL) {
        self.database = database
        self.weights = weights
    }

    /// The loopback rule: any other address needs a token (the server's, or with PostgreSQL each
    /// account's), else the server refuses to start.
    public func check() throws(ServerSetupError) {
        if let token, token.isEmpty { throw .emptyToken }
        if host.trimmingCharacters(in: .whitespaces).isEmpty { throw .emptyHost }
        if case .postgres = database, token != nil { throw .tokenWithAccounts }
        if token == nil, case .sqlite = database, !Self.isLoopback(bindHost) { throw .publicWithoutToken(host: host) }
        guard (0...65_535).contains(port) else { throw .badPort(port) }
    }

    /// The address without the brackets a URL puts around IPv6 ("[::1]" → "::1").
    var bindHost: String { host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// Where a server's tasks live: a SQLite file (one user), or a shared PostgreSQL database whose
/// every request needs an account's token (`todo users add`).
public enum ServerDatabase: Sendable {
    case sqlite(URL)
    case postgres(PostgresLocation)
}

/// Why the server did not start; said in full by `todo serve`.
public enum ServerSetupError: Error, Equatable, CustomStringConvertible {
    case publicWithoutToken(host: String)
    case emptyToken
    case tokenWithAccounts
    case emptyHost
    case badPort(Int)
    case addressInUse(host: String, port: Int)

    public var description: String {
        switch self {
        case .publicWithoutToken(let host):
            return "refusing to listen on \(host) without a token: anyone who can reach it could read and change every task. "
                + "Give --token T (or SMART_TODO_TOKEN), or listen on 127.0.0.1"
        case .emptyToken: return "the token is empty; give a long random one, e.g. --token \"$(openssl rand -hex 24)\""
        case .tokenWithAccounts:
            return "a PostgreSQL database has accounts, each with its own token (`todo users add NAME`): leave out --token and SMART_TODO_TOKEN"
        case .emptyHost: return "the --host is empty; give an address such as 127.0.0.1 (the default)"
        case .badPort(let port): return "port \(port) is outside 0…65535"
        case .addressInUse(let host, let port):
            return "\(host):\(port) is already in use (another todo serve?): stop it, or choose another --port (0 takes a free one)"
        }
    }
}

import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
/// (`postgresql://` too), as `--db` and `SMART_TODO_DB` take it. Loopback defaults to no TLS;
/// any other host to TLS required, so a password never crosses a network in the clear unasked.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public enum TLSMode: String, Sendable { case disable, prefer, require }

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    public init(url given: String) throws {
        // Messages quote the URL without its password.
        let text = Self.redacted(given)
        guard Self.isURL(given), let components = URLComponents(string: given) else {
            throw PostgresFailure.badURL(text, "expected postgres://USER@HOST[:PORT]/DATABASE")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw PostgresFailure.badURL(text, "the port \(port) is not between 1 and 65535")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresFailure.badURL(text, "it names no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresFailure.badURL(text, "it names no user (postgres://USER@HOST/DATABASE)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw PostgresFailure.badURL(text, "it names no database (…/DATABASE at the end)") }
        self.host = host
        port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        tls = loopback ? .disable : .require
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw PostgresFailure.badURL(text, "unknown parameter '\(item.name)' (only sslmode is read)") }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw PostgresFailure.badURL(text, "sslmode must be disable, prefer or require")
            }
            tls = mode
        }
    }

    /// `text` with the password of its user part, if any, replaced by "…".
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "…" + String(text[at...])
    }

    /// The URL without its password, for messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", Self.applicationName)]
        return configuration
    }

    /// How this process names its sessions (`application_name`): "todo serve", "todo worker",
    /// "todo list" — what pg_stat_activity shows, and `todo restore` when it must wait for them.
    static let applicationName: String = {
        let arguments = CommandLine.arguments
        let program = URL(fileURLWithPath: arguments.first ?? "todo").lastPathComponent
        guard program == "todo", let command = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) else {
            return String(program.filter(\.isASCII).prefix(63))
        }
        // The command's name only, never a task's words: "todo add" whatever is added.
        return "todo " + String(command.filter { $0.isASCII && ($0.isLetter || $0 == "-") }.prefix(40))
    }()

    /// For one connection of its own (`PostgresStore.open` tries one first: the pool would
    /// retry a refused connection quietly, where one attempt says why).
    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            let tls: PostgresConnection.Configuration.TLS = switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
            configuration.options.connectTimeout = .seconds(5)
            configuration.options.additionalStartupParameters = [("application_name", Self.applicationName)]
            return configuration
        }
    }
}

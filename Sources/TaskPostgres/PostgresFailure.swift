import PostgresNIO

/// What went wrong with a PostgreSQL database, said so a person can act on it.
public enum PostgresFailure: Error, CustomStringConvertible, Equatable {
    case badURL(String, String)
    case unreachable(String, String)
    case server(String)
    case invalid(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .badURL(let url, let why): "Not a PostgreSQL URL: \(url) — \(why)."
        case .unreachable(let location, let why): "Cannot reach PostgreSQL at \(location): \(why)."
        case .server(let message): "PostgreSQL refused: \(message)."
        case .invalid(let message): message
        case .notFound(let message): message
        }
    }

    /// A postgres-nio error as the server or the connection told it (PSQLError's own
    /// description hides both, so that logs do not leak queries).
    static func from(_ error: any Error, location: PostgresLocation) -> any Error {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError {
            return from(inner, location: location)
        }
        guard let psql = error as? PSQLError else { return error }
        if let message = psql.serverInfo?[.message] {
            let state = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return PostgresFailure.server(message + state)
        }
        return PostgresFailure.unreachable(location.description, reason(psql))
    }

    /// The connection's failure in a few words (the library's own text is a debug dump).
    static func reason(_ error: PSQLError) -> String {
        let underlying = error.underlying.map { "\($0)" } ?? ""
        switch error.code {
        case .sslUnsupported: return "the server does not offer TLS (add ?sslmode=disable for a trusted loopback or private network)"
        case .serverClosedConnection: return "the server closed the connection"
        case .authMechanismRequiresPassword: return "the server asks for a password (postgres://USER:PASSWORD@…)"
        case .unsupportedAuthMechanism: return "the server asks for an authentication method this client does not speak"
        default: break
        }
        for (marker, said) in [("Connection refused", "connection refused (is PostgreSQL running and listening on that port?)"),
                               ("UnknownHost", "unknown host name"), ("timed out", "the connection timed out"),
                               ("No route to host", "no route to the host"), ("Network is unreachable", "the network is unreachable")]
        where underlying.contains(marker) {
            return said
        }
        return underlying.isEmpty ? "\(error.code)" : underlying
    }
}

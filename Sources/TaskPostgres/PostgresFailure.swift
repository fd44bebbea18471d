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
        let cause = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
        return PostgresFailure.unreachable(location.description, cause)
    }
}

import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Creates an account and its token (shown once: only its hash is kept).
    public func addAccount(name: String) async throws -> (account: Account, token: APIToken) {
        try Account.checkName(name)
        let token = APIToken.generate()
        let hash = ByteBuffer(bytes: token.sha256)
        return try await run { [self] in
            do {
                let rows = try await client.query("""
                    INSERT INTO account (name, token_sha256) VALUES (\(name), \(hash)) RETURNING id, name, created, revoked
                    """, logger: logger)
                guard let account = try await Self.accounts(rows).first else { throw PostgresFailure.server("no account was created") }
                return (account, token)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                let existing = try await accounts().first { $0.name.lowercased() == name.lowercased() }
                let revoked = existing?.revoked != nil ? " (revoked: names are not reused, so its tasks never pass to someone new)" : ""
                throw PostgresFailure.invalid("An account named '\(existing?.name ?? name)' already exists\(revoked).")
            }
        }
    }

    /// Every account, revoked ones too, by name.
    public func accounts() async throws -> [Account] {
        try await run { [self] in
            try await Self.accounts(try await client.query("SELECT id, name, created, revoked FROM account ORDER BY name", logger: logger))
        }
    }

    /// Revokes the account's token at once: the next request with it is refused, and every
    /// replica closes the event streams open for it (`StoreNotice.revoked`, sent at commit).
    /// Its tasks stay. `already`: it was revoked before (the first revocation's time is kept).
    @discardableResult
    public func revoke(name: String) async throws -> (account: Account, already: Bool) {
        try await transaction { connection, logger in
            // Within the statement now() is the transaction's start: only an earlier revocation is before it.
            let rows = try await connection.query("""
                UPDATE account SET revoked = coalesce(revoked, now()) WHERE lower(name) = lower(\(name))
                RETURNING id, name, created, revoked, revoked < now()
                """, logger: logger)
            for try await (id, name, created, revoked, already) in rows.decode((Int64, String, Date, Date?, Bool).self) {
                try await StoreNotice.revoked(account: id).send(on: connection, logger: logger)
                return (Account(id: id, name: name, created: created, revoked: revoked), already)
            }
            throw PostgresFailure.notFound("No account named '\(name)' (`todo users list` shows them).")
        }
    }

    /// A new token for the account, in place of its old one: the old one is refused at once and
    /// the event streams it opened are closed (a lost or leaked token). A revoked account is
    /// active again under the new token, with its tasks. `wasRevoked`: it had been revoked.
    public func issueToken(name: String) async throws -> (account: Account, token: APIToken, wasRevoked: Bool) {
        let token = APIToken.generate()
        let hash = ByteBuffer(bytes: token.sha256)
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                UPDATE account a SET token_sha256 = \(hash), revoked = NULL
                FROM (SELECT id, revoked FROM account WHERE lower(name) = lower(\(name)) FOR UPDATE) old
                WHERE a.id = old.id
                RETURNING a.id, a.name, a.created, old.revoked IS NOT NULL
                """, logger: logger)
            for try await (id, name, created, wasRevoked) in rows.decode((Int64, String, Date, Bool).self) {
                try await StoreNotice.revoked(account: id).send(on: connection, logger: logger)
                return (Account(id: id, name: name, created: created, revoked: nil), token, wasRevoked)
            }
            throw PostgresFailure.notFound("No account named '\(name)' (`todo users list` shows them).")
        }
    }

    /// The live account a token belongs to; nil for an unknown or revoked token. The lookup is
    /// by the token's hash (an index probe), so it takes the same time whatever the token.
    public func account(token: APIToken) async throws -> Account? {
        let hash = ByteBuffer(bytes: token.sha256)
        return try await run { [self] in
            let rows = try await client.query("""
                SELECT id, name, created, revoked FROM account WHERE token_sha256 = \(hash) AND revoked IS NULL
                """, logger: logger)
            return try await Self.accounts(rows).first
        }
    }

    /// Rows of `id, name, created, revoked` as accounts.
    private static func accounts(_ rows: PostgresRowSequence) async throws -> [Account] {
        var out: [Account] = []
        for try await (id, name, created, revoked) in rows.decode((Int64, String, Date, Date?).self) {
            out.append(Account(id: id, name: name, created: created, revoked: revoked))
        }
        return out
    }
}


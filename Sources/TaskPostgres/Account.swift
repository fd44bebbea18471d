import Crypto
import Foundation

/// A user of a shared (PostgreSQL) Smart TODO: every task belongs to one, and every query is
/// scoped to the account its token names.
public struct Account: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var created: Date
    /// Set once revoked: its token is refused from then on.
    public var revoked: Date?

    /// Letters, digits, '.', '_', '-'; 1 to 64 characters, not starting with a punctuation mark
    /// (the schema checks the same).
    enum CodingKeys: String, CodingKey { case id, name, created, revoked }

    /// Dates as ISO 8601 with milliseconds, as every other JSON of `todo`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(created.formatted(style), forKey: .created)
        try c.encode(revoked?.formatted(style), forKey: .revoked)
    }

    public init(id: Int64, name: String, created: Date, revoked: Date?) {
        self.id = id
        self.name = name
        self.created = created
        self.revoked = revoked
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        id = try c.decode(Int64.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        created = try Date(c.decode(String.self, forKey: .created), strategy: style)
        revoked = try c.decodeIfPresent(String.self, forKey: .revoked).map { try Date($0, strategy: style) }
    }

    public static func checkName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-_".unicodeScalars.contains($0)) }
        guard (1...64).contains(name.count), allowed, name.first?.isLetter == true || name.first?.isNumber == true else {
            throw PostgresFailure.invalid("An account name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit: '\(name)' is not.")
        }
    }
}

/// An API token: 256 random bits, shown once as 64 hex digits; only its SHA-256 is stored, so
/// the database never holds what would let someone act as the account.
public struct APIToken: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    public init(text: String) { self.text = text }

    /// From the system's cryptographic generator (getrandom on Linux).
    public static func generate() -> APIToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        return APIToken(text: bytes.map { String(format: "%02x", $0) }.joined())
    }

    public var sha256: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Never the token itself: it would end up in logs.
    public var description: String { "APIToken(…)" }
}

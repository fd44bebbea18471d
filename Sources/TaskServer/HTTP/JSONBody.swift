import Foundation
import Hummingbird
import TaskService

/// A request body that must be one JSON object with known fields: each problem — the content
/// type, the size, invalid JSON or UTF-8, a field not in the schema, a value of the wrong
/// type — is a `Problem` that names it.
struct JSONBody {
    /// The fields as JSONSerialization read them (NSNumber, NSString, NSNull, arrays).
    private let object: [String: Any]

    static func read(_ request: Request, limit: Int, allowed: Set<String>) async throws -> JSONBody {
        try requireJSON(request)
        return try JSONBody(bytes: try await collect(request, limit: limit), allowed: allowed)
    }

    /// The whole body: 413 over `limit`; 400 when it cannot be read (bad chunked encoding, cut
    /// short) — the client's fault, never a 500.
    static func collect(_ request: Request, limit: Int) async throws -> Data {
        do {
            return Data(try await request.body.collect(upTo: limit).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Problem.bodyTooLarge(limit: limit)
        } catch {
            throw Problem(.badRequest, "Unreadable body", detail: "the request body could not be read (bad chunked encoding, or cut short)")
        }
    }

    /// 415 unless the body is declared as JSON (`application/json`, any parameters).
    static func requireJSON(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/json" else {
            throw Problem(.unsupportedMediaType, "Unsupported media type",
                          detail: "send the body as application/json (got \(type.map { "'\($0)'" } ?? "no Content-Type"))")
        }
    }

    init(bytes: Data, allowed: Set<String>) throws {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw Problem(.badRequest, "Invalid JSON", detail: "the body is not valid UTF-8")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: bytes) } catch {
            throw Problem(.badRequest, "Invalid JSON", detail: "the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw Problem(.badRequest, "Invalid JSON", detail: "the body must be a JSON object") }
        if let repeated = RepeatedJSONKey.first(in: bytes) {
            throw Problem(.badRequest, "Repeated field", detail: "\(Self.quoted(repeated)) is given twice; give each field once", field: repeated)
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem(.badRequest, "Unknown field", detail: "\(Self.quoted(unknown)) is not a field here (fields: \(allowed.sorted().joined(separator: ", ")))",
                          field: unknown)
        }
        self.object = object
    }

    /// A field name as said back: escaped, and cut, so an error never echoes a whole hostile key.
    private static func quoted(_ key: String) -> String {
        let short = key.count > 64 ? String(key.prefix(64)) + "…" : key
        return (try? ServerJSON.string([short])).map { String($0.dropFirst().dropLast()) } ?? "a field"
    }

    func contains(_ key: String) -> Bool { object[key] != nil }

    func isNull(_ key: String) -> Bool { object[key] is NSNull }

    /// The string at `key`; nil when absent or null; a problem when another type.
    func string(_ key: String) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String, !(value is NSNumber) else { throw Problem.invalid(key, "must be a string") }
        return text
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let array = value as? [Any] else { throw Problem.invalid(key, "must be an array of strings") }
        return try array.enumerated().map { i, element in
            guard let text = element as? String, !(element is NSNumber) else { throw Problem.invalid("\(key)[\(i)]", "must be a string") }
            return text
        }
    }
}

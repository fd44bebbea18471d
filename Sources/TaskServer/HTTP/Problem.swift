import Foundation
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457): what went wrong, the status,
/// and, when a request field is at fault, its name — so a client can point at the input.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A short, stable summary of the kind of problem ("Invalid field").
    public var title: String
    /// This occurrence, in a sentence.
    public var detail: String
    /// The request field at fault ("title", "due", "tags[2]"), when there is one.
    public var field: String?
    /// Seconds after which the client may try again (a 503 while the database is away).
    public var retryAfter: Int?
    /// The methods the path takes, for a 405 (its `Allow` header).
    public var allow: [String] = []
    /// Every problem of an input that has several (an import's bad lines), so that a client
    /// mends them in one go; `detail` and `field` are the first's.
    public var all: [Item] = []

    public struct Item: Sendable, Equatable {
        public var field: String?
        public var detail: String
    }

    public init(_ status: HTTPResponse.Status, _ title: String, detail: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.retryAfter = retryAfter
    }

    static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(.badRequest, "Invalid field", detail: "\(field): \(detail)", field: field)
    }

    static func bodyTooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, "Body too large", detail: "the request body is over this server's limit of \(limit) bytes (todo serve --max-body)")
    }

    static func unknownTask(_ id: Int64) -> Problem {
        Problem(.notFound, "No such task", detail: "no task \(id)")
    }

    static let contentType = "application/problem+json"
}

extension Problem: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body())))
    }

    func body() -> Data {
        var object: [String: Any] = ["type": "about:blank", "title": title, "status": Int(status.code), "detail": detail]
        if let field { object["field"] = field }
        if !all.isEmpty { object["problems"] = all.map { item in ["detail": item.detail, "field": item.field as Any? ?? NSNull()] } }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small HTTP client over AsyncHTTPClient for the tests: a status, headers and body back,
/// every call bounded in time.
struct HTTPTestClient: Sendable {
    let baseURL: String
    var token: String?
    static let timeout: TimeAmount = .seconds(30)

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var jsonArray: [[String: Any]] { ((try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]]) ?? [] }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = "application/json",
              headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: Self.timeout)
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(.GET, path, headers: headers)
    }

    func post(_ path: String, json: [String: Any], headers: [(String, String)] = []) async throws -> Reply {
        try await send(.POST, path, body: try JSONSerialization.data(withJSONObject: json), headers: headers)
    }

    func patch(_ path: String, json: [String: Any], headers: [(String, String)] = []) async throws -> Reply {
        try await send(.PATCH, path, body: try JSONSerialization.data(withJSONObject: json), headers: headers)
    }

    func delete(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(.DELETE, path, headers: headers)
    }

    /// Polls `check` until it holds, at most `timeout` seconds; whether it did.
    static func eventually(timeout: TimeInterval = 60, _ check: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
